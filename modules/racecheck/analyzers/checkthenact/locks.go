package checkthenact

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// lockCalls recognises the calls that take or release a lock: Lock,
// Unlock, RLock and RUnlock of a mutex (astq.LockCall), the same of a
// keyed lock (see keyedCall), and calls of the package's lock helpers.
type lockCalls struct {
	info    *types.Info
	helpers map[*types.Func]lockHelper
	// args: the arguments of the helper calls behind each key; a helper
	// handed a key locks for that key (a shard's lock), not for others.
	args map[string][]string
}

// lockHelper is a function of the package that does nothing but compute
// locals and take or release one exclusive lock, such as polaris-go's
//
//	func (c *ConfigFileFlow) getShardLock(cacheKey string) {
//		index := c.getShardIndex(cacheKey)
//		c.shardLocks[index].Lock()
//	}
//
// Only helpers that come in pairs count: one that takes and one that
// releases the same lock, written the same way (inner, the helper's steps
// with the receiver, parameters and locals renamed, is equal).
type lockHelper struct {
	inner   string
	acquire bool
}

// call returns the lock key a call takes (acquire) or releases. A helper's
// key is its receiver and arguments at the call and the lock it takes in
// its own terms, so getShardLock(k) and getShardUnlock(k) on one receiver
// name one lock.
func (lc *lockCalls) call(call *ast.CallExpr) (key string, acquire, ok bool) {
	if key, acquire, ok := astq.LockCall(lc.info, call); ok {
		return key, acquire, true
	}
	if key, acquire, ok := lc.keyedCall(call); ok {
		return key, acquire, true
	}
	if len(lc.helpers) == 0 {
		return "", false, false
	}
	callee := typeutil.StaticCallee(lc.info, call)
	h, isHelper := lc.helpers[callee]
	if callee == nil || !isHelper {
		return "", false, false
	}
	recv := ""
	if sel, isSel := astq.Unparen(call.Fun).(*ast.SelectorExpr); isSel && callee.Signature().Recv() != nil {
		recv = types.ExprString(sel.X)
	}
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		args[i] = types.ExprString(a)
	}
	key = recv + "→" + h.inner + "(" + strings.Join(args, ", ") + ").w"
	lc.args[key] = args
	return key, h.acquire, true
}

// keyedCall recognises a keyed lock: x.Lock(k) and x.Unlock(k) (or RLock
// and RUnlock, or any pair named alike with one suffix: LockKey and
// UnlockKey, LockUser and UnlockUser) on a type that has both, each
// taking one argument of the same type, the release returning nothing or
// an error, as grafana-plugin-sdk-go's per-key locker and k8s.io/utils'
// keymutex.KeyMutex (dragonfly's peer manager). Its key names the
// receiver and the argument, and it protects only that key.
func (lc *lockCalls) keyedCall(call *ast.CallExpr) (key string, acquire, ok bool) {
	recv, method, isMethod := astq.MethodCall(lc.info, call)
	if !isMethod || len(call.Args) != 1 {
		return "", false, false
	}
	pair, mode := "", ".w"
	name := method.Name()
	switch {
	case strings.HasPrefix(name, "RUnlock"):
		pair, mode = "RLock"+name[len("RUnlock"):], ".r"
	case strings.HasPrefix(name, "RLock"):
		pair, acquire, mode = "RUnlock"+name[len("RLock"):], true, ".r"
	case strings.HasPrefix(name, "Unlock"):
		pair = "Lock" + name[len("Unlock"):]
	case strings.HasPrefix(name, "Lock"):
		pair, acquire = "Unlock"+name[len("Lock"):], true
	default:
		return "", false, false
	}
	obj, _, _ := types.LookupFieldOrMethod(lc.info.TypeOf(recv), true, method.Pkg(), pair)
	other, isFunc := obj.(*types.Func)
	if !isFunc || other.Signature().Params().Len() != 1 || !releaseResults(other) || !releaseResults(method) ||
		!types.Identical(other.Signature().Params().At(0).Type(), method.Signature().Params().At(0).Type()) {
		return "", false, false
	}
	arg := types.ExprString(call.Args[0])
	key = types.ExprString(recv) + "→keyed(" + arg + ")" + mode
	lc.args[key] = []string{arg}
	return key, acquire, true
}

// releaseResults reports whether a keyed lock's method returns what a
// lock's may: nothing, or one error (keymutex's UnlockKey, for a key not
// locked).
func releaseResults(m *types.Func) bool {
	r := m.Signature().Results()
	return r.Len() == 0 || r.Len() == 1 && types.Identical(r.At(0).Type(), types.Universe.Lookup("error").Type())
}

// covers reports whether the lock key, held, protects the map key k: a
// helper's lock taken with arguments protects only a key among them.
func (lc *lockCalls) covers(key string, k ast.Expr) bool {
	args, ok := lc.args[key]
	return !ok || len(args) == 0 || slices.Contains(args, types.ExprString(k))
}

// findLockHelpers returns the package's lock helpers that come in pairs.
func findLockHelpers(info *types.Info, decls []*fn) map[*types.Func]lockHelper {
	found := map[*types.Func]lockHelper{}
	pairs := map[string]uint8{} // inner -> 1 acquire | 2 release
	for _, f := range decls {
		h, ok := asLockHelper(info, f.decl)
		if !ok {
			continue
		}
		fn, _ := info.Defs[f.decl.Name].(*types.Func)
		if fn == nil {
			continue
		}
		found[fn] = h
		if h.acquire {
			pairs[h.inner] |= 1
		} else {
			pairs[h.inner] |= 2
		}
	}
	for fn, h := range found {
		if pairs[h.inner] != 3 {
			delete(found, fn)
		}
	}
	return found
}

// asLockHelper recognises a lock helper's body: definitions of locals and
// exactly one Lock or Unlock of an exclusive lock, nothing else.
func asLockHelper(info *types.Info, d *ast.FuncDecl) (lockHelper, bool) {
	if d == nil || d.Body == nil || d.Type.Results != nil && d.Type.Results.NumFields() > 0 {
		return lockHelper{}, false
	}
	var h lockHelper
	var locals []string // the locals' names, in order
	var steps []string  // what the body does, as text
	locks := 0
	for _, st := range d.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				return lockHelper{}, false
			}
			var lhs, rhs []string
			for _, l := range st.Lhs {
				lhs = append(lhs, types.ExprString(l))
				locals = append(locals, types.ExprString(l))
			}
			for _, r := range st.Rhs {
				rhs = append(rhs, types.ExprString(r))
			}
			steps = append(steps, strings.Join(lhs, ", ")+" := "+strings.Join(rhs, ", "))
		case *ast.ExprStmt:
			call, ok := astq.Unparen(st.X).(*ast.CallExpr)
			if !ok {
				return lockHelper{}, false
			}
			key, acquire, ok := astq.LockCall(info, call)
			if !ok || !exclusive(key) {
				return lockHelper{}, false
			}
			locks++
			steps = append(steps, strings.TrimSuffix(key, ".w"))
			h.acquire = acquire
		default:
			return lockHelper{}, false
		}
	}
	if locks != 1 {
		return lockHelper{}, false
	}
	h.inner = rename(d, locals, strings.Join(steps, "; "))
	return h, true
}

// rename writes the receiver's, parameters' and locals' names in a
// helper's text as $0, $1, $2, … in that order (all digits, so no later
// name can match a placeholder), so that two helpers naming them
// differently but doing the same name the same lock.
func rename(d *ast.FuncDecl, locals []string, text string) string {
	n := 0
	sub := func(name string) {
		if name != "" && name != "_" {
			text = regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\b`).ReplaceAllString(text, fmt.Sprintf("$$%d", n))
		}
		n++
	}
	if d.Recv != nil && len(d.Recv.List) > 0 && len(d.Recv.List[0].Names) > 0 {
		sub(d.Recv.List[0].Names[0].Name)
	} else {
		n++
	}
	for _, field := range d.Type.Params.List {
		for _, name := range field.Names {
			sub(name.Name)
		}
	}
	for _, name := range locals {
		sub(name)
	}
	return text
}
