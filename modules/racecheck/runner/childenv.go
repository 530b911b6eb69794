package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// childEnvFile is the file racecheck adds, in the build only, to every test
// package it runs: its init gives the programs a test starts the GORACE they
// would get under go test. racecheck's own GORACE sends the binary's race
// reports to a file; a child inheriting it (a test running `go run -race`
// on a deliberately racy program and reading its output) would write its
// report there instead of its stderr, failing the test and reporting the
// child's race as the package's. The race runtime reads GORACE when the
// binary starts, before any init, so the binary's own reports still go to
// racecheck's file.
const childEnvFile = "zz_racecheck_childenv_test.go"

// childGORACE names the variable that carries the user's GORACE to the
// injected init ("" when it was unset).
const childGORACE = "RACECHECK_CHILD_GORACE"

const childEnvSource = `package PACKAGE

import racecheckChildEnvOS__ "os"

func init() {
	if v, ok := racecheckChildEnvOS__.LookupEnv("` + childGORACE + `"); ok {
		if v == "" {
			racecheckChildEnvOS__.Unsetenv("GORACE")
		} else {
			racecheckChildEnvOS__.Setenv("GORACE", v)
		}
		racecheckChildEnvOS__.Unsetenv("` + childGORACE + `")
	}
}
`

// childEnvOverlay writes the child-environment init of every test package of
// pkgs into dir and adds it to replace.
func childEnvOverlay(pkgs []*Package, dir string, replace map[string]string) error {
	for i, p := range pkgs {
		if !p.HasTestFiles || p.Name == "" {
			continue
		}
		file := filepath.Join(dir, fmt.Sprintf("childenv-%d.go", i))
		src := strings.Replace(childEnvSource, "package PACKAGE", "package "+p.Name, 1)
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
		replace[filepath.Join(p.Dir, childEnvFile)] = file
	}
	return nil
}
