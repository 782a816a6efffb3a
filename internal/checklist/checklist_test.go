package checklist_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

func miniDefs(t testing.TB) *questionnaire.Registry {
	t.Helper()
	data, err := os.ReadFile("../questionnaire/testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := questionnaire.Load(fstest.MapFS{"q/mini-v1.yaml": {Data: data}}, "q")
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

func miniRules(t testing.TB) (*checklist.Rules, *questionnaire.Definition) {
	t.Helper()
	defs := miniDefs(t)
	data, err := os.ReadFile("testdata/mini-checklist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := checklist.Parse(data, "mini-checklist.yaml", defs)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := defs.Version("mini", 1)
	return r, def
}

func answers(t testing.TB, js string) questionnaire.Answers {
	t.Helper()
	var a questionnaire.Answers
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// scores stands in for the scoring result of a mini answer set: mini's profile questions are
// not the ones scoring reads, so the size band and exposure are given here as the test needs them.
func scores(js string) scoring.Result {
	r := scoring.Result{SizeBand: scoring.BandSME}
	switch {
	case strings.Contains(js, `"employees":10,`):
		r.SizeBand = scoring.BandSmallScale
	case strings.Contains(js, `"employees":1000,`):
		r.SizeBand = scoring.BandLarge
	}
	if strings.Contains(js, `"CN":90`) {
		r.Exposure.Materials = []scoring.Material{{ID: "magnets", HHI: 8200}}
	}
	r.Exposure.Flags.ControlledItems = strings.Contains(js, `"exports":"yes"`)
	return r
}

func evaluate(t testing.TB, r *checklist.Rules, def *questionnaire.Definition, js string) map[string]checklist.ItemResult {
	t.Helper()
	a := answers(t, js)
	res := r.Evaluate(def, a, scores(js))
	out := map[string]checklist.ItemResult{}
	for _, it := range res.Items {
		out[it.ID] = it
	}
	return out
}

func TestStatusAndPriority(t *testing.T) {
	r, def := miniRules(t)
	const profile = `"industry":"manufacturing","employees":45,"exports":"yes","materials":["magnets"],"shares":{"magnets":{"CN":90,"JP":10}}`
	tests := []struct {
		name     string
		answers  string
		item     string
		status   string
		priority string
		findOut  bool
		reason   string // fragment of the English reason
	}{
		{"practice below partial is to do", `{` + profile + `,"gov_owner":1}`, "gov_owner_named", "todo", "high", false, "To do and essential: high"},
		{"practice at partial", `{` + profile + `,"gov_owner":2}`, "gov_owner_named", "partial", "medium", false, "Partly done and essential: medium"},
		{"practice at done", `{` + profile + `,"gov_owner":3}`, "gov_owner_named", "done", "low", false, "Done"},
		{"don't know is a find-out task", `{` + profile + `,"gov_owner":"dont_know"}`, "gov_owner_named", "todo", "high", true, "finding out"},
		{"n/a practice", `{` + profile + `,"gov_owner":1,"gov_cp":"na"}`, "gov_cp_written", "na", "low", false, "does not apply"},
		{"hidden practice", `{"industry":"manufacturing","employees":45,"exports":"no","materials":["none"],"gov_owner":1}`, "gov_cp_written", "na", "low", false, ""},
		// gov_cp is essential for an exporter, and export control is an exposure the item names.
		{"tier rule and exposure", `{` + profile + `,"gov_owner":1,"gov_cp":0}`, "gov_cp_written", "todo", "high", false, "exports of list-controlled items"},
		{"partial essential raised by exposure", `{` + profile + `,"gov_owner":1,"gov_cp":2}`, "gov_cp_written", "partial", "high", false, "Raised to high"},
		{"conditions: to do", `{` + profile + `,"gov_owner":1,"gov_measures":["info"]}`, "gov_diversify", "todo", "high", false, "concentrated supply"},
		{"conditions: partial", `{` + profile + `,"gov_owner":1,"gov_measures":["bcp"]}`, "gov_diversify", "partial", "medium", false, "Raised to medium"},
		{"conditions: done", `{` + profile + `,"gov_owner":1,"gov_measures":["section"]}`, "gov_diversify", "done", "low", false, ""},
		{"applies_if fails", `{"industry":"manufacturing","employees":45,"exports":"yes","materials":["none"],"gov_owner":1}`, "gov_diversify", "na", "low", false, ""},
		{"no exposure, no raise", `{"industry":"manufacturing","employees":45,"exports":"yes","materials":["magnets"],"shares":{"magnets":{"CN":40,"JP":40,"VN":20}},"gov_owner":1}`, "gov_diversify", "todo", "medium", false, "To do and important: medium"},
		{"recommended to do", `{` + profile + `,"gov_owner":1}`, "gov_info", "todo", "low", false, "recommended: low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := evaluate(t, r, def, tt.answers)[tt.item]
			if it.Status != tt.status || it.Priority != tt.priority || it.FindOut != tt.findOut || it.Checked != (tt.status == "done") {
				t.Errorf("%s: status %s priority %s find-out %v checked %v, want %s %s %v", tt.item, it.Status, it.Priority, it.FindOut, it.Checked, tt.status, tt.priority, tt.findOut)
			}
			if !strings.Contains(it.Reason.EN, tt.reason) || it.Reason.JA == "" {
				t.Errorf("reason %q lacks %q", it.Reason.EN, tt.reason)
			}
		})
	}
}

func TestVariantsAndFirstSteps(t *testing.T) {
	r, def := miniRules(t)
	small := evaluate(t, r, def, `{"industry":"manufacturing","employees":10,"exports":"no","materials":["none"],"gov_owner":0}`)
	large := evaluate(t, r, def, `{"industry":"manufacturing","employees":1000,"exports":"no","materials":["none"],"gov_owner":0,"gov_cp":0}`)
	if small["gov_owner_named"].Action.EN != "The owner takes it on." || large["gov_owner_named"].Action.EN != "Appoint an executive." {
		t.Errorf("variants: SME %q, large %q", small["gov_owner_named"].Action.EN, large["gov_owner_named"].Action.EN)
	}

	js := `{"industry":"manufacturing","employees":45,"exports":"yes","materials":["magnets"],"shares":{"magnets":{"CN":90,"JP":10}},"gov_owner":1,"gov_cp":0}`
	res := r.Evaluate(def, answers(t, js), scores(js))
	// Open: gov_owner_named (essential, high, S), gov_cp_written (essential, high, L),
	// gov_diversify (important, high, M), gov_info (recommended, low, S) — all in one domain,
	// so only two make the first steps: the essential ones, the one answering the firm's legal
	// exposure (export control) before the quick win.
	var ids []string
	for _, s := range res.FirstSteps {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "gov_cp_written,gov_owner_named" {
		t.Errorf("first steps %v", ids)
	}
	if res.Counts["todo"] != 4 || len(res.Groups) != 1 || len(res.Groups[0].Items) != 4 {
		t.Errorf("counts %v groups %+v", res.Counts, res.Groups)
	}
}

func TestBrokenRules(t *testing.T) {
	defs := miniDefs(t)
	base, err := os.ReadFile("testdata/mini-checklist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, item, want string
	}{
		{"unknown question", "question: gov_owner, done", "question: gov_boss, done", "gov_owner_named", `practice: question "gov_boss" does not exist`},
		{"practice on a non-scale question", "question: gov_owner, done", "question: exports, done", "gov_owner_named", "not a scale question"},
		{"unknown option", "values: [section]", "values: [department]", "gov_diversify", `done_if: value "department" is not an option of "gov_measures"`},
		{"unknown question in a condition", "applies_if: {question: materials", "applies_if: {question: inputs", "gov_diversify", `applies_if: refers to question "inputs"`},
		{"tier rule on a missing option", `values: ["yes"]}`, `values: ["maybe"]}`, "gov_cp_written", `tier rule 1: value "maybe"`},
		{"missing English", `title: {ja: "情報を集める", en: "Gather information"}`, `title: {ja: "情報を集める"}`, "gov_info", "title needs ja and en"},
		{"bad owner", "owner: general_affairs", "owner: janitor", "gov_info", `owner "janitor"`},
		{"bad horizon", "horizon: 365", "horizon: 180", "gov_diversify", "horizon 180"},
		{"bad exposure", "exposure: [supply_concentration]", "exposure: [weather]", "gov_diversify", `exposure "weather"`},
		{"bad area", "area: autonomy", "area: resilience", "gov_diversify", `area "resilience"`},
		{"no status rule", "    done_if: {question: gov_measures, op: in, values: [info]}\n", "", "gov_info", "needs practice or done_if"},
		{"duplicate id", "id: gov_info", "id: gov_diversify", "gov_diversify", "duplicate id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.old, tt.new, 1)
			if src == string(base) {
				t.Fatalf("%q not in the rules", tt.old)
			}
			_, err := checklist.Parse([]byte(src), "broken.yaml", defs)
			var ps questionnaire.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v", err)
			}
			for _, p := range ps {
				if p.File == "broken.yaml" && p.Question == "item "+tt.item && strings.Contains(p.Message, tt.want) {
					return
				}
			}
			t.Errorf("no problem for item %s containing %q:\n%v", tt.item, tt.want, err)
		})
	}
	if _, err := checklist.Parse([]byte("questionnaire: nope\nversion: 1\nitems: []\n"), "x.yaml", defs); err == nil || !strings.Contains(err.Error(), "nope version 1 is not loaded") {
		t.Errorf("rules for a missing questionnaire: %v", err)
	}
}
