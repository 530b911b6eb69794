package vet

import (
	"encoding/json"
	"fmt"
	"io"
)

// The JSON shapes of go vet -json (golang.org/x/tools/go/analysis's
// driver output): package ID -> analyzer name -> diagnostics.
type (
	jsonDiag struct {
		Category       string        `json:"category,omitempty"`
		Posn           string        `json:"posn"`
		End            string        `json:"end"`
		Message        string        `json:"message"`
		SuggestedFixes []jsonFix     `json:"suggested_fixes,omitempty"`
		Related        []jsonRelated `json:"related,omitempty"`
	}
	jsonFix struct {
		Message string     `json:"message"`
		Edits   []jsonEdit `json:"edits"`
	}
	jsonEdit struct {
		Filename string `json:"filename"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		New      string `json:"new"`
	}
	jsonRelated struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	}
)

// writeJSON prints the deduplicated diagnostics in go vet -json's shape.
// Each diagnostic appears once, under the package variant that owns it (a
// finding in a file shared by a package and its test variant is listed
// under the package).
func writeJSON(w io.Writer, diags []*diag) error {
	tree := map[string]map[string][]jsonDiag{}
	for _, d := range diags {
		jd := jsonDiag{Category: d.category, Posn: d.posn.String(), End: d.end.String(), Message: d.message}
		if len(d.fix) > 0 {
			f := jsonFix{Message: d.fixMsg}
			for _, e := range d.fix {
				f.Edits = append(f.Edits, jsonEdit{Filename: e.file, Start: e.start, End: e.end, New: e.text})
			}
			jd.SuggestedFixes = []jsonFix{f}
		}
		for _, r := range d.related {
			jd.Related = append(jd.Related, jsonRelated{Posn: r.posn.String(), End: r.end.String(), Message: r.message})
		}
		if tree[d.pkg] == nil {
			tree[d.pkg] = map[string][]jsonDiag{}
		}
		tree[d.pkg][d.analyzer] = append(tree[d.pkg][d.analyzer], jd)
	}
	out, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	if _, err := fmt.Fprintf(w, "%s\n", out); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
