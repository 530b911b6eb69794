package checkthenact

import (
	"go/ast"
	"regexp"
	"strings"
)

// callerLockedSuffixes are function-name endings that by convention mean
// "the caller holds the lock": fooLocked, fooNoLock, fooLockHeld,
// fooUnderLock.
var callerLockedSuffixes = []string{"Locked", "NoLock", "Nolock", "LockHeld", "UnderLock"}

// callerLockedDoc matches doc comments that say the caller holds a lock:
// "mu must be held", "must be called with c.mu locked", "the caller must
// hold the lock", "assumes the lock is held", "requires mu".
var callerLockedDoc = regexp.MustCompile(`(?i)\b(must|should)\s+be\s+(held|locked)\b|` +
	`\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,40}\b(is|are|must be|should be)\s+(held|locked|acquired)\b|` +
	`\bcaller[s]?\s+(must\s+|should\s+)?(hold|holds|have|has|already\s+holds?|acquires?d?)\b(?:[^.]|\.\w){0,40}\b(lock|mutex|mu)|` +
	`\bcalled\s+(with|while|under)\b(?:[^.]|\.\w){0,40}\b(lock|locked|mutex|mu|held)\b|` +
	`\b(while|when)\s+holding\b|` +
	`\bassumes?\b(?:[^.]|\.\w){0,40}\b(lock|locked|held)\b|` +
	`\brequires?\b(?:[^.]|\.\w){0,20}\b(lock|mutex|mu)\b(?:[^.]|\.\w){0,20}\b(held|locked|to be held)\b`)

// callerHoldsLock reports whether the declaration says, by its name or its
// doc comment, that its caller already holds the lock that makes its
// check-then-act sequences atomic.
func callerHoldsLock(decl *ast.FuncDecl) bool {
	name := decl.Name.Name
	for _, s := range callerLockedSuffixes {
		if strings.HasSuffix(name, s) && !strings.HasSuffix(name, "Un"+strings.ToLower(s[:1])+s[1:]) {
			return true
		}
	}
	return decl.Doc != nil && callerLockedDoc.MatchString(decl.Doc.Text())
}
