package questionnaire_test

import (
	"strings"
	"testing"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/questionnaire"
)

// esrV1Hash is the content hash of esr version 1 as published: assessments answered on it store
// it, so the definition must never change. Its plausible ranges live in the validator instead.
const esrV1Hash = "sha256:0457016450e84b623b64c3ddade7ddf6ae69575a360ad75226eed6b298cff3e4"

func TestVersion1Unchanged(t *testing.T) {
	reg, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	v1, ok := reg.Version("esr", 1)
	if !ok {
		t.Fatal("esr v1 is not shipped")
	}
	if v1.Hash != esrV1Hash {
		t.Errorf("esr v1 hash = %s, want %s: a published version must not change", v1.Hash, esrV1Hash)
	}
}

// TestPlausibleNumbers: every number answer is checked against its role's plausible range in
// every version, whether or not the definition sets a max, and no number beyond ±1e12 passes.
func TestPlausibleNumbers(t *testing.T) {
	reg, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		v    float64
		want string // fragment of the English message; "" = accepted
	}{
		{"prof_employees", 0, ""},
		{"prof_employees", 1_000_000, ""},
		{"prof_employees", 1_000_001, "from 0 to 1,000,000"},
		{"prof_employees", 1e308, "from 0 to 1,000,000"},
		{"prof_employees", 12.5, "whole number"},
		{"prof_employees", -1, "from 0 to 1,000,000"},
		{"prof_capital_million_yen", 0.5, ""},
		{"prof_capital_million_yen", 100_000_000, ""},
		{"prof_capital_million_yen", 100_000_000.5, "from 0 to 100,000,000"},
		{"prof_capital_million_yen", 1e308, "from 0 to 100,000,000"},
		{"prof_china_sales_share", 100, ""},
		{"prof_china_sales_share", 100.01, "from 0 to 100"},
		{"prof_china_procurement_share", -0.1, "from 0 to 100"},
	}
	for _, def := range reg.All() {
		for _, tt := range tests {
			errs := def.Validate(questionnaire.Answers{tt.id: tt.v}, questionnaire.Draft, "en")
			var got string
			for _, e := range errs {
				if e.Question == tt.id {
					got = e.Message
				}
			}
			switch {
			case tt.want == "" && got != "":
				t.Errorf("%s v%d: %s = %g rejected: %s", def.ID, def.Version, tt.id, tt.v, got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("%s v%d: %s = %g: message %q, want …%s…", def.ID, def.Version, tt.id, tt.v, got, tt.want)
			}
		}
	}
}

// TestAnyNumberIsBounded: a number question with no max and no role (mini's employees has a
// min only) still takes nothing beyond 1e12.
func TestAnyNumberIsBounded(t *testing.T) {
	d := loadMini(t)
	for v, want := range map[float64]string{
		1e12: "", 1e12 + 1: "from 0 to 1,000,000,000,000", 1e300: "from 0 to 1,000,000,000,000",
	} {
		errs := d.Validate(questionnaire.Answers{"employees": v}, questionnaire.Draft, "en")
		switch {
		case want == "" && errs != nil:
			t.Errorf("%g rejected: %v", v, errs)
		case want != "" && (len(errs) != 1 || errs[0].Question != "employees" || !strings.Contains(errs[0].Message, want)):
			t.Errorf("%g: %v, want employees: …%s…", v, errs, want)
		}
	}
	ja := d.Validate(questionnaire.Answers{"employees": 1e13}, questionnaire.Draft, "ja")
	if len(ja) != 1 || ja[0].Message != "0から1,000,000,000,000までの範囲で入力してください。" {
		t.Errorf("Japanese message: %v", ja)
	}
}

// TestRoleBoundsAtLoad: a definition may narrow a role's plausible range, not widen it.
func TestRoleBoundsAtLoad(t *testing.T) {
	q := func(bounds string) string {
		return strings.Replace(base, "sources: [METI 2024c]\n", "sources: [METI 2024c]\n      - id: n\n        type: number\n        role: employees\n"+
			bounds+"        text: {ja: \"人数\", en: \"Employees\"}\n        sources: [SME Basic Act]\n", 1)
	}
	if _, err := questionnaire.Parse([]byte(q("        min: 0\n        max: 5000\n")), "narrow.yaml"); err != nil {
		t.Errorf("a narrower range is refused: %v", err)
	}
	_, err := questionnaire.Parse([]byte(q("        max: 2000000\n")), "wide.yaml")
	if err == nil || !strings.Contains(err.Error(), `max 2,000,000 is above 1,000,000, the plausible maximum of role "employees"`) {
		t.Errorf("a wider max: %v", err)
	}
	_, err = questionnaire.Parse([]byte(q("        min: -5\n")), "negative.yaml")
	if err == nil || !strings.Contains(err.Error(), `min -5 is below 0`) {
		t.Errorf("a lower min: %v", err)
	}
}
