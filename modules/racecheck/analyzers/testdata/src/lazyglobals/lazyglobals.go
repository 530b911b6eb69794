// Package lazyglobals holds package-level variables set on first use, in
// functions goroutines of the package run, and near-misses.
package lazyglobals

import (
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
)

// x-motemen/ghq's localRepositoryRoots at f98e8e6c (fixed in d726be70,
// ghq#245): `ghq import --parallel` resolves each line in a goroutine of an
// errgroup, and each may find the roots unset and set them.
var localRepositoryRoots []string

func repositoryRoots() []string {
	if len(localRepositoryRoots) != 0 {
		return localRepositoryRoots
	}
	localRepositoryRoots = strings.Split(os.Getenv("GHQ_ROOT"), ":") // want `localRepositoryRoots is set here after the test on line 19 found it unset, with no lock held, in repositoryRoots, which goroutines of the package run \(started in a loop, lazyglobals.go:49\): several can find it unset and set it while others read it; initialise it once`
	if len(localRepositoryRoots) == 0 {
		localRepositoryRoots = []string{"~/ghq"}
	}
	return localRepositoryRoots
}

func resolve(name string) string {
	return repositoryRoots()[0] + "/" + name
}

type getter struct{ dir string }

func (g *getter) get(name string) error {
	g.dir = resolve(name)
	return nil
}

// group stands for errgroup.Group.
type group struct{ wg sync.WaitGroup }

func (g *group) Go(f func() error) { g.wg.Add(1); go func() { defer g.wg.Done(); _ = f() }() }
func (g *group) Wait()             { g.wg.Wait() }

func ImportAll(names []string) {
	var eg group
	for _, name := range names {
		eg.Go(func() error {
			g := &getter{}
			return g.get(name)
		})
	}
	eg.Wait()
}

// A nil test with the set in its body, in a function go statements start
// in a loop.
var config map[string]string

func loadConfig() map[string]string { return map[string]string{"mode": "fast"} }

func worker(jobs <-chan string) {
	if config == nil {
		config = loadConfig() // want `config is set here after the test on line 64 found it unset, with no lock held, in worker, which goroutines of the package run \(started in a loop, lazyglobals.go:73\)`
	}
	for range jobs {
	}
}

func StartWorkers(n int, jobs <-chan string) {
	for range n {
		go worker(jobs)
	}
}

// Near-misses: the same initialisation where only one goroutine runs it
// (called from an unexported function of the package's own goroutine, or
// started once), and under a mutex. (A command's main goroutine:
// lazymain.)
var cachedHome string

func home() string {
	if cachedHome != "" {
		return cachedHome
	}
	cachedHome = os.Getenv("HOME")
	return cachedHome
}

var settings map[string]string

func run() string {
	go watch()
	return home()
}

func watch() {
	if settings == nil {
		settings = loadConfig()
	}
}

var (
	tableMu sync.Mutex
	table   map[string]int
)

func lookup(k string) int {
	tableMu.Lock()
	defer tableMu.Unlock()
	if table == nil {
		table = map[string]int{}
	}
	return table[k]
}

func LookupAll(keys []string) {
	for _, k := range keys {
		go lookup(k)
	}
}

// Near-miss: a test that does not refuse, and a set that does not depend
// on it (a refresh).
var lastJob string

func refresh(job string) {
	if lastJob != "" {
		println("replacing", lastJob)
	}
	lastJob = job
}

func RefreshAll(jobs []string) {
	for _, j := range jobs {
		go refresh(j)
	}
}

// An HTTP handler: net/http serves each request on a goroutine of its own.
// ricoberger/script_exporter at 300b11b6 (fixed in a4c568a1, #157) made its
// cache map on first use in a function each scrape request reaches.
var scriptCache map[string]string

func setCacheResult(script, output string) {
	if scriptCache == nil {
		scriptCache = make(map[string]string) // want `scriptCache is set here after the test on line 147 found it unset, with no lock held, in setCacheResult, which goroutines of the package run \(an HTTP handler, lazyglobals.go:153\)`
	}
	scriptCache[script] = output
}

func (e *exporter) MetricsHandler(w http.ResponseWriter, r *http.Request) {
	setCacheResult(r.URL.Query().Get("script"), "ok")
}

type exporter struct{}

// A handler literal.
var templates []string

func loadTemplates() []string {
	if templates == nil {
		templates = []string{"index"} // want `templates is set here after the test on line 163 found it unset, with no lock held, in loadTemplates, which goroutines of the package run \(an HTTP handler, lazyglobals.go:170\)`
	}
	return templates
}

func Serve(mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = loadTemplates()
	})
}

// Near-miss: a function that takes a request but is no handler.
var layouts []string

func loadLayouts() []string {
	if layouts == nil {
		layouts = []string{"base"}
	}
	return layouts
}

func render(w io.Writer, r *http.Request) {
	_ = loadLayouts()
}

// An exported function of a library package: its importers may call it
// from several goroutines at once. kedacore/keda's getRootCAs
// (pkg/util/certificates.go at d3751e92, fixed in 71843a5f with a mutex,
// keda#5299), reached from CreateTLSClientConfig, which scalers in other
// packages call as they are built: several found the pool unset, and one
// appended certificates to a pool another had already handed out.
var rootCAs *pool

type pool struct{ certs []string }

func (p *pool) add(c string) { p.certs = append(p.certs, c) }

func getRootCAs() *pool {
	if rootCAs != nil {
		return rootCAs
	}
	rootCAs = &pool{} // want `rootCAs is set here after the test on line 202 found it unset, with no lock held, in getRootCAs, which the package's importers may call from several goroutines at once \(the exported CreateTLSClientConfig, lazyglobals.go:210\)`
	rootCAs.add(os.Getenv("CUSTOM_CA"))
	return rootCAs
}

func CreateTLSClientConfig() *pool { return getRootCAs() }

// pariz/gountries's NewFromPath (setup.go at 1c6a393d, fixed in ed3be17
// with a sync.Once, gountries#28 and PR #32): a bool says the singleton is
// built; two first callers both build it, and one reads its maps while the
// other fills them.
var (
	queryInited   bool
	queryInstance map[string]string
)

func NewFromPath(path string) map[string]string {
	if queryInited == false {
		queryInstance = map[string]string{"path": path}
		queryInited = true // want `queryInited is set here after the test on line 222 found it unset, with no lock held, in NewFromPath, which the package's importers may call from several goroutines at once \(exported, lazyglobals.go:221\)`
	}
	return queryInstance
}

// The fixes, and near-misses: a sync.Once; a function documented as not
// safe for concurrent use; a flag set where the test found it set.
var (
	queryOnce  sync.Once
	queryFixed map[string]string
)

func NewFromPathFixed(path string) map[string]string {
	queryOnce.Do(func() { queryFixed = map[string]string{"path": path} })
	return queryFixed
}

var registered bool

// Register adds the default codecs. It is not safe for concurrent use:
// call it from init.
func Register() { registerDefaults() }

func registerDefaults() {
	if !registered {
		registered = true
		println("registering")
	}
}

// A value computed whole and then stored, from an exported function
// (keda's GetClusterObjectNamespace caches a namespace read from a file):
// racing first callers compute it alike, and nothing they publish is
// changed after; where only importers show the concurrency, that is left
// to the race detector.
var namespaceCache *string

func ClusterNamespace() string {
	if namespaceCache != nil {
		return *namespaceCache
	}
	ns := os.Getenv("NAMESPACE")
	namespaceCache = &ns
	return ns
}

var warned bool

func Warn() {
	if warned {
		warned = false
	}
}

// Not reported: a variable its declaration sets and nothing clears; the
// lazy branch is a fallback that does not run (micro/go-micro's
// server.Init, server/server.go:161 at 77fc793d, where DefaultServer is
// declared as newRpcServer()).
type server struct{ opts []string }

func (s *server) Init(opts ...string) { s.opts = append(s.opts, opts...) }

func newServer() *server { return &server{} }

var DefaultServer = newServer()

func Init(opts ...string) {
	if DefaultServer == nil {
		DefaultServer = newServer()
	}
	DefaultServer.Init(opts...)
}

// Not reported: the test is made under a sync.Cond's lock, which one path
// (the failure, which unlocks before ending the test) leaves released
// (openfga's RunMysqlTestContainer, pkg/testfixtures/storage/mysql.go:99
// at da9354f7: one test bootstraps the shared container while the others
// wait).
var (
	containerCond = sync.NewCond(&sync.Mutex{})
	bootstrapping bool
	container     string
)

func bootstrap() (string, error) { return "db", nil }

func fail(err error) {
	if err != nil {
		panic(err)
	}
}

func SharedContainer() string {
	containerCond.L.Lock()
	for container == "" {
		if !bootstrapping {
			bootstrapping = true
			containerCond.L.Unlock()
			c, err := bootstrap()
			containerCond.L.Lock()
			bootstrapping = false
			container = c
			containerCond.Broadcast()
			if err != nil {
				containerCond.L.Unlock()
				fail(err)
			}
			continue
		}
		containerCond.Wait()
	}
	c := container
	containerCond.L.Unlock()
	return c
}

// Not reported: functions that set up or register rather than hand out
// what they initialise, which a program's start calls once, or init
// functions (SagerNet/sing-box's sip003.RegisterPlugin,
// transport/sip003/plugin.go:23 at 7df171ff, which its plugins' files call
// from init; tinode/chat's push.Register; nspcc-dev/neo-go's
// options.HandleLoggingParams, which registers a log sink once behind a
// bool).
var plugins map[string]func() string

func RegisterPlugin(name string, constructor func() string) {
	if plugins == nil {
		plugins = make(map[string]func() string)
	}
	plugins[name] = constructor
}

func init() { RegisterPlugin("obfs", func() string { return "obfs" }) }

var sinkRegistered bool

func registerSink(name string) error { return nil }

func HandleLogging(path string) (string, error) {
	if !sinkRegistered {
		if err := registerSink("winfile"); err != nil {
			return "", err
		}
		sinkRegistered = true
	}
	return "winfile:///" + path, nil
}

// Not reported: a client made whole and then only used (go2rtc's
// pkg/tcp.Do, request.go:71 at dc1685e9): racing first callers each make
// one, and a Do on it changes nothing another sees.
type httpClient struct{ timeout int }

func (h *httpClient) Do(req string) string { return req }

var sharedClient *httpClient

func Do(req string) string {
	if sharedClient == nil {
		sharedClient = &httpClient{timeout: 5}
	}
	return sharedClient.Do(req)
}
