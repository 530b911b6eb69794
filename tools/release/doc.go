// Package release checks and tags releases of this repository's modules.
//
// Each released module (Released) is tagged <dir>/vX.Y.Z, e.g.
// modules/safemap/v0.1.0, which is the tag form the go command needs for a
// module in a subdirectory. The version to release is the first version
// heading of the module's CHANGELOG.md; a module whose tag for that version
// already exists has nothing to release.
//
// Run checks, in order, and stops at the first failing stage: the work tree
// is clean; go mod tidy -diff passes in every module of go.work; each module
// to release has a CHANGELOG entry for its version, that version is newer than
// the module's previous tag, and the API change since that tag (computed by
// golang.org/x/exp/apidiff over every non-internal, non-main package) is
// allowed by the version bump (see Bump); racecheck's release also pins the CI
// templates to it. Only then, and only when asked, it creates annotated local
// tags. It never pushes. docs/releasing.md is the procedure around it.
package release
