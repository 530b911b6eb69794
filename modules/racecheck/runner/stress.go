package runner

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/perturb"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// stressReruns is how many times a stress finding's settings are run again
// to say how often they reproduce it.
const stressReruns = 5

// stressModule re-runs, for cfg.Stress each, the tests of the module's
// packages whose normal run was clean and whose code uses concurrency,
// from binaries perturbed at every concurrency point, varying GOMAXPROCS,
// the shuffle seed, the perturbation seed and the count. A package stops at
// its first finding, which is then re-run stressReruns times.
func (r *run) stressModule(ctx context.Context, mp *modulePackages, dir string, clean []binaryRun) error {
	g, err := r.graph(ctx, mp)
	if err != nil {
		return err
	}
	var targets []binaryRun
	for _, res := range clean {
		if g.concurrent[res.pkg.ImportPath] {
			targets = append(targets, res)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	built, err := r.buildModule(ctx, mp, dir, true)
	if err != nil {
		return err
	}
	r.progress("  stressing %d package(s) for %v each", len(targets), r.cfg.Stress)
	runs, err := pool(len(targets), func(i int) (stressResult, error) {
		p := targets[i].pkg
		bin := built.binaries[p.ImportPath]
		if bin == "" {
			return stressResult{}, nil // its perturbed build failed: reported as a build finding
		}
		return r.stressPackage(ctx, mp, bin, targets[i])
	})
	if err != nil {
		return err
	}
	for _, sr := range runs {
		if sr.run.Package == "" {
			continue
		}
		r.rep.Stress = append(r.rep.Stress, sr.run)
		for _, f := range sr.findings {
			r.add(f)
		}
	}
	return nil
}

// stressResult is one package's stress run and what it found.
type stressResult struct {
	run      report.StressRun
	findings []report.Finding
}

// stressPackage runs a package's perturbed binary until the budget is spent
// or a run has findings.
func (r *run) stressPackage(ctx context.Context, mp *modulePackages, bin string, normal binaryRun) (sr stressResult, err error) {
	p := normal.pkg
	h := fnv.New64a()
	h.Write([]byte(p.ImportPath))
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), h.Sum64()))
	limit := r.stressTestLimit(normal)
	count := r.stressCount(normal)
	cpus := []int{1, 2, 4, runtime.NumCPU()}
	sr.run = report.StressRun{Module: mp.m.Path, Package: p.ImportPath}
	start := time.Now()
	defer func() { sr.run.Duration = report.Seconds(time.Since(start)) }()
	for i := 1; time.Since(start) < r.cfg.Stress; i++ {
		if err := ctx.Err(); err != nil {
			return sr, fmt.Errorf("racecheck: %w", err)
		}
		rp := replay{cpu: strconv.Itoa(cpus[rng.IntN(len(cpus))]), count: count, shuffle: strconv.FormatInt(rng.Int64N(1<<62), 10), testLimit: limit}
		if rng.IntN(4) != 0 { // one run in four is not perturbed
			rp.seed = rng.Uint64() | 1
		}
		sr.run.Iterations = i
		t0 := time.Now()
		findings, err := r.stressOnce(ctx, mp, p, bin, rp)
		if err != nil {
			return sr, err
		}
		if rp.seed == 0 {
			sr.run.PlainRuns++
			sr.run.PlainTime += report.Seconds(time.Since(t0))
		} else {
			sr.run.PerturbedRuns++
			sr.run.PerturbedTime += report.Seconds(time.Since(t0))
		}
		if len(findings) == 0 {
			continue
		}
		sr.run.FoundAfter = report.Seconds(time.Since(start))
		reproduced := 0
		for range stressReruns {
			again, err := r.stressOnce(ctx, mp, p, bin, rp)
			if err != nil {
				return sr, err
			}
			if slices.ContainsFunc(again, func(f report.Finding) bool { return f.Fingerprint == findings[0].Fingerprint }) {
				reproduced++
			}
		}
		for k := range findings {
			findings[k].Stress = &report.Stress{Seed: rp.seed, CPU: rp.cpu, Shuffle: rp.shuffle, Count: rp.count,
				Iteration: i, Reruns: stressReruns, Reproduced: reproduced}
		}
		sr.findings = findings
		sr.run.Findings = len(findings)
		r.progress("  stress %s: %d finding(s) in run %d (GOMAXPROCS %s, seed %d); reproduced %d of %d times",
			p.ImportPath, len(findings), i, rp.cpu, rp.seed, reproduced, stressReruns)
		return sr, nil
	}
	r.progress("  stress %s: clean after %d runs", p.ImportPath, sr.run.Iterations)
	return sr, nil
}

// stressOnce runs the perturbed binary once with the replay's settings and
// returns its findings, each with a racecheck command that replays them.
func (r *run) stressOnce(ctx context.Context, mp *modulePackages, p *Package, bin string, rp replay) ([]report.Finding, error) {
	args := []string{"-test.v=test2json", "-test.paniconexit0", "-test.timeout=" + r.cfg.Timeout.String(),
		fmt.Sprintf("-test.count=%d", rp.count), "-test.shuffle=" + rp.shuffle, "-test.cpu=" + rp.cpu}
	if r.cfg.Run != "" {
		args = append(args, "-test.run="+r.cfg.Run)
	}
	if r.cfg.Skip != "" {
		args = append(args, "-test.skip="+r.cfg.Skip)
	}
	res, err := r.runTestBinary(ctx, p, bin, binaryOptions{args: args, testLimit: rp.testLimit,
		env: []string{perturb.SeedEnv + "=" + strconv.FormatUint(rp.seed, 10)}})
	if err != nil {
		return nil, err
	}
	c := &classifier{r: r, ws: mp.ws, m: mp.m, pkg: p, replay: rp, reproduce: r.racecheckReproduce(mp.ws, mp.m, p, rp)}
	return c.classify(res).findings, nil
}

// stressTestLimit is the per-test limit of stress runs: the one asked for,
// else twenty times the slowest test of the normal run, at least five
// seconds, so a schedule that hangs a test costs seconds of the budget.
func (r *run) stressTestLimit(normal binaryRun) time.Duration {
	if r.cfg.TestTimeout > 0 {
		return r.cfg.TestTimeout
	}
	limit := max(20*normal.log.slowest, 5*time.Second)
	if r.cfg.Timeout > 0 {
		limit = min(limit, r.cfg.Timeout)
	}
	return limit
}

// stressCount repeats fast packages' tests within one process, up to ten
// times or 200ms of tests: starting a race-instrumented binary costs more
// than running small tests.
func (r *run) stressCount(normal binaryRun) int {
	per := normal.log.topLevel / time.Duration(max(r.cfg.Count, 1))
	if per <= 0 {
		return 10
	}
	return int(min(max(200*time.Millisecond/per, 1), 10))
}
