package report

import (
	"encoding/json"
	"fmt"
	"io"
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
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
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
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// FingerprintKey is the key of racecheck's fingerprint in SARIF
// partialFingerprints.
const FingerprintKey = "racecheck/v2"

// sarifLoc converts a location in one of the report's modules; ok is false
// for locations elsewhere (the Go distribution, the module cache), which a
// code-scanning service cannot show.
func sarifLoc(r *Report, l Location, id *int) (sarifLocation, bool) {
	p, ok := r.Path(l)
	if !ok {
		return sarifLocation{}, false
	}
	s := sarifLocation{ID: id, PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: p, URIBaseID: "%SRCROOT%"}}}
	if l.Line > 0 {
		s.PhysicalLocation.Region = &sarifRegion{StartLine: l.Line}
	}
	if l.Note != "" {
		s.Message = &sarifMessage{Text: l.Note}
	}
	return s, true
}

// WriteSARIF writes the report as SARIF 2.1.0: one rule per Kind and one
// result per finding, located at the finding's location with its related
// locations, and its fingerprint under partialFingerprints. URIs are
// relative to %SRCROOT%, the directory racecheck ran in.
func WriteSARIF(w io.Writer, r *Report) error {
	kinds := Kinds()
	index := map[Kind]int{}
	rules := make([]sarifRule, len(kinds))
	for i, k := range kinds {
		index[k] = i
		rules[i] = sarifRule{ID: k.RuleID(), Name: string(k), ShortDescription: sarifMessage{Text: k.Description()},
			DefaultConfig: sarifConfig{Level: "error"}}
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "racecheck", Version: r.Tool.Version,
			InformationURI: "https://github.com/raceproof/raceproof/tree/main/modules/racecheck",
			Rules:          rules,
		}},
		Results: []sarifResult{},
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		res := sarifResult{
			RuleID: f.Kind.RuleID(), RuleIndex: index[f.Kind], Level: "error",
			Message:             sarifMessage{Text: fmt.Sprintf("%s: %s\nRerun: %s", f.Title(), f.Message, f.Reproduce)},
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
			OccurrenceCount:     f.Count,
		}
		if l, ok := sarifLoc(r, f.Location, nil); ok {
			res.Locations = []sarifLocation{l}
		}
		for j, rel := range f.Related {
			id := j + 1
			if l, ok := sarifLoc(r, rel, &id); ok {
				res.RelatedLocations = append(res.RelatedLocations, l)
			}
		}
		run.Results = append(run.Results, res)
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
