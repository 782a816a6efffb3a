package checklist_test

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// readExample reads one of the complete answer sets in examples/answers.
func readExample(t *testing.T, name string) questionnaire.Answers {
	t.Helper()
	return readAnswers(t, "../../examples/answers/"+name+".json")
}

func readAnswers(t *testing.T, path string) questionnaire.Answers {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a questionnaire.Answers
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// domesticFirm is small-sme turned into a firm with no critical materials, no exports and no
// foreign ties: the questions those answers hide are dropped.
func domesticFirm(t *testing.T, def *questionnaire.Definition) questionnaire.Answers {
	t.Helper()
	a := readExample(t, "small-sme")
	a["prof_overseas"] = []any{"none"}
	a["prof_critical_materials"] = []any{"none"}
	a["prof_controlled_items"] = "no_exports"
	for _, id := range []string{"prof_material_shares", "prof_china_procurement_share", "prof_china_sales_share",
		"gov_measures_jetro", "sc_minerals_measures", "rc_sanctions_screening"} {
		delete(a, id)
	}
	return a
}

// vary answers every visible scale question at random and moves the firm across industries
// and sizes, from one employee to a large firm.
func vary(rng *rand.Rand, def *questionnaire.Definition, base questionnaire.Answers) questionnaire.Answers {
	a := maps.Clone(base)
	for _, q := range def.Questions() {
		if _, answered := a[q.ID]; answered && q.Type == questionnaire.TypeScale {
			a[q.ID] = float64(rng.IntN(questionnaire.ScaleMax + 1))
		}
	}
	industry, _ := def.RoleQuestion(questionnaire.RoleIndustry)
	a[industry.ID] = industry.Options[rng.IntN(len(industry.Options))].ID
	a[def.RoleID(questionnaire.RoleEmployees)] = float64(1 + rng.IntN(3000))
	a[def.RoleID(questionnaire.RoleCapital)] = float64(1 + rng.IntN(2000))
	return a
}

// TestDomesticFirmIsNotToldToStockpile is the adviser's sanity rule over generated firms: a
// firm with no critical materials, no exports and no foreign ties is never told to stockpile,
// diversify suppliers, screen sanctions or check the U.S. EAR.
func TestDomesticFirmIsNotToldToStockpile(t *testing.T) {
	r, def := esrRules(t)
	for _, base := range []questionnaire.Answers{domesticFirm(t, def), readExample(t, "domestic-services")} {
		domesticNeverStockpiles(t, r, def, base)
	}
}

func domesticNeverStockpiles(t *testing.T, r *checklist.Rules, def *questionnaire.Definition, base questionnaire.Answers) {
	t.Helper()
	never := []string{"sc_diversify_suppliers", "sc_build_strategic_stock", "rc_screen_sanctions", "rc_check_us_ear",
		"sc_secure_semiconductor_supply", "sc_secure_critical_minerals"}
	rng := rand.New(rand.NewPCG(2026, 12))
	for i := range 300 {
		a := vary(rng, def, base)
		if errs := def.Validate(a, questionnaire.Submit, "en"); errs != nil {
			t.Fatalf("generated firm %d is not a valid submission: %v", i, errs)
		}
		res := r.Evaluate(def, a, scoring.Score(def, a))
		for _, it := range res.Items {
			for _, id := range never {
				if it.ID == id && it.Status != checklist.StatusNA {
					t.Fatalf("firm %d (%v employees, %v): %s is %s, want not applicable", i, a["prof_employees"], a["prof_industry"], id, it.Status)
				}
			}
		}
	}
}

// TestExporterWithUSContentChecksEAR is the adviser's rule over generated firms: a firm that
// exports list-controlled items with U.S.-origin content and sells to China, and has not yet
// done the EAR check, always has it among its first steps.
func TestExporterWithUSContentChecksEAR(t *testing.T) {
	r, def := esrRules(t)
	base := readExample(t, "mid-exporter")
	rng := rand.New(rand.NewPCG(2026, 13))
	for i := range 300 {
		a := vary(rng, def, base)
		a["rc_us_ear"] = float64(rng.IntN(3)) // not done yet: 0, 1 or 2
		a[def.RoleID(questionnaire.RoleChinaSales)] = float64(1 + rng.IntN(100))
		if errs := def.Validate(a, questionnaire.Submit, "en"); errs != nil {
			t.Fatalf("generated firm %d is not a valid submission: %v", i, errs)
		}
		res := r.Evaluate(def, a, scoring.Score(def, a))
		var first []string
		for _, s := range res.FirstSteps {
			first = append(first, s.ID)
		}
		if !slices.Contains(first, "rc_check_us_ear") {
			t.Fatalf("firm %d (%v employees, %v, EAR practice %v): first steps %v lack the EAR check", i, a["prof_employees"], a["prof_industry"], a["rc_us_ear"], first)
		}
	}
}

// TestSmallFirmItemsAreTheOwners: for a small-scale firm every item is the owner's (or the
// person the owner names); an SME keeps the functions the rules name.
func TestSmallFirmItemsAreTheOwners(t *testing.T) {
	r, def := esrRules(t)
	owner := checklist.SmallFirmOwner()
	for _, tt := range []struct {
		employees float64
		owners    bool
	}{{15, true}, {150, false}} {
		a := readExample(t, "small-sme")
		a[def.RoleID(questionnaire.RoleEmployees)] = tt.employees
		res := r.Evaluate(def, a, scoring.Score(def, a))
		for _, it := range res.Items {
			if (it.OwnerLabel == owner) != tt.owners {
				t.Errorf("%v employees: %s is owned by %s", tt.employees, it.ID, it.OwnerLabel.EN)
			}
		}
	}
}

// TestMidSizedFirmsGetMidSizedAdvice: an SME of 100 or more employees, or one exporting
// list-controlled items, is not told what suits a ten-person firm ("no dedicated section is
// needed"); a smaller SME and a small-scale firm are.
func TestMidSizedFirmsGetMidSizedAdvice(t *testing.T) {
	r, def := esrRules(t)
	var item *checklist.Item
	for i := range r.Items {
		if r.Items[i].ID == "gov_assign_responsible_unit" {
			item = &r.Items[i]
		}
	}
	if item == nil || item.ActionSME.Empty() {
		t.Fatal("gov_assign_responsible_unit with an SME text is the case under test")
	}
	for _, tt := range []struct {
		name      string
		employees float64
		exports   string
		wantSME   bool
	}{
		{"small-scale", 15, "no_exports", true},
		{"small SME", 60, "no_exports", true},
		{"mid-sized SME", 150, "no_exports", false},
		{"edge of mid-sized", 100, "no_exports", false},
		{"small SME exporting list-controlled items", 60, "yes", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := readExample(t, "small-sme")
			a[def.RoleID(questionnaire.RoleEmployees)] = tt.employees
			a[def.RoleID(questionnaire.RoleControlledItems)] = tt.exports
			res := r.Evaluate(def, a, scoring.Score(def, a))
			for _, it := range res.Items {
				if it.ID == item.ID && (it.Action == item.ActionSME) != tt.wantSME {
					t.Errorf("action %q; the SME text wanted: %v", it.Action.EN, tt.wantSME)
				}
			}
		})
	}
}
