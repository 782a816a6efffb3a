package checklist_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestExampleChecklists keeps the checklists of the example firms as golden files: every item's
// status, priority and find-out mark, and the first steps with their reasons. The examples in
// examples/answers answer the latest version; the answers of version 1 under testdata/v1 keep
// being scored with version 1 and its rules.
func TestExampleChecklists(t *testing.T) {
	latestNames := []string{"small-sme", "mid-exporter", "large-firm", "domestic-services", "foreign-shareholder"}
	firsts := exampleChecklists(t, latest, "../../examples/answers", "testdata", latestNames)
	// The firms do not get the same plan.
	for i := 1; i < len(latestNames); i++ {
		if a, b := latestNames[i-1], latestNames[i]; cmp.Equal(firsts[a], firsts[b]) {
			t.Errorf("first steps of %s and %s do not differ: %v", a, b, firsts[a])
		}
	}
	t.Run("v1", func(t *testing.T) {
		exampleChecklists(t, 1, "testdata/v1", "testdata/v1", []string{"small-sme", "mid-exporter", "large-firm"})
	})
}

// exampleChecklists compares the checklist of each named answer file in dir with its golden file
// in goldens and returns the first steps by name.
func exampleChecklists(t *testing.T, version int, dir, goldens string, names []string) map[string][]string {
	r, def := esrRulesAt(t, version)
	firsts := map[string][]string{}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			a := readAnswers(t, filepath.Join(dir, name+".json"))
			if errs := def.Validate(a, questionnaire.Submit, "en"); errs != nil {
				t.Fatalf("%s is not a valid submission of esr v%d: %v", name, version, errs)
			}
			res := r.Evaluate(def, a, scoring.Score(def, a))
			golden := renderChecklist(name, res)
			for _, s := range res.FirstSteps {
				firsts[name] = append(firsts[name], s.ID)
			}
			compareGolden(t, filepath.Join(goldens, name+".golden"), golden)
			if len(res.FirstSteps) == 0 || len(res.FirstSteps) > checklist.MaxFirstSteps {
				t.Errorf("%d first steps", len(res.FirstSteps))
			}
			per := map[string]int{}
			for _, s := range res.FirstSteps {
				if per[s.Domain]++; per[s.Domain] > checklist.MaxFirstStepsPerDomain {
					t.Errorf("more than %d first steps from %s", checklist.MaxFirstStepsPerDomain, s.Domain)
				}
			}
		})
	}
	return firsts
}

func renderChecklist(name string, res checklist.Result) string {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# %s: %v\n", name, res.Counts)
	fmt.Fprintln(&buf, "## first steps")
	for i, s := range res.FirstSteps {
		fmt.Fprintf(&buf, "%d. %s [%s, %s, %s, effort %s] %s\n   %s\n", i+1, s.ID, s.Priority, s.Tier, s.Domain, s.Effort, s.Title.EN, s.Reason.EN)
	}
	fmt.Fprintln(&buf, "## items")
	for _, it := range res.Items {
		fo := ""
		if it.FindOut {
			fo = " find-out"
		}
		fmt.Fprintf(&buf, "%-40s %-8s %-7s %-12s%s\n", it.ID, it.Status, it.Priority, it.Tier, fo)
	}
	return buf.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

func TestShippedChecklistShape(t *testing.T) {
	r, def := esrRules(t)
	if len(r.Items) < 35 {
		t.Errorf("%d items, want at least 35", len(r.Items))
	}
	per := map[string]int{}
	areas := map[string]int{}
	for _, it := range r.Items {
		if !it.ActionSME.Empty() && it.ActionMid.Empty() {
			t.Errorf("%s has a small-firm action but no mid-sized one: a 150-person firm would get the general text", it.ID)
		}
		per[it.Domain]++
		areas[it.Area]++
	}
	for _, s := range def.Sections {
		if s.Domain != "" && per[s.Domain] < 4 {
			t.Errorf("domain %s has %d items", s.Domain, per[s.Domain])
		}
	}
	for a := range checklist.Areas {
		if areas[a] == 0 {
			t.Errorf("no item in METI area %s", a)
		}
	}
}

// TestEveryScoredPracticeHasAnItem: a scored question whose gap no item names would lower the
// score without telling the firm what to do. Each must decide the status of at least one item.
func TestEveryScoredPracticeHasAnItem(t *testing.T) {
	for v := 1; v <= latest; v++ {
		r, def := esrRulesAt(t, v)
		status := map[string]bool{}
		for _, it := range r.Items {
			if it.Practice != nil {
				status[it.Practice.Question] = true
			}
			for _, c := range []*questionnaire.Condition{it.DoneIf, it.PartialIf} {
				if c != nil {
					for _, q := range conditionQuestions(*c) {
						status[q] = true
					}
				}
			}
		}
		n := 0
		for _, q := range def.Questions() {
			if q.Tier == "" {
				continue
			}
			n++
			if !status[q.ID] {
				t.Errorf("esr v%d: scored question %s decides no checklist item", v, q.ID)
			}
		}
		if n == 0 {
			t.Fatalf("esr v%d has no scored question", v)
		}
	}
}

func conditionQuestions(c questionnaire.Condition) []string {
	var out []string
	if c.Question != "" {
		out = append(out, c.Question)
	}
	for _, s := range append(c.All, c.Any...) {
		out = append(out, conditionQuestions(s)...)
	}
	if c.Not != nil {
		out = append(out, conditionQuestions(*c.Not)...)
	}
	return out
}

// TestMemoizedEncoding: a memoized checklist encodes to the same JSON as a plain one, every time.
func TestMemoizedEncoding(t *testing.T) {
	r, def := esrRules(t)
	a := readExample(t, "mid-exporter")
	plain := r.Evaluate(def, a, scoring.Score(def, a))
	memo := r.Evaluate(def, a, scoring.Score(def, a))
	memo.Memoize()
	want, err := json.Marshal(&plain)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := json.Marshal(&memo)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("memoized encoding differs (%v): %d bytes, want %d", err, len(got), len(want))
		}
	}
	if !bytes.Contains(want, []byte(`"first_steps"`)) {
		t.Fatal("the encoding lacks the first steps")
	}
}
