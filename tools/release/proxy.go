package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// BuildProxy writes a file-system module proxy (GOPROXY=file://dir) that
// serves each module version from its tag in the Git repository at repo:
// the <module>/@v/list, .info, .mod and .zip files of the GOPROXY protocol,
// the zip made by golang.org/x/mod/zip from the tagged commit, as the public
// proxy would make it from the pushed tag.
func BuildProxy(ctx context.Context, repo, dir string, mods []Module, version func(Module) string) error {
	for _, m := range mods {
		v := version(m)
		esc, err := module.EscapePath(m.Path)
		if err != nil {
			return fmt.Errorf("release: proxy: %w", err)
		}
		escV, err := module.EscapeVersion(v)
		if err != nil {
			return fmt.Errorf("release: proxy: %w", err)
		}
		vdir := filepath.Join(dir, filepath.FromSlash(esc), "@v")
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return err
		}
		tag := m.Tag(v)
		var zip bytes.Buffer
		if err := modzip.CreateFromVCS(&zip, module.Version{Path: m.Path, Version: v}, repo, tag, m.Dir); err != nil {
			return fmt.Errorf("release: proxy: zip of %s: %w", tag, err)
		}
		gomod, err := git(ctx, repo, "show", tag+":"+m.Dir+"/go.mod")
		if err != nil {
			return err
		}
		when, err := git(ctx, repo, "log", "-1", "--format=%cI", tag)
		if err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(when))
		if err != nil {
			return fmt.Errorf("release: proxy: time of %s: %w", tag, err)
		}
		info, err := json.Marshal(struct {
			Version string
			Time    time.Time
		}{v, t.UTC()})
		if err != nil {
			return err
		}
		for name, data := range map[string][]byte{
			escV + ".zip":  zip.Bytes(),
			escV + ".mod":  []byte(gomod),
			escV + ".info": info,
		} {
			if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
				return err
			}
		}
		list, err := os.OpenFile(filepath.Join(vdir, "list"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(list, v)
		if cerr := list.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
