package checkthenact

import (
	"fmt"
	"go/token"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/internal/astq"
)

// Every diagnostic names the rule that made it in its Category (printed by
// racecheck vet after the analyzer's name, "[checkthenact/lost-update]",
// and in go vet -json's "category"), and -skip turns rules off by name.
// docs/vet.md gives each rule's precision as measured on real projects,
// which is what a project weighs when it turns one off.
const (
	// Check and write on one key of a concurrent map or a Go map under a
	// lock (pair.go, by finding kind).
	ruleLostUpdate      = "lost-update"       // a Store of a value computed from the loaded one
	ruleStaleReplace    = "stale-replace"     // a Store decided by the loaded value
	ruleInsertIfAbsent  = "insert-if-absent"  // a Store that runs only when the check found no entry
	ruleStaleDelete     = "stale-delete"      // a Delete decided by the loaded value
	ruleDoubleTake      = "double-take"       // a Delete of the entry whose loaded value is used
	ruleDoubleDelete    = "double-delete"     // a Delete, then work only the deleter should do
	ruleLostBump        = "lost-bump"         // a Store that runs only when an Increment found no entry
	ruleResurrect       = "resurrect"         // a claim that runs only when the check found the key
	ruleInsertAfterWait = "insert-after-wait" // a Store after waiting on the entry the check found
	// Other shapes, one file each.
	ruleRangeTake     = "range-take"     // an entry a Range found, deleted and used (rangetake.go)
	ruleCollectDelete = "collect-delete" // keys a scan collected, deleted later (collect.go)
	ruleOwnEntry      = "own-entry"      // a deferred Delete of an entry another may have replaced (ownentry.go)
	ruleRecheck       = "recheck"        // a check after a claim whose answer is dropped (recheck.go)
	ruleEagerClaim    = "eager-claim"    // a LoadOrStore value that starts a goroutine (eagerclaim.go)
	ruleLostCreate    = "lost-create"    // a get-or-create whose creator refuses the key (lostcreate.go)
	ruleSizeCheck     = "size-check"     // an insert decided by a Go map's size (sizecheck.go)
	ruleValueSearch   = "value-search"   // an insert after a search of a Go map by value (valuesearch.go)
	ruleAtomicFlag    = "atomic-flag"    // an atomic loaded, then stored as the load decided (atomics.go)
	ruleLockedFlag    = "locked-flag"    // the same made of a field read under a lock and set under it taken again (lockedflags.go)
	ruleAtomicClear   = "atomic-clear"   // an atomic cleared after a test that it holds a value (atomicclear.go)
	ruleAtomicCopy    = "atomic-copy"    // an atomic step on a local copy (atomiccopy.go)
	ruleAtomicCount   = "atomic-count"   // an atomic count loaded, compared, then added to (atomiccount.go)
	ruleCounterBound  = "counter-bound"  // a count checked with no lock, raised under one (counterbound.go)
	ruleSharedFlag    = "shared-flag"    // a flag of a shared object tested and set in plain (sharedflag.go)
	ruleGuardedField  = "guarded-field"  // a field set under its object's lock elsewhere, tested and set in plain (guardedfield.go)
	ruleLockedClear   = "locked-clear"   // a field read under a lock, cleared under it taken again (lockedclear.go)
	ruleLockedUpdate  = "locked-update"  // a field read under a lock, written from it under it taken again (lockedupdate.go)
	ruleLockedLazy    = "locked-lazy"    // double-checked locking without the second check (lockedlazy.go)
	ruleLazyGlobal    = "lazy-global"    // a package variable set on first use with no lock (lazyglobal.go)
	ruleClosedInsert  = "closed-insert"  // an insert after a closed flag read under a lock since released (closedinsert.go)
	ruleFlaggedSend   = "flagged-send"   // a send after a test of a flag the closer sets (flaggedsend.go)
	ruleSendClosed    = "send-closed"    // a send on a channel another function clears and closes (sendclosed.go)
	ruleProbeClose    = "probe-close"    // a channel probed open, then closed (probeclose.go)
	ruleSwapClose     = "swap-close"     // a channel field replaced and the old one closed with no lock (swapclose.go)
	ruleCondWait      = "cond-wait"      // a sync.Cond waited on in an if, not a loop (condwait.go)
	ruleLenReceive    = "len-receive"    // a blocking receive after len found the channel not empty (lenreceive.go)
	ruleLenSend       = "len-send"       // a blocking send after len found room below cap (lenreceive.go)
	ruleLenPop        = "len-pop"        // a pop that does not check the length, after a locking Len (lenpop.go)
	ruleLateFlag      = "late-flag"      // a busy flag tested before a goroutine starts, set only inside it (lateflag.go)
	ruleFlaggedAdd    = "flagged-add"    // a WaitGroup Add after a test of a flag the waiter sets (flaggedsend.go)
	ruleStaleIndex    = "stale-index"    // a slice written at an index found under a lock released since (staleindex.go)
	ruleSplitSection  = "split-section"  // a map entry read in one locked literal, written in another (splitsection.go)
)

// ruleNames lists every rule, for -skip's validation and its help.
var ruleNames = []string{
	ruleLostUpdate, ruleStaleReplace, ruleInsertIfAbsent, ruleStaleDelete, ruleDoubleTake, ruleDoubleDelete,
	ruleLostBump, ruleResurrect, ruleInsertAfterWait, ruleRangeTake, ruleCollectDelete, ruleOwnEntry,
	ruleRecheck, ruleEagerClaim, ruleLostCreate, ruleSizeCheck, ruleValueSearch, ruleAtomicFlag,
	ruleLockedFlag, ruleAtomicClear, ruleAtomicCopy, ruleAtomicCount, ruleCounterBound, ruleSharedFlag, ruleGuardedField,
	ruleLockedClear, ruleLockedUpdate, ruleLockedLazy, ruleLazyGlobal, ruleClosedInsert, ruleFlaggedSend, ruleSendClosed,
	ruleProbeClose, ruleSwapClose, ruleCondWait, ruleLenReceive, ruleLenSend, ruleLenPop, ruleLateFlag, ruleFlaggedAdd, ruleStaleIndex,
	ruleSplitSection,
}

// ruleOf names the rule of a check-and-write finding by its kind.
func ruleOf(k findingKind) string {
	switch k {
	case lostUpdate:
		return ruleLostUpdate
	case staleReplace:
		return ruleStaleReplace
	case insertIfAbsent:
		return ruleInsertIfAbsent
	case staleDelete:
		return ruleStaleDelete
	case doubleTake:
		return ruleDoubleTake
	case doubleDelete:
		return ruleDoubleDelete
	case lostBump:
		return ruleLostBump
	case resurrect:
		return ruleResurrect
	case insertAfterWait:
		return ruleInsertAfterWait
	}
	panic(fmt.Sprintf("checkthenact: no rule for finding kind %d", k))
}

// ruleSet is the -skip flag: the rules whose findings are not reported.
type ruleSet map[string]bool

// skipped is the value of -skip.
var skipped = ruleSet{}

func init() {
	Analyzer.Flags.Var(&skipped, "skip", "comma-separated `rules` not to report (the name after \"checkthenact/\" in a diagnostic; docs/vet.md lists them with their precision)")
}

func (s *ruleSet) String() string {
	return strings.Join(slices.Sorted(maps.Keys(*s)), ",")
}

// Set replaces the set with the comma-separated rules of v (empty: none),
// refusing a name that is no rule and leaving the set as it was.
func (s *ruleSet) Set(v string) error {
	next := ruleSet{}
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(ruleNames, name) {
			return fmt.Errorf("unknown rule %q (rules: %s)", name, strings.Join(ruleNames, ", "))
		}
		next[name] = true
	}
	*s = next
	return nil
}

// emit reports d as a finding of rule, unless -skip names the rule or an
// ignore directive is on its line.
func (c *checker) emit(rule string, d analysis.Diagnostic) {
	if skipped[rule] {
		return
	}
	d.Category = rule
	astq.Report(c.pass, d)
}

// emitf is emit with a formatted message.
func (c *checker) emitf(rule string, pos token.Pos, format string, args ...any) {
	c.emit(rule, analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}
