//go:build mage

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/magefile"
)

func init() {
	magefile.TestSteps = append(magefile.TestSteps, magefile.Step{
		Name: "CI templates: actionlint, security rules, GitLab schema, act and gitlab-ci-local end to end",
		Run:  Templates,
	})
}

// Templates validates the CI templates and runs them end to end with act and gitlab-ci-local (installs rsync, jq and npm packages when missing).
func Templates(ctx context.Context) error {
	if err := templatesAptTools(ctx, "rsync", "jq"); err != nil {
		return err
	}
	if err := templatesNode(ctx); err != nil {
		return err
	}
	if err := templatesCmd(ctx, "tools", nil, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"); err != nil {
		return fmt.Errorf("templates: installing gitlab-ci-local from tools/package-lock.json: %w", err)
	}
	return templatesCmd(ctx, "tools", []string{"RACEPROOF_E2E=1"},
		"go", "test", "-count=1", "-timeout=20m", "-v", "./citemplates/...")
}

// templatesAptTools installs the Debian packages that are missing from PATH.
func templatesAptTools(ctx context.Context, tools ...string) error {
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("templates: %s missing and not root: install with apt-get install -y %s",
			strings.Join(missing, ", "), strings.Join(missing, " "))
	}
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	install := append([]string{"install", "-y", "--no-install-recommends"}, missing...)
	if err := templatesCmd(ctx, ".", env, "apt-get", install...); err == nil {
		return nil
	}
	if err := templatesCmd(ctx, ".", env, "apt-get", "update"); err != nil {
		return fmt.Errorf("templates: apt-get update: %w", err)
	}
	if err := templatesCmd(ctx, ".", env, "apt-get", install...); err != nil {
		return fmt.Errorf("templates: apt-get install %s: %w", strings.Join(missing, " "), err)
	}
	return nil
}

// templatesNode checks for the Node.js 20+ that gitlab-ci-local 4.65.0 needs.
func templatesNode(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "node", "--version").Output()
	if err != nil {
		return fmt.Errorf("templates: gitlab-ci-local needs Node.js 20 or newer on PATH: %w", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil || major < 20 {
		return fmt.Errorf("templates: gitlab-ci-local needs Node.js 20 or newer, found %q", v)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("templates: npm is not on PATH")
	}
	return nil
}

func templatesCmd(ctx context.Context, dir string, env []string, name string, args ...string) error {
	fmt.Printf("(cd %s && %s %s)\n", dir, name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = filepath.FromSlash(dir)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s in %s: %w", name, strings.Join(args, " "), dir, err)
	}
	return nil
}
