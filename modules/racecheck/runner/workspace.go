package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
)

// ErrNoModule is returned by Discover for a directory that holds neither a
// go.work nor a go.mod file.
var ErrNoModule = errors.New("no go.work or go.mod")

// Workspace is a set of modules tested together: the modules a go.work file
// uses, or a single module.
type Workspace struct {
	// Dir is the absolute directory of the go.work or go.mod file.
	Dir string
	// GoWork is the absolute path of the go.work file, or "" for a single
	// module, which is then run with GOWORK=off so that an enclosing go.work
	// cannot capture it.
	GoWork string
	// Modules are in go.work order.
	Modules []Module
	// enclosingWork is set for a single module that a go.work file in a
	// parent directory would otherwise capture: commands replaying it need
	// GOWORK=off.
	enclosingWork bool
}

// Module is one module of a Workspace.
type Module struct {
	// Path is the module path from go.mod.
	Path string
	// Dir is the absolute module directory.
	Dir string
}

// Discover reads the workspace rooted at dir: its go.work file if there is
// one, otherwise its go.mod file. It does not search parent directories. A
// trailing "/..." is ignored, so "./..." means ".". A directory that does
// not exist or holds neither file is an error wrapping ErrInvalidConfig.
func Discover(ctx context.Context, goCmd, dir string) (Workspace, error) {
	abs, err := filepath.Abs(trimDots(dir))
	if err != nil {
		return Workspace{}, fmt.Errorf("racecheck: %s: %w", dir, err)
	}
	ws := Workspace{Dir: abs}
	work := filepath.Join(abs, "go.work")
	if _, err := os.Stat(work); err == nil {
		ws.GoWork = work
		var wf struct {
			Use []struct{ DiskPath string }
		}
		if err := goJSON(ctx, goCmd, abs, &wf, "work", "edit", "-json", work); err != nil {
			return Workspace{}, err
		}
		for _, u := range wf.Use {
			mdir := u.DiskPath
			if !filepath.IsAbs(mdir) {
				mdir = filepath.Join(abs, mdir)
			}
			m, err := readModule(ctx, goCmd, filepath.Clean(mdir))
			if err != nil {
				return Workspace{}, err
			}
			ws.Modules = append(ws.Modules, m)
		}
		return ws, nil
	}
	if err := checkDir(dir); err != nil {
		return Workspace{}, err
	}
	m, err := readModule(ctx, goCmd, abs)
	if err != nil {
		return Workspace{}, err
	}
	ws.Modules = []Module{m}
	// GOWORK=off in racecheck's own environment already keeps a replay in
	// that environment out of any go.work; a path means one would apply.
	if out, err := gocmd.Go(goCmd, abs, nil, "env", "GOWORK").Output(ctx); err == nil {
		if w := string(bytes.TrimSpace(out)); w != "" && w != "off" {
			ws.enclosingWork = true
		}
	}
	return ws, nil
}

func readModule(ctx context.Context, goCmd, dir string) (Module, error) {
	var mf struct {
		Module struct{ Path string }
	}
	if err := goJSON(ctx, goCmd, dir, &mf, "mod", "edit", "-json", filepath.Join(dir, "go.mod")); err != nil {
		return Module{}, err
	}
	return Module{Path: mf.Module.Path, Dir: dir}, nil
}

func goJSON(ctx context.Context, goCmd, dir string, v any, args ...string) error {
	inv := gocmd.Go(goCmd, dir, gocmd.Environ(nil, "GOWORK=off"), args...)
	out, err := inv.Output(ctx)
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("racecheck: %s: %w", inv, err)
	}
	return nil
}

// Env returns the environment for go commands run in this workspace: the
// process environment with GOWORK pinned to the workspace's go.work, or to
// "off" for a single module.
func (ws Workspace) Env() []string {
	gowork := "off"
	if ws.GoWork != "" {
		gowork = ws.GoWork
	}
	return gocmd.Environ(nil, "GOWORK="+gowork)
}
