package report

import (
	"crypto/sha256"
	"encoding/hex"
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

// CodeQuality converts races, fuzz crashers and failing tests' errors to
// GitLab Code Quality issues.
func CodeQuality(r *Report) []CodeQualityIssue {
	out := []CodeQualityIssue{}
	for _, rc := range r.Races {
		out = append(out, CodeQualityIssue{
			Description: raceMessage(rc), CheckName: RuleRace, Fingerprint: rc.Fingerprint, Severity: "critical",
			Location: CodeQualityLocation{Path: rc.Location.File, Lines: CodeQualityLines{Begin: max(rc.Location.Line, 1)}},
		})
	}
	for _, f := range r.Fuzz {
		if f.Status != StatusFail {
			continue
		}
		path, line := f.Crasher, 1
		if f.Location != nil {
			path, line = f.Location.File, f.Location.Line
		}
		if path == "" {
			continue
		}
		sum := sha256.Sum256([]byte(RuleFuzzCrash + f.Package + f.Target + f.Crasher))
		out = append(out, CodeQualityIssue{
			Description: fmt.Sprintf("fuzz target %s.%s failed: %s (crasher %s)", f.Package, f.Target, f.Message, f.Crasher),
			CheckName:   RuleFuzzCrash, Fingerprint: hex.EncodeToString(sum[:16]), Severity: "critical",
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
