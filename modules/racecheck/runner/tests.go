package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// testModule builds the module's test binaries under the race detector,
// runs them (as many at a time as there are CPUs, like go test) and
// records their results.
func (r *run) testModule(ctx context.Context, mp *modulePackages) error {
	if len(mp.pkgs) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp(r.tmp, "test-")
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	replace, err := r.leakOverlay(mp.m, mp.pkgs, dir)
	if err != nil {
		return err
	}
	overlay, err := writeOverlay(dir, replace)
	if err != nil {
		return err
	}
	flags := []string{"-race"}
	if overlay != "" {
		flags = append(flags, "-overlay="+overlay)
	}
	built, err := r.buildTests(ctx, mp.ws, mp.m, mp.pkgs, filepath.Join(dir, "bin"), r.buildEnv(), flags...)
	if err != nil {
		return err
	}
	r.addBuildFindings(mp.ws, mp.m, mp.pkgs, built)
	r.progress("  built %d test binaries in %v", len(built.binaries), time.Since(t0).Round(100*time.Millisecond))
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
	results := make([]binaryRun, len(runnable))
	errs := make([]error, len(runnable))
	jobs := make(chan int)
	var wg sync.WaitGroup
	opts := binaryOptions{args: r.testBinaryArgs(), testLimit: r.cfg.TestTimeout}
	for range min(runtime.NumCPU(), len(runnable)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := runnable[i]
				logDir := filepath.Join(dir, fmt.Sprintf("race-%d", i))
				if err := os.Mkdir(logDir, 0o755); err != nil {
					errs[i] = fmt.Errorf("racecheck: %w", err)
					continue
				}
				results[i], errs[i] = r.runTestBinary(ctx, p, built.binaries[p.ImportPath], logDir, opts)
				results[i].shuffle = r.shuffle
				status := "ok  "
				if results[i].exit != 0 {
					status = "FAIL"
				}
				r.progress("  %s %s (%v)", status, p.ImportPath, results[i].duration.Round(10*time.Millisecond))
			}
		}()
	}
	for i := range runnable {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, res := range results {
		if errs[i] != nil {
			return errs[i]
		}
		r.absorb(mp, res)
	}
	return nil
}

// absorb adds one binary run's tests, package run and findings to the
// report.
func (r *run) absorb(mp *modulePackages, res binaryRun) {
	c := classifier{r: r, ws: mp.ws, m: mp.m, pkg: res.pkg,
		reproduce: r.reproduce(mp.ws, mp.m, r.testReproduceArgs(true, res.pkg.rel(mp.m))...)}
	v := c.classify(res)
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
}
