package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// SARIF rule ids.
const (
	RuleRace      = "racecheck/data-race"
	RuleFuzzCrash = "racecheck/fuzz-crash"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	ShortDescription sarifMessage `json:"shortDescription"`
	DefaultConfig    sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	OccurrenceCount     int               `json:"occurrenceCount,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifMessage `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

func sarifLoc(file string, line int, msg string, id *int) sarifLocation {
	l := sarifLocation{ID: id, PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: file, URIBaseID: "%SRCROOT%"}}}
	if line > 0 {
		l.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	if msg != "" {
		l.Message = &sarifMessage{Text: msg}
	}
	return l
}

// WriteSARIF writes the report as SARIF 2.1.0: one result per race (located
// at the race's location, with the other access as a related location) and
// one per fuzz crasher. File URIs are relative to %SRCROOT%, the report root.
func WriteSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "racecheck", Version: r.Tool.Version,
			InformationURI: "https://github.com/raceproof/raceproof/tree/main/modules/racecheck",
			Rules: []sarifRule{
				{ID: RuleRace, Name: "DataRace", ShortDescription: sarifMessage{Text: "Data race detected by the Go race detector"}, DefaultConfig: sarifConfig{Level: "error"}},
				{ID: RuleFuzzCrash, Name: "FuzzCrash", ShortDescription: sarifMessage{Text: "Fuzz target failed on a generated input"}, DefaultConfig: sarifConfig{Level: "error"}},
			},
		}},
		Results: []sarifResult{},
	}
	for _, rc := range r.Races {
		res := sarifResult{
			RuleID: RuleRace, RuleIndex: 0, Level: "error",
			Message:             sarifMessage{Text: raceMessage(rc)},
			Locations:           []sarifLocation{sarifLoc(rc.Location.File, rc.Location.Line, "", nil)},
			PartialFingerprints: map[string]string{"racecheck/v1": rc.Fingerprint},
			OccurrenceCount:     rc.Count,
		}
		for i, a := range rc.Accesses {
			f, ok := accessFrame(a, rc.Module)
			if !ok || (f.File == rc.Location.File && f.Line == rc.Location.Line && f.Function == rc.Location.Function) {
				continue
			}
			id := i + 1
			kind := a.Op
			if a.Previous {
				kind = "previous " + kind
			}
			res.RelatedLocations = append(res.RelatedLocations, sarifLoc(f.File, f.Line, fmt.Sprintf("%s by goroutine %d in %s", kind, a.Goroutine, f.Function), &id))
		}
		run.Results = append(run.Results, res)
	}
	for _, f := range r.Fuzz {
		if f.Status != StatusFail || f.Message == "build failed" {
			continue
		}
		msg := fmt.Sprintf("fuzz target %s.%s failed: %s", f.Package, f.Target, f.Message)
		var locs []sarifLocation
		if f.Location != nil {
			locs = append(locs, sarifLoc(f.Location.File, f.Location.Line, "", nil))
		}
		var related []sarifLocation
		if f.Crasher != "" {
			msg += "; crasher " + f.Crasher
			one := 1
			crash := sarifLoc(f.Crasher, 0, "failing input", &one)
			if len(locs) == 0 {
				crash.ID = nil
				locs = append(locs, crash)
			} else {
				related = append(related, crash)
			}
		}
		if len(locs) == 0 {
			continue
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: RuleFuzzCrash, RuleIndex: 1, Level: "error",
			Message: sarifMessage{Text: msg}, Locations: locs, RelatedLocations: related,
		})
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("report: sarif: %w", err)
	}
	return nil
}

// accessFrame is the first frame of an access inside the module, or its
// first frame.
func accessFrame(a Access, module string) (Frame, bool) {
	for _, f := range a.Frames {
		if module != "" && len(f.Function) > len(module) && f.Function[:len(module)] == module &&
			(f.Function[len(module)] == '.' || f.Function[len(module)] == '/') {
			return f, true
		}
	}
	if len(a.Frames) > 0 {
		return a.Frames[0], true
	}
	return Frame{}, false
}
