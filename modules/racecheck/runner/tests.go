package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/perturb"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// testModule builds the module's test binaries under the race detector,
// runs them (as many at a time as there are CPUs, like go test), records
// their results, then stresses the packages that passed.
func (r *run) testModule(ctx context.Context, mp *modulePackages) error {
	if len(mp.pkgs) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp(r.tmp, "test-")
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(dir)
	// -stress-seed replays one perturbed run: the instrumented build.
	built, err := r.buildModule(ctx, mp, filepath.Join(dir, "plain"), r.cfg.StressSeed != 0)
	if err != nil {
		return err
	}
	r.addBuildFindings(mp.ws, mp.m, mp.pkgs, built)
	for _, p := range mp.pkgs {
		if p.HasTestFiles && r.broken[p.ImportPath] {
			r.rep.Packages = append(r.rep.Packages, report.PackageRun{Module: mp.m.Path, Package: p.ImportPath,
				Status: report.PackageBuildFailed, Shuffle: r.shuffle, ExitCode: -1})
			r.progress("  FAIL %s [build failed]", p.ImportPath)
		}
	}
	var runnable []*Package
	for _, p := range mp.pkgs {
		if built.binaries[p.ImportPath] != "" {
			runnable = append(runnable, p)
		}
	}
	opts := binaryOptions{args: r.testBinaryArgs(), testLimit: r.cfg.TestTimeout}
	if r.cfg.StressSeed != 0 {
		opts.env = []string{perturb.SeedEnv + "=" + strconv.FormatUint(r.cfg.StressSeed, 10)}
	}
	results, err := pool(len(runnable), func(i int) (binaryRun, error) {
		res, err := r.runTestBinary(ctx, runnable[i], built.binaries[runnable[i].ImportPath], opts)
		res.shuffle = r.shuffle
		status := "ok  "
		if res.exit != 0 {
			status = "FAIL"
		}
		r.progress("  %s %s (%v)", status, runnable[i].ImportPath, res.duration.Round(10*time.Millisecond))
		return res, err
	})
	if err != nil {
		return err
	}
	var clean []binaryRun
	for _, res := range results {
		if r.absorb(mp, res) == 0 {
			clean = append(clean, res)
		}
	}
	if r.cfg.Stress > 0 {
		return r.stressModule(ctx, mp, filepath.Join(dir, "stress"), clean)
	}
	return nil
}

// buildModule builds the test binaries of a module's packages under the
// race detector, with the leak TestMain added, and, when instrument is
// set, from copies perturbed at every concurrency point.
func (r *run) buildModule(ctx context.Context, mp *modulePackages, dir string, instrument bool) (buildResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return buildResult{}, fmt.Errorf("racecheck: %w", err)
	}
	t0 := time.Now()
	replace, err := r.leakOverlay(mp.m, mp.pkgs, dir)
	if err != nil {
		return buildResult{}, err
	}
	if err := childEnvOverlay(mp.pkgs, dir, replace); err != nil {
		return buildResult{}, err
	}
	if instrument {
		g, err := r.graph(ctx, mp)
		if err != nil {
			return buildResult{}, err
		}
		if err := instrumentOverlay(slices.Concat(mp.pkgs, g.deps), dir, replace); err != nil {
			return buildResult{}, err
		}
	}
	overlay, err := writeOverlay(dir, replace)
	if err != nil {
		return buildResult{}, err
	}
	flags := []string{"-race"}
	if overlay != "" {
		flags = append(flags, "-overlay="+overlay)
	}
	built, err := r.buildTests(ctx, mp.ws, mp.m, mp.pkgs, filepath.Join(dir, "bin"), r.buildEnv(), flags...)
	if err != nil {
		return built, err
	}
	what := "test binaries"
	if instrument {
		what = "perturbed test binaries"
	}
	r.progress("  built %d %s in %v", len(built.binaries), what, time.Since(t0).Round(100*time.Millisecond))
	return built, nil
}

// instrumentOverlay adds to replace a perturbed copy of every Go file of
// pkgs that has a concurrency point, and the file that defines the yield
// function to each package (and external test package) that calls it.
func instrumentOverlay(pkgs []*Package, dir string, replace map[string]string) error {
	n := 0
	write := func(target string, src []byte) error {
		n++
		file := filepath.Join(dir, fmt.Sprintf("perturb-%d.go", n))
		if err := os.WriteFile(file, src, 0o644); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
		replace[target] = file
		return nil
	}
	for _, p := range pkgs {
		for _, group := range []struct {
			files       []string
			yield, name string
		}{
			{append(p.GoFiles[:len(p.GoFiles):len(p.GoFiles)], p.TestFiles...), perturb.FileName, p.Name},
			{p.XTestFiles, perturb.XTestFileName, p.Name + "_test"},
		} {
			changed := false
			for _, f := range group.files {
				src, err := os.ReadFile(f)
				if err != nil {
					return fmt.Errorf("racecheck: %w", err)
				}
				if out, ok := perturb.Instrument(f, src); ok {
					changed = true
					if err := write(f, out); err != nil {
						return err
					}
				}
			}
			if changed {
				if err := write(filepath.Join(p.Dir, group.yield), perturb.Yield(group.name)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// pool runs job(0), …, job(n-1) on as many goroutines as there are CPUs
// and returns the results in order, or the first error.
func pool[T any](n int, job func(i int) (T, error)) ([]T, error) {
	results := make([]T, n)
	errs := make([]error, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i], errs[i] = job(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// absorb adds one binary run's tests, package run and findings to the
// report and returns how many findings it had.
func (r *run) absorb(mp *modulePackages, res binaryRun) int {
	c := r.classifier(mp, res.pkg)
	v := c.classify(res)
	if res.exit == 0 && len(v.findings) == 0 {
		// A binary that exits 0 without starting some of the package's
		// tests (a TestMain that returns or exits before m.Run): go test
		// reports ok; racecheck lists them as skipped and says why,
		// rather than let a clean verdict stand for tests it never ran.
		if missing := c.neverStarted(v.tests); len(missing) > 0 {
			for _, name := range missing {
				v.tests = append(v.tests, report.Test{Module: mp.m.Path, Package: res.pkg.ImportPath, Name: name, Status: report.TestSkip,
					Note: "never started: the test binary exited 0 without running it"})
			}
			r.note(mp.m, res.pkg, fmt.Sprintf("the test binary of %s exited 0 without running %s (go test reports the package ok): does its TestMain return or call os.Exit before m.Run? "+
				"racecheck lists the tests it did not run as skipped; to skip a package on purpose, call m.Run and t.Skip in its tests", res.pkg.ImportPath, strings.Join(missing, ", ")))
		}
	}
	r.rep.Tests = append(r.rep.Tests, v.tests...)
	status := report.PackagePass
	if res.exit != 0 || len(v.findings) > 0 {
		status = report.PackageFail
	}
	r.rep.Packages = append(r.rep.Packages, report.PackageRun{Module: mp.m.Path, Package: res.pkg.ImportPath,
		Status: status, Shuffle: res.shuffle, ExitCode: res.exit, Duration: report.Seconds(res.duration)})
	for _, f := range v.findings {
		r.add(f)
	}
	return len(v.findings)
}

// classifier is the classifier of a package's normal run. Its findings
// replay with go test, or with racecheck when the run was perturbed
// (-stress-seed), which go test cannot do.
func (r *run) classifier(mp *modulePackages, p *Package) *classifier {
	c := &classifier{r: r, ws: mp.ws, m: mp.m, pkg: p, replay: r.normalReplay()}
	if r.cfg.StressSeed != 0 {
		c.reproduce = r.racecheckReproduce(mp.ws, mp.m, p, c.replay)
	} else {
		c.reproduce = r.reproduce(mp.ws, mp.m, r.testReproduceArgs(true, p.rel(mp.m))...)
	}
	return c
}
