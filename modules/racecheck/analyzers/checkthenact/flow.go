package checkthenact

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// site is where a node of interest sits in a function's control-flow graph:
// its block and the index of the block node that contains it.
type site struct {
	block *cfg.Block
	index int
}

// before reports whether a runs before b in the same block.
func (a site) before(b site) bool { return a.block == b.block && a.index < b.index }

// graph is one function's control-flow graph with the position of every
// call, the switch statements that own each case clause, and the range
// statements that own each key and value expression.
type graph struct {
	cfg          *cfg.CFG
	calls        map[*ast.CallExpr]site
	lits         map[*ast.FuncLit]site
	clauseOf     map[*ast.CaseClause]ast.Stmt            // *ast.SwitchStmt or *ast.TypeSwitchStmt
	rangeOf      map[ast.Expr]*ast.RangeStmt             // key and value expressions
	typeSwitchOf map[*ast.AssignStmt]*ast.TypeSwitchStmt // by their x := v.(type)
	preds        map[*cfg.Block][]*cfg.Block
	locks        []lockSet // must-held exclusive locks at the start of each block, by block index
	entry        lockSet   // the locks held on entry (a literal's, from its parent)
	anyLocks     []lockSet // as locks, with read locks too; computed on first use (see anyHeldAt)
	mayLocks     []lockSet // the locks, read locks too, held on some path; computed on first use (see mayHeldAt)
}

// newGraph builds the control-flow graph of body. Calls that never return
// (panic, os.Exit, log.Fatal, t.Fatal, runtime.Goexit) end their block.
func newGraph(info *types.Info, body *ast.BlockStmt) *graph {
	g := &graph{
		cfg:          cfg.New(body, func(call *ast.CallExpr) bool { return astq.MayReturn(info, call) }),
		calls:        map[*ast.CallExpr]site{},
		lits:         map[*ast.FuncLit]site{},
		clauseOf:     map[*ast.CaseClause]ast.Stmt{},
		rangeOf:      map[ast.Expr]*ast.RangeStmt{},
		typeSwitchOf: map[*ast.AssignStmt]*ast.TypeSwitchStmt{},
		preds:        map[*cfg.Block][]*cfg.Block{},
	}
	for _, b := range g.cfg.Blocks {
		for _, s := range b.Succs {
			g.preds[s] = append(g.preds[s], b)
		}
		for i, n := range b.Nodes {
			ast.Inspect(n, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					g.lits[n] = site{b, i}
					return false
				case *ast.CallExpr:
					g.calls[n] = site{b, i}
				}
				return true
			})
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SwitchStmt:
			for _, c := range n.Body.List {
				g.clauseOf[c.(*ast.CaseClause)] = n
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				g.clauseOf[c.(*ast.CaseClause)] = n
			}
			if a, ok := n.Assign.(*ast.AssignStmt); ok {
				g.typeSwitchOf[a] = n
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				g.rangeOf[n.Key] = n
			}
			if n.Value != nil {
				g.rangeOf[n.Value] = n
			}
		}
		return true
	})
	return g
}

// alwaysReaches reports whether every path from s that ends in the
// function's return passes through w: w's block follows s's without a
// branch that can leave first.
func (g *graph) alwaysReaches(s, w site) bool {
	if s.before(w) {
		return true
	}
	if s.block == w.block || len(s.block.Succs) == 0 {
		return false
	}
	for b := range g.forward(s.block, w.block) {
		if len(b.Succs) == 0 {
			return false
		}
	}
	return true
}

// passedOnTheWay reports whether every path from the site c to the site w
// passes through the site s.
func (g *graph) passedOnTheWay(c, s, w site) bool {
	switch {
	case s.block == c.block && s.index > c.index:
		return true
	case s.block == w.block:
		return s.index < w.index
	}
	return w.block != c.block && !g.forward(c.block, s.block)[w.block]
}

// forward returns the blocks reachable from the successors of from, never
// entering the cut block: paths that run the check again start a new
// check-then-act.
func (g *graph) forward(from *cfg.Block, cut *cfg.Block) map[*cfg.Block]bool {
	seen := map[*cfg.Block]bool{}
	stack := slices.Clone(from.Succs)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] || b == cut {
			continue
		}
		seen[b] = true
		stack = append(stack, b.Succs...)
	}
	return seen
}

// backward returns the blocks from which to is reachable without entering
// the cut block, including to itself.
func (g *graph) backward(to *cfg.Block, cut *cfg.Block) map[*cfg.Block]bool {
	seen := map[*cfg.Block]bool{to: true}
	stack := slices.Clone(g.preds[to])
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] || b == cut {
			continue
		}
		seen[b] = true
		stack = append(stack, g.preds[b]...)
	}
	return seen
}

// aborts reports whether every path from b ends in a call that never
// returns (panic, t.Fatal, log.Fatal, os.Exit): b is the failing branch of
// an assertion. A branch that only loops (the continue of an endless
// accept or run loop) ends nowhere and does not abort.
func (g *graph) aborts(info *types.Info, b *cfg.Block) bool {
	ends := false
	seen := map[*cfg.Block]bool{}
	stack := []*cfg.Block{b}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		if len(b.Succs) == 0 {
			if len(b.Nodes) == 0 {
				return false
			}
			es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt)
			if !ok {
				return false
			}
			call, ok := astq.Unparen(es.X).(*ast.CallExpr)
			if !ok || astq.MayReturn(info, call) {
				return false
			}
			ends = true
		}
		stack = append(stack, b.Succs...)
	}
	return ends
}

// between is the part of the graph that can run after the check at c and
// before the write at w: the blocks on some path from c to w that does not
// run c again. ok is false when w cannot run after c.
type between struct {
	blocks map[*cfg.Block]bool
	c, w   site
}

func (g *graph) between(c, w site) (between, bool) {
	fwd := g.forward(c.block, c.block)
	if c.before(w) {
		fwd[c.block] = true
	}
	if !fwd[w.block] {
		return between{}, false
	}
	bwd := g.backward(w.block, c.block)
	bt := between{blocks: map[*cfg.Block]bool{}, c: c, w: w}
	for b := range fwd {
		if bwd[b] {
			bt.blocks[b] = true
		}
	}
	bt.blocks[c.block] = true
	return bt, true
}

// keyRebound reports whether every path from the check to the write gives
// the key's variable a new value first: an assignment to it or to one of
// its elements, a copy into it, or the next iteration of a range loop that
// sets it. The two are then made on different keys, however alike they
// are written (nspcc-dev/neo-go's DeleteBlock copies each transaction's
// hash into one key buffer, deletes it, then reads another record through
// the same buffer).
func (g *graph) keyRebound(info *types.Info, c, w site, key ast.Expr) bool {
	v, ok := info.ObjectOf(astq.Ident(key)).(*types.Var)
	if !ok {
		return false
	}
	return g.everyPathPasses(c, w, func(n ast.Node) bool { return writesVar(info, n, v) }, func(s *cfg.Block) bool {
		rs, isRange := s.Stmt.(*ast.RangeStmt)
		return s.Kind == cfg.KindRangeLoop && isRange && (isObj(info, rs.Key, v) || isObj(info, rs.Value, v))
	})
}

// everyPathPasses reports whether every path from c to w runs a node
// passes accepts before it reaches w; a path into a block cut accepts
// (nil: none) ends there as if it had.
func (g *graph) everyPathPasses(c, w site, passes func(ast.Node) bool, cut func(*cfg.Block) bool) bool {
	seen := map[*cfg.Block]bool{}
	stack := []site{{c.block, c.index + 1}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		passed := false
		for i := p.index; i < len(p.block.Nodes) && !passed; i++ {
			if p.block == w.block && i == w.index {
				return false // reached without passing
			}
			passed = passes(p.block.Nodes[i])
		}
		if passed {
			continue
		}
		for _, s := range p.block.Succs {
			if cut != nil && cut(s) {
				continue
			}
			if !seen[s] {
				seen[s] = true
				stack = append(stack, site{s, 0})
			}
		}
	}
	return true
}

// writesVar reports whether n, outside the function literals in it,
// assigns v or one of its elements, or copies into it.
func writesVar(info *types.Info, n ast.Node, v *types.Var) bool {
	rooted := func(e ast.Expr) bool {
		for {
			switch x := astq.Unparen(e).(type) {
			case *ast.IndexExpr:
				e = x.X
			case *ast.SliceExpr:
				e = x.X
			default:
				return isObj(info, x, v)
			}
		}
	}
	writes := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			writes = writes || slices.ContainsFunc(n.Lhs, rooted)
		case *ast.IncDecStmt:
			writes = writes || rooted(n.X)
		case *ast.CallExpr:
			if b, isB := typeutil.Callee(info, n).(*types.Builtin); isB && b.Name() == "copy" && len(n.Args) == 2 {
				writes = writes || rooted(n.Args[0])
			}
		}
		return !writes
	})
	return writes
}

// nodes calls f for every block node that can run after the check and
// before the write.
func (bt between) nodes(f func(n ast.Node, s site)) {
	for b := range bt.blocks {
		lo, hi := 0, len(b.Nodes)
		if b == bt.c.block {
			lo = bt.c.index + 1
		}
		if b == bt.w.block {
			hi = bt.w.index
		}
		for i := lo; i < hi; i++ {
			f(b.Nodes[i], site{b, i})
		}
	}
}

// lockSet is a set of lock keys (see [lockCalls.call]).
type lockSet map[string]bool

// computeLocks runs the must-held analysis: which exclusive locks are held
// on every path to each block, starting from entry. A read lock does not
// count: two goroutines can both hold it and interleave their check and act.
func (g *graph) computeLocks(lc *lockCalls, entry lockSet) {
	g.locks = g.mustHeld(lc, entry, false)
}

// mustHeld returns the locks held on every path to the start of each
// block, by block index: the exclusive ones, or with all set read locks
// too.
func (g *graph) mustHeld(lc *lockCalls, entry lockSet, all bool) []lockSet {
	n := len(g.cfg.Blocks)
	in := make([]lockSet, n)
	done := make([]bool, n)
	if n == 0 {
		return in
	}
	in[0], done[0] = entry, true
	work := []*cfg.Block{g.cfg.Blocks[0]}
	for len(work) > 0 {
		b := work[0]
		work = work[1:]
		out := transferLocks(lc, b.Nodes, in[b.Index], all)
		for _, s := range b.Succs {
			next := out
			if done[s.Index] {
				next = intersect(in[s.Index], out)
				if len(next) == len(in[s.Index]) {
					continue
				}
			}
			in[s.Index], done[s.Index] = next, true
			work = append(work, s)
		}
	}
	return in
}

// heldAt returns the exclusive locks held on every path to s.
func (g *graph) heldAt(lc *lockCalls, s site) lockSet {
	return transferLocks(lc, s.block.Nodes[:s.index], g.locks[s.block.Index], false)
}

// anyHeldAt returns the locks held on every path to s, read locks too
// (computing them for the whole graph on first use).
func (g *graph) anyHeldAt(lc *lockCalls, s site) lockSet {
	if g.anyLocks == nil {
		g.anyLocks = g.mustHeld(lc, g.entry, true)
	}
	return transferLocks(lc, s.block.Nodes[:s.index], g.anyLocks[s.block.Index], true)
}

// mayHeldAt returns the locks, read locks too, held on some path to s
// (computing them for the whole graph on first use).
func (g *graph) mayHeldAt(lc *lockCalls, s site) lockSet {
	if g.mayLocks == nil {
		n := len(g.cfg.Blocks)
		g.mayLocks = make([]lockSet, n)
		if n > 0 {
			g.mayLocks[0] = transferLocks(lc, nil, g.entry, true) // a copy
			work := []*cfg.Block{g.cfg.Blocks[0]}
			for len(work) > 0 {
				b := work[0]
				work = work[1:]
				out := transferLocks(lc, b.Nodes, g.mayLocks[b.Index], true)
				for _, succ := range b.Succs {
					in, grew := g.mayLocks[succ.Index], g.mayLocks[succ.Index] == nil
					if in == nil {
						in = lockSet{}
					}
					for k := range out {
						if !in[k] {
							in[k], grew = true, true
						}
					}
					if grew {
						g.mayLocks[succ.Index] = in
						work = append(work, succ)
					}
				}
			}
		}
	}
	return transferLocks(lc, s.block.Nodes[:s.index], g.mayLocks[s.block.Index], true)
}

// transferLocks returns the locks held after nodes run with in held: the
// exclusive ones, or with all set read locks too.
func transferLocks(lc *lockCalls, nodes []ast.Node, in lockSet, all bool) lockSet {
	out := lockSet{}
	for k := range in {
		out[k] = true
	}
	for _, n := range nodes {
		if _, ok := n.(*ast.DeferStmt); ok {
			continue
		}
		if _, ok := n.(*ast.GoStmt); ok {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if key, acquire, ok := lc.call(call); ok && (all || exclusive(key)) {
					if acquire {
						out[key] = true
					} else {
						delete(out, key)
					}
				}
			}
			return true
		})
	}
	return out
}

func exclusive(key string) bool { return len(key) > 2 && key[len(key)-2:] == ".w" }

// lockBase is a lock key without its mode: mu for mu.r and mu.w.
func lockBase(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(key, ".r"), ".w")
}

func intersect(a, b lockSet) lockSet {
	out := lockSet{}
	for k := range a {
		if b[k] {
			out[k] = true
		}
	}
	return out
}

// released reports whether lock key may be released between the check and
// the write.
func (bt between) released(lc *lockCalls, key string) bool {
	return bt.locks(lc, key, false)
}

// acquired reports whether lock key may be taken between the check and the
// write.
func (bt between) acquired(lc *lockCalls, key string) bool {
	return bt.locks(lc, key, true)
}

// locks reports whether a call between the check and the write may take
// (acquire) or release lock key.
func (bt between) locks(lc *lockCalls, key string, acquire bool) bool {
	found := false
	bt.nodes(func(n ast.Node, _ site) {
		found = found || lockCallIn(lc, n, key, acquire)
	})
	return found
}

// lockCallIn reports whether the block node n takes (acquire) or releases
// lock key, outside function literals; a deferred call runs later, not
// there.
func lockCallIn(lc *lockCalls, n ast.Node, key string, acquire bool) bool {
	if _, ok := n.(*ast.DeferStmt); ok {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if k, takes, ok := lc.call(call); ok && takes == acquire && k == key {
				found = true
			}
		}
		return !found
	})
	return found
}

// taint roles: a variable derives from the check's value result, from its
// ok result, or both.
const (
	fromValue uint8 = 1 << iota
	fromOK
)

// taintState maps variables to the roles they derive from.
type taintState map[types.Object]uint8

func (t taintState) clone() taintState {
	out := make(taintState, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

// roles returns the union of the roles of the variables e mentions.
func (t taintState) roles(info *types.Info, e ast.Node) uint8 {
	if e == nil || len(t) == 0 {
		return 0
	}
	var r uint8
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			r |= t[info.ObjectOf(id)]
		}
		return true
	})
	return r
}

// flow propagates which variables derive from the check's results along the
// paths from the check, variable by variable and path by path: a variable
// reassigned from something else on a path no longer derives from the check
// on that path. It returns the state at the start of each block reached.
func (g *graph) flow(info *types.Info, c site, start taintState) map[*cfg.Block]taintState {
	in := map[*cfg.Block]taintState{}
	out := g.transferTaint(info, c.block.Nodes[c.index+1:], start)
	var work []*cfg.Block
	push := func(b *cfg.Block, st taintState) {
		if b == c.block {
			return
		}
		old, ok := in[b]
		if !ok {
			in[b] = st.clone()
			work = append(work, b)
			return
		}
		changed := false
		for k, v := range st {
			if old[k]|v != old[k] {
				old[k] |= v
				changed = true
			}
		}
		if changed {
			work = append(work, b)
		}
	}
	for _, s := range c.block.Succs {
		push(s, out)
	}
	for len(work) > 0 {
		b := work[0]
		work = work[1:]
		st := g.transferTaint(info, b.Nodes, in[b])
		for _, s := range b.Succs {
			push(s, st)
		}
	}
	in[c.block] = start
	return in
}

// stateAt returns the taint state just before node s.
func (g *graph) stateAt(info *types.Info, c site, in map[*cfg.Block]taintState, s site) taintState {
	if s.block == c.block && c.before(s) {
		return g.transferTaint(info, c.block.Nodes[c.index+1:s.index], in[c.block])
	}
	st, ok := in[s.block]
	if !ok {
		return nil
	}
	return g.transferTaint(info, s.block.Nodes[:s.index], st)
}

func (g *graph) transferTaint(info *types.Info, nodes []ast.Node, in taintState) taintState {
	st := in.clone()
	set := func(lhs ast.Expr, r uint8, op token.Token) {
		id := astq.Ident(lhs)
		if id == nil || id.Name == "_" {
			return
		}
		o := info.ObjectOf(id)
		if o == nil {
			return
		}
		if op != token.ASSIGN && op != token.DEFINE {
			r |= st[o]
		}
		if r == 0 {
			delete(st, o)
		} else {
			st[o] = r
		}
	}
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				rs := make([]uint8, len(n.Rhs))
				for i, r := range n.Rhs {
					rs[i] = st.roles(info, r)
				}
				for i, l := range n.Lhs {
					set(l, rs[i], n.Tok)
				}
			} else if len(n.Rhs) == 1 {
				r := st.roles(info, n.Rhs[0])
				for _, l := range n.Lhs {
					set(l, r, n.Tok)
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, id := range n.Names {
					set(id, st.roles(info, n.Values[i]), token.DEFINE)
				}
			} else if len(n.Values) == 1 {
				r := st.roles(info, n.Values[0])
				for _, id := range n.Names {
					set(id, r, token.DEFINE)
				}
			}
		case ast.Expr:
			if rs, ok := g.rangeOf[n]; ok {
				set(n, st.roles(info, rs.X), rs.Tok)
			}
		}
		if a, ok := n.(*ast.AssignStmt); ok {
			g.typeSwitchImplicits(info, a, st)
		}
	}
	return st
}

// typeSwitchImplicits marks the per-clause variables of `switch x :=
// v.(type)` when v derives from the check.
func (g *graph) typeSwitchImplicits(info *types.Info, a *ast.AssignStmt, st taintState) {
	ts, ok := g.typeSwitchOf[a]
	if !ok {
		return
	}
	r := st.roles(info, a.Rhs[0])
	for _, c := range ts.Body.List {
		if o := info.Implicits[c]; o != nil {
			if r != 0 {
				st[o] = r
			} else {
				delete(st, o)
			}
		}
	}
}

// cond returns the condition a branch block decides on, and the extra
// expression (a switch tag or type-switch assignment) it is compared with.
// ok is false for blocks that do not branch on a condition.
func (g *graph) cond(b *cfg.Block) (cond ast.Node, tag ast.Node, ok bool) {
	if len(b.Succs) != 2 {
		return nil, nil, false
	}
	next := b.Succs[1]
	if next.Kind == cfg.KindSwitchNextCase || b.Succs[0].Kind == cfg.KindSwitchCaseBody {
		if cc, isCC := next.Stmt.(*ast.CaseClause); isCC {
			switch sw := g.clauseOf[cc].(type) {
			case *ast.SwitchStmt:
				var last ast.Node
				if len(b.Nodes) > 0 {
					last = b.Nodes[len(b.Nodes)-1]
				}
				return last, sw.Tag, true
			case *ast.TypeSwitchStmt:
				return nil, sw.Assign, true
			}
		}
	}
	if b.Succs[0].Kind == cfg.KindRangeBody {
		if rs, isRange := b.Succs[0].Stmt.(*ast.RangeStmt); isRange {
			return rs.X, nil, true
		}
	}
	if len(b.Nodes) == 0 {
		return nil, nil, false
	}
	e, isExpr := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !isExpr {
		return nil, nil, false
	}
	return e, nil, true
}
