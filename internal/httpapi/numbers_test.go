package httpapi_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/questionnaire"
)

// TestNumberBoundsAtSave: an implausible number (1e308 employees, capital beyond ¥100 trillion)
// is refused when a draft is saved, on version 1 (which sets no max and must not change) as on
// version 2, with the question named, and the stored draft stays as it was.
func TestNumberBoundsAtSave(t *testing.T) {
	ts := startServer(t, nil)
	for _, version := range []int{1, 2} {
		_, body := ts.call(t, "POST", "/api/v1/assessments", "", map[string]any{"questionnaire_id": "esr", "version": version, "lang": "en"})
		id, token := body["id"].(string), body["respondent_token"].(string)
		if q, _ := body["questionnaire"].(map[string]any); q["version"] != float64(version) {
			t.Fatalf("created %v, want version %d", body["questionnaire"], version)
		}
		if st, b := ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":0,"answers":{"prof_employees":40}}`); st != 200 {
			t.Fatalf("v%d: a plausible answer: %d %v", version, st, b)
		}
		before := ts.snapshot(t, id, token)
		for _, tt := range []struct{ answers, path string }{
			{`{"prof_employees":1e308}`, "prof_employees"},
			{`{"prof_employees":1000001}`, "prof_employees"},
			{`{"prof_employees":12.5}`, "prof_employees"},
			{`{"prof_capital_million_yen":100000001}`, "prof_capital_million_yen"},
			{`{"prof_capital_million_yen":-1}`, "prof_capital_million_yen"},
			{`{"prof_china_sales_share":101}`, "prof_china_sales_share"},
		} {
			st, b := ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":1,"answers":`+tt.answers+`}`)
			if st != 422 || errorCode(b) != "validation_failed" || !cmp.Equal(errorPaths(b), []string{tt.path}) {
				t.Errorf("v%d %s: %d %v, want 422 naming %s", version, tt.answers, st, b, tt.path)
			}
		}
		if d := cmp.Diff(before, ts.snapshot(t, id, token)); d != "" {
			t.Errorf("v%d: a refused save changed the draft (-before +after):\n%s", version, d)
		}
	}
}

// TestNumberBoundsAtSubmit: a draft stored before the bounds existed, holding 1e308 employees,
// is refused at submission with the question named, and stays an unchanged draft.
func TestNumberBoundsAtSubmit(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.draftExample(t, "small-sme")
	raw, err := os.ReadFile("../../examples/answers/small-sme.json")
	if err != nil {
		t.Fatal(err)
	}
	var answers questionnaire.Answers
	if err := json.Unmarshal(raw, &answers); err != nil {
		t.Fatal(err)
	}
	answers["prof_employees"] = 1e308
	// Written to the store directly, as an older release would have accepted it.
	if err := ts.Store.SaveDraft(context.Background(), id, 1, answers, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	before := ts.snapshot(t, id, token)
	st, b := ts.call(t, "POST", "/api/v1/assessments/"+id+"/submit", token, nil)
	if st != 422 || errorCode(b) != "validation_failed" || !cmp.Equal(errorPaths(b), []string{"prof_employees"}) {
		t.Errorf("submit: %d %v, want 422 naming prof_employees", st, b)
	}
	if d := cmp.Diff(before, ts.snapshot(t, id, token)); d != "" {
		t.Errorf("a refused submission changed the draft (-before +after):\n%s", d)
	}
	if st, b := ts.call(t, "GET", "/api/v1/assessments/"+id+"/result", token, nil); st != 409 || errorCode(b) != "not_submitted" {
		t.Errorf("result after the refused submission: %d %v", st, b)
	}
}
