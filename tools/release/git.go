package release

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/mod/semver"
)

// command runs name in dir with extra environment variables and returns its
// standard output; the error carries its standard error.
func command(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s in %s: %w\n%s%s", name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

func git(ctx context.Context, root string, args ...string) (string, error) {
	return command(ctx, root, nil, "git", args...)
}

// dirtyFiles lists what git status reports as changed or untracked.
func dirtyFiles(ctx context.Context, root string) ([]string, error) {
	out, err := git(ctx, root, "status", "--porcelain", "--untracked-files=normal")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			files = append(files, line)
		}
	}
	return files, nil
}

// tagExists reports whether refs/tags/tag exists.
func tagExists(ctx context.Context, root, tag string) bool {
	_, err := git(ctx, root, "rev-parse", "-q", "--verify", "refs/tags/"+tag)
	return err == nil
}

// latestTag returns the newest version tagged for m, or "" if none.
func latestTag(ctx context.Context, root string, m Module) (string, error) {
	out, err := git(ctx, root, "tag", "--list", m.Dir+"/v*")
	if err != nil {
		return "", err
	}
	latest := ""
	for _, tag := range strings.Fields(out) {
		v := strings.TrimPrefix(tag, m.Dir+"/")
		if semver.IsValid(v) && (latest == "" || semver.Compare(v, latest) > 0) {
			latest = v
		}
	}
	return latest, nil
}

// extract writes the files of dir at rev into a new directory under tmp and
// returns the directory that holds dir's go.mod.
func extract(ctx context.Context, root, rev, dir, tmp string) (string, error) {
	archive := filepath.Join(tmp, "archive.tar")
	if _, err := git(ctx, root, "archive", "--format=tar", "-o", archive, rev, "--", dir); err != nil {
		return "", err
	}
	dest := filepath.Join(tmp, "src")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	if _, err := command(ctx, dest, nil, "tar", "-xf", archive); err != nil {
		return "", err
	}
	return filepath.Join(dest, filepath.FromSlash(dir)), nil
}
