package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// variant is what one simulated respondent answers: three autosaves of growing subsets of a
// complete answer set (the last save is the complete set, which submit then scores), and the
// result that set scores, precomputed for the store-only runs.
type variant struct {
	saves  [3]questionnaire.Answers
	result scoring.Result
	// encoded are the saves as JSON, encoded once so the load generator's CPU goes to requests.
	encoded [3]json.RawMessage
}

// Mutations that move a firm between size bands and sectors; the capital matters as much as the
// head count under the SME Basic Act.
var (
	employeeCounts = []any{2.0, 8.0, 15.0, 40.0, 90.0, 180.0, 280.0, 450.0, 1200.0, 5000.0}
	capitals       = []any{3.0, 10.0, 50.0, 90.0, 250.0, 800.0, 5000.0, "na"}
)

// loadBases reads the complete example answer sets (examples/answers/*.json).
func loadBases(dir string) ([]questionnaire.Answers, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no answer files in %s (run from the repository root or set -answers)", dir)
	}
	var out []questionnaire.Answers
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var a questionnaire.Answers
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// buildVariants derives n valid answer sets from the bases, each mutated at random but kept
// valid: a mutation that the questionnaire refuses in full validation is undone, so the load
// never measures 422s.
func buildVariants(def *questionnaire.Definition, bases []questionnaire.Answers, n int, rng *rand.Rand) ([]variant, error) {
	for i, b := range bases {
		if errs := def.Validate(b, questionnaire.Submit, "en"); errs != nil {
			return nil, fmt.Errorf("example answer set %d does not validate: %v", i, errs)
		}
	}
	out := make([]variant, 0, n)
	for i := range n {
		full := mutate(def, bases[i%len(bases)], rng)
		v, err := splitSaves(def, full)
		if err != nil {
			return nil, err
		}
		v.result = scoring.Score(def, full)
		for i, a := range v.saves {
			if v.encoded[i], err = json.Marshal(a); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// mutate returns a copy of base with the firm profile and a share of the other answers changed.
func mutate(def *questionnaire.Definition, base questionnaire.Answers, rng *rand.Rand) questionnaire.Answers {
	a := make(questionnaire.Answers, len(base))
	for k, v := range base {
		a[k] = v
	}
	try := func(id string, v any) {
		old, had := a[id]
		a[id] = v
		if def.Validate(a, questionnaire.Submit, "en") != nil {
			if had {
				a[id] = old
			} else {
				delete(a, id)
			}
		}
	}
	try(def.RoleID(questionnaire.RoleEmployees), employeeCounts[rng.IntN(len(employeeCounts))])
	try(def.RoleID(questionnaire.RoleCapital), capitals[rng.IntN(len(capitals))])
	for _, q := range def.Questions() {
		if _, answered := a[q.ID]; !answered {
			continue
		}
		switch {
		case q.Role == questionnaire.RoleIndustry || q.Role == questionnaire.RolePrefecture:
			try(q.ID, q.Options[rng.IntN(len(q.Options))].ID)
		case q.Type == questionnaire.TypeScale && rng.Float64() < 0.5:
			try(q.ID, float64(rng.IntN(questionnaire.ScaleMax+1)))
		case q.Type == questionnaire.TypeSingle && rng.Float64() < 0.2:
			try(q.ID, q.Options[rng.IntN(len(q.Options))].ID)
		}
	}
	return a
}

// splitSaves makes the three autosaves: the answers to the first third of the questionnaire,
// then two thirds, then all, as a respondent working through the sections would save them.
func splitSaves(def *questionnaire.Definition, full questionnaire.Answers) (variant, error) {
	var order []string
	for _, q := range def.Questions() {
		if _, ok := full[q.ID]; ok {
			order = append(order, q.ID)
		}
	}
	var v variant
	for i := range v.saves {
		n := len(order) * (i + 1) / len(v.saves)
		part := make(questionnaire.Answers, n)
		for _, id := range order[:n] {
			part[id] = full[id]
		}
		mode := questionnaire.Draft
		if i == len(v.saves)-1 {
			mode = questionnaire.Submit
		}
		if errs := def.Validate(part, mode, "en"); errs != nil {
			return v, fmt.Errorf("autosave %d of a variant does not validate: %v", i+1, errs)
		}
		v.saves[i] = part
	}
	return v, nil
}

// mix describes the variants for the report: how many land in each size band and sector.
func mix(vs []variant) string {
	bands, sectors := map[string]int{}, map[string]int{}
	for _, v := range vs {
		bands[v.result.SizeBand]++
		sectors[v.result.Sector]++
	}
	keys := func(m map[string]int) []string {
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	s := fmt.Sprintf("%d answer sets;", len(vs))
	for _, b := range keys(bands) {
		s += fmt.Sprintf(" %s %d,", b, bands[b])
	}
	return s + fmt.Sprintf(" %d sectors", len(sectors))
}
