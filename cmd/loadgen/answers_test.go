package main

import (
	"testing"

	"github.com/esready/esready/internal/questionnaire"
)

// The load must be made of answers the server accepts, spread over the size bands, or the
// benchmark would measure 422s or one cohort only.
func TestVariantsAreValidAndVaried(t *testing.T) {
	def, vs, err := loadVariants("../../examples/answers")
	if err != nil {
		t.Fatal(err)
	}
	bands := map[string]bool{}
	for i, v := range vs {
		for j, a := range v.saves {
			mode := questionnaire.Draft
			if j == len(v.saves)-1 {
				mode = questionnaire.Submit
			}
			if errs := def.Validate(a, mode, "en"); errs != nil {
				t.Errorf("variant %d, save %d: %v", i, j+1, errs)
			}
		}
		if len(v.saves[0]) >= len(v.saves[1]) || len(v.saves[1]) >= len(v.saves[2]) {
			t.Errorf("variant %d: saves of %d, %d, %d answers do not grow", i, len(v.saves[0]), len(v.saves[1]), len(v.saves[2]))
		}
		bands[v.result.SizeBand] = true
	}
	if len(bands) != 3 {
		t.Errorf("size bands %v, want all three", bands)
	}
	// The seed is fixed, so two runs load the server with the same answers.
	_, again, _ := loadVariants("../../examples/answers")
	if string(again[5].encoded[2]) != string(vs[5].encoded[2]) {
		t.Error("the variants differ between two runs")
	}
}
