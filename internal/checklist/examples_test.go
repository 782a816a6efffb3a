package checklist_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/scoring"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestExampleChecklists keeps the checklists of the three example firms as golden files: every
// item's status, priority and find-out mark, and the first steps with their reasons.
func TestExampleChecklists(t *testing.T) {
	r, def := esrRules(t)
	firsts := map[string][]string{}
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		t.Run(name, func(t *testing.T) {
			a := readExample(t, name)
			res := r.Evaluate(def, a, scoring.Score(def, a))
			var buf bytes.Buffer
			fmt.Fprintf(&buf, "# %s: %v\n", name, res.Counts)
			fmt.Fprintln(&buf, "## first steps")
			for i, s := range res.FirstSteps {
				fmt.Fprintf(&buf, "%d. %s [%s, %s, %s, effort %s] %s\n   %s\n", i+1, s.ID, s.Priority, s.Tier, s.Domain, s.Effort, s.Title.EN, s.Reason.EN)
				firsts[name] = append(firsts[name], s.ID)
			}
			fmt.Fprintln(&buf, "## items")
			for _, it := range res.Items {
				fo := ""
				if it.FindOut {
					fo = " find-out"
				}
				fmt.Fprintf(&buf, "%-40s %-8s %-7s %-12s%s\n", it.ID, it.Status, it.Priority, it.Tier, fo)
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if d := cmp.Diff(string(want), buf.String()); d != "" {
				t.Errorf("%s (-want +got):\n%s", path, d)
			}
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
	// The three firms do not get the same plan.
	if cmp.Equal(firsts["small-sme"], firsts["mid-exporter"]) || cmp.Equal(firsts["mid-exporter"], firsts["large-firm"]) {
		t.Errorf("first steps do not differ: %v", firsts)
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
