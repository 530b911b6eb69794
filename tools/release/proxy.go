package release

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// BuildProxy writes a file-system module proxy (GOPROXY=file://dir) that
// serves each module version from its tag in the Git repository at repo,
// as the public proxy would serve it from the pushed tag
// (runner.WriteProxyVersion). Every version must be tagged.
func BuildProxy(ctx context.Context, repo, dir string, mods []Module, version func(Module) string) error {
	for _, m := range mods {
		v := version(m)
		if !tagExists(ctx, repo, m.Tag(v)) {
			return fmt.Errorf("release: proxy: %s has no tag %s", m.Path, m.Tag(v))
		}
		rm := runner.Module{Path: m.Path, Dir: filepath.Join(repo, filepath.FromSlash(m.Dir))}
		if err := runner.WriteProxyVersion(ctx, dir, rm, v); err != nil {
			return fmt.Errorf("release: proxy: %w", err)
		}
	}
	return nil
}
