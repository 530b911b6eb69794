package release

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/semver"
)

// ErrBump is wrapped when a version does not fit the API change it releases.
var ErrBump = errors.New("the version bump does not match the API change")

// APIDiff is the API change between two versions of a module, one line per
// change, each naming its package.
type APIDiff struct {
	Incompatible []string
	Compatible   []string
}

// CheckBump reports whether next may follow prev, the module's previous tag,
// for an API change diff, with entry the CHANGELOG entry of next. The rules
// are gorelease's, plus one for v0:
//
//   - next must be newer than prev;
//   - from v1 on, an incompatible change needs a new major version, which
//     for Go is a new module path (…/v2), so this check rejects it;
//   - in v0, an incompatible change needs at least a minor bump and an entry
//     with an "### Incompatible changes" section;
//   - a compatible addition needs at least a minor bump;
//   - a patch release changes no API.
//
// v0 to v1 is always allowed: v1.0.0 is the promise, whatever came before.
func CheckBump(prev, next string, diff APIDiff, entry Entry) error {
	if semver.Compare(next, prev) <= 0 {
		return fmt.Errorf("%s is not newer than the previous tag %s: %w", next, prev, ErrBump)
	}
	prevMajor, nextMajor := semver.Major(prev), semver.Major(next)
	if prevMajor != nextMajor {
		if prevMajor == "v0" && nextMajor == "v1" {
			return nil
		}
		return fmt.Errorf("%s after %s: a new major version from v2 on needs a new module path ending in /%s: %w", next, prev, nextMajor, ErrBump)
	}
	minorBump := semver.Compare(semver.MajorMinor(next), semver.MajorMinor(prev)) > 0
	list := func(changes []string) string { return "\n  " + strings.Join(changes, "\n  ") }
	if len(diff.Incompatible) > 0 {
		switch {
		case nextMajor != "v0":
			return fmt.Errorf("%s after %s: incompatible API changes need a new major version (a new module path):%s\n%w",
				next, prev, list(diff.Incompatible), ErrBump)
		case !minorBump:
			return fmt.Errorf("%s after %s: incompatible API changes need at least a minor version bump in v0:%s\n%w",
				next, prev, list(diff.Incompatible), ErrBump)
		case !entry.HasIncompatibleSection():
			return fmt.Errorf("%s after %s: the CHANGELOG entry needs an %q section listing:%s\n%w",
				next, prev, IncompatibleHeading, list(diff.Incompatible), ErrBump)
		}
	}
	if len(diff.Compatible) > 0 && !minorBump {
		return fmt.Errorf("%s after %s: API additions need a minor version bump, not a patch:%s\n%w",
			next, prev, list(diff.Compatible), ErrBump)
	}
	return nil
}
