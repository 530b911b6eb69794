package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// CodeQualityIssue is one entry of a GitLab Code Quality report.
type CodeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    CodeQualityLocation `json:"location"`
}

// CodeQualityLocation is the file and line of an issue.
type CodeQualityLocation struct {
	Path  string           `json:"path"`
	Lines CodeQualityLines `json:"lines"`
}

// CodeQualityLines holds the first line of an issue.
type CodeQualityLines struct {
	Begin int `json:"begin"`
}

// CodeQuality converts the findings, one issue each. GitLab requires a
// path; a finding whose location lies outside the report's modules (never
// the case for findings racecheck makes) is placed at the module's go.mod.
func CodeQuality(r *Report) []CodeQualityIssue {
	out := []CodeQualityIssue{}
	for i := range r.Findings {
		f := &r.Findings[i]
		path, ok := r.Path(f.Location)
		line := f.Location.Line
		if !ok {
			path, _ = r.Path(Location{Module: f.Module, File: "go.mod"})
			if path == "" {
				path = "go.mod"
			}
			line = 1
		}
		severity := "critical"
		if f.Kind.ExitCode() == ExitBroken {
			severity = "blocker"
		}
		out = append(out, CodeQualityIssue{
			Description: fmt.Sprintf("%s: %s (rerun: %s)", f.Title(), f.Message, f.Reproduce),
			CheckName:   f.Kind.RuleID(), Fingerprint: f.Fingerprint, Severity: severity,
			Location: CodeQualityLocation{Path: path, Lines: CodeQualityLines{Begin: max(line, 1)}},
		})
	}
	return out
}

// WriteCodeQuality writes the GitLab Code Quality JSON array.
func WriteCodeQuality(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(CodeQuality(r)); err != nil {
		return fmt.Errorf("report: codequality: %w", err)
	}
	return nil
}
