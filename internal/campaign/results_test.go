package campaign_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
	"github.com/esready/esready/internal/store/storetest"
)

// TestResultsOfRowsWithoutCodes: a campaign whose rows were written partly before choice codes
// (their choices only) shows the same tables as the same firms all with codes; codes that are
// not of the campaign's questionnaire version are an error, not a table without answers.
func TestResultsOfRowsWithoutCodes(t *testing.T) {
	ctx := context.Background()
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	def, _ := defs.Latest("esr")
	st := storetest.SQLite(t)
	for _, id := range []string{"coded", "mixed", "bad"} {
		c := campaign.Campaign{ID: id, ChamberID: "osaka", QuestionnaireID: def.ID, Version: def.Version, TitleJA: "t",
			TitleEN: "t", K: 5, CreatedAt: time.Now()}
		if err := st.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(*assessment.Submission) {}
	old := func(r *assessment.Submission) { r.Codes = nil }
	for i, a := range varied(t, def, 60) {
		submitFirm(t, st, def, "coded", fmt.Sprintf("c%02d", i), a, keep)
		edit := keep
		if i%2 == 0 {
			edit = old
		}
		submitFirm(t, st, def, "mixed", fmt.Sprintf("m%02d", i), a, edit)
	}
	submitFirm(t, st, def, "bad", "b", varied(t, def, 1)[0], func(r *assessment.Submission) { r.Codes = []byte{1, 2} })

	svc, err := campaign.NewService(st, st, defs, time.Now, campaign.Options{InviteKey: benchKey})
	if err != nil {
		t.Fatal(err)
	}
	who := auth.Principal{UserID: "u", Role: auth.RoleAnalyst, ChamberID: "osaka"}
	results := func(id string) (string, []scoring.Filter) {
		t.Helper()
		res, err := svc.Results(ctx, who, id, scoring.Filter{})
		if err != nil || res.Aggregate.N != 60 {
			t.Fatalf("Results(%s) = %d firms, %v", id, res.Aggregate.N, err)
		}
		b, _ := json.Marshal(res.Aggregate)
		return string(b), res.Filters
	}
	coded, codedFilters := results("coded")
	mixed, mixedFilters := results("mixed")
	if d := cmp.Diff(coded, mixed); d != "" {
		t.Errorf("tables with half the rows without codes (-all coded +mixed):\n%s", d)
	}
	if d := cmp.Diff(codedFilters, mixedFilters); d != "" {
		t.Errorf("filters (-all coded +mixed):\n%s", d)
	}
	if _, err := svc.Results(ctx, who, "bad", scoring.Filter{}); err == nil {
		t.Error("Results of a campaign with a row's codes cut short: no error")
	}
}
