package questionnaire_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/questionnaire"
)

// The six readiness domains of esr, in report order.
var domains = []string{"governance", "risk_intelligence", "supply_chain", "technology_protection", "regulatory_compliance", "partnerships"}

func shipped(t *testing.T) *questionnaire.Definition {
	t.Helper()
	reg, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatalf("the shipped questionnaires do not load:\n%v", err)
	}
	d, ok := reg.Latest("esr")
	if !ok {
		t.Fatal("esr is not shipped")
	}
	if _, ok := reg.Version("esr", 1); !ok {
		t.Fatal("esr version 1 is no longer shipped; stored v1 assessments need it")
	}
	return d
}

func TestShippedQuestionnaire(t *testing.T) {
	d := shipped(t)
	if n := len(d.Questions()); n < 45 {
		t.Errorf("esr has %d questions, want at least 45", n)
	}
	var got []string
	for _, s := range d.Sections {
		if s.Domain == "" {
			continue
		}
		got = append(got, s.Domain)
		scored := 0
		for _, q := range s.Questions {
			if q.Scored() {
				scored++
			}
		}
		if scored < 5 {
			t.Errorf("domain %s has %d scored questions, want at least 5", s.Domain, scored)
		}
	}
	if !slices.Equal(got, domains) {
		t.Errorf("domains %v, want %v", got, domains)
	}
	// The profile questions that scoring reads.
	for _, id := range []string{"prof_industry", "prof_employees", "prof_capital_million_yen", "prof_prefecture", "prof_listed",
		"prof_overseas", "prof_china_sales_share", "prof_china_procurement_share", "prof_critical_materials", "prof_material_shares",
		"prof_critical_infra", "prof_fdi_sector", "prof_controlled_items", "prof_us_origin"} {
		if q, ok := d.Question(id); !ok || q.Domain != "" {
			t.Errorf("profile question %s missing or scored", id)
		}
	}
	for _, q := range d.Questions() {
		if q.Type == questionnaire.TypeScale && !q.Scored() {
			t.Errorf("%s: a practice (scale) question without a tier", q.ID)
		}
	}
}

// TestExampleAnswers: the three example firms are complete, valid submissions.
func TestExampleAnswers(t *testing.T) {
	d := shipped(t)
	files, err := filepath.Glob("../../examples/answers/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"small-sme.json", "mid-exporter.json", "large-firm.json"} {
		if !slices.Contains(files, "../../examples/answers/"+want) {
			t.Errorf("examples/answers/%s is missing", want)
		}
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var a questionnaire.Answers
			if err := json.Unmarshal(raw, &a); err != nil {
				t.Fatal(err)
			}
			for _, e := range d.Validate(a, questionnaire.Submit, "en") {
				t.Errorf("%s: %s", e.Question, e.Message)
			}
		})
	}
}
