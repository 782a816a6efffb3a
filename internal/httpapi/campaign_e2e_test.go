package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// generatedFirm is one firm of the end-to-end campaign and what it answered.
type generatedFirm struct {
	name, email string
	answers     questionnaire.Answers
	band        string // sme or large, as the campaign splits
	sector      string
	prefecture  string
}

// generateFirms makes n valid, varied firms from the example answer sets: every scale answer
// at random, industry, size and prefecture skewed so that some groups are small.
func generateFirms(t *testing.T, def *questionnaire.Definition, n int) []generatedFirm {
	t.Helper()
	var bases []questionnaire.Answers
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm", "domestic-services", "foreign-shareholder"} {
		raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var a questionnaire.Answers
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		bases = append(bases, a)
	}
	industry, _ := def.RoleQuestion(questionnaire.RoleIndustry)
	prefs := []string{"JP-13", "JP-13", "JP-13", "JP-27", "JP-27", "JP-23", "JP-01", "JP-47"}
	rng := rand.New(rand.NewPCG(2026, 1201))
	firms := make([]generatedFirm, 0, n)
	for i := 0; len(firms) < n; i++ {
		a := maps.Clone(bases[rng.IntN(len(bases))])
		for _, q := range def.Questions() {
			if _, ok := a[q.ID]; ok && q.Type == questionnaire.TypeScale {
				a[q.ID] = float64(rng.IntN(questionnaire.ScaleMax + 1))
			}
		}
		// Industries skewed: most firms in the first three, a few in the rest.
		k := rng.IntN(3)
		if rng.IntN(10) == 0 {
			k = rng.IntN(len(industry.Options))
		}
		a[industry.ID] = industry.Options[k].ID
		a[def.RoleID(questionnaire.RoleEmployees)] = float64(1 + rng.IntN(1500))
		a[def.RoleID(questionnaire.RoleCapital)] = float64(1 + rng.IntN(1000))
		a[def.RoleID(questionnaire.RolePrefecture)] = prefs[rng.IntN(len(prefs))]
		if def.Validate(a, questionnaire.Submit, "en") != nil {
			continue
		}
		r := scoring.Score(def, a)
		band := r.SizeBand
		if band == "small_scale" {
			band = "sme"
		}
		firms = append(firms, generatedFirm{name: fmt.Sprintf("株式会社テスト%03d", i), email: fmt.Sprintf("firm%03d@example.jp", i),
			answers: a, band: band, sector: r.Sector, prefecture: r.Prefecture})
	}
	return firms
}

// invitationsCSV is the file a chamber uploads: the firms, and one bad row at line 3.
func invitationsCSV(firms []generatedFirm) string {
	var b strings.Builder
	b.WriteString("企業名,メールアドレス,都道府県\r\n")
	for i, f := range firms {
		if i == 1 {
			b.WriteString("株式会社不正,not-an-address,東京都\r\n")
		}
		fmt.Fprintf(&b, "%s,%s,\r\n", f.name, f.email)
	}
	return b.String()
}

// TestCampaignEndToEnd runs a campaign on a real server: a chamber invites 300 generated firms
// by CSV, each answers through its link, and the aggregates the API serves equal the generated
// distribution exactly where shown, with every small cell and its complements suppressed.
func TestCampaignEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	admin := f.tokens[roleAdminA]
	def, _ := testQuestionnaires(t).Latest("esr")
	firms := generateFirms(t, def, 300)

	up := ts.upload(t, admin, f.campaign, invitationsCSV(firms))
	if up.Added != 300 || len(up.Errors) != 1 || up.Errors[0].Line != 3 || up.Errors[0].Field != "email" {
		t.Fatalf("upload: %+v", up)
	}
	if again := ts.upload(t, admin, f.campaign, invitationsCSV(firms)); again.Added != 0 || again.AlreadyInvited != 300 {
		t.Fatalf("uploading the same file again invited firms twice: %+v", again)
	}
	links := ts.invitationLinks(t, admin, f.campaign)
	if len(links) != 300 {
		t.Fatalf("%d links, want 300", len(links))
	}
	for i, firm := range firms {
		ts.answerInvitation(t, links[firm.email], firm.answers, i%3 == 0)
	}
	ts.checkProgress(t, admin, f.campaign, 300)
	whole := ts.results(t, admin, f.campaign, "")
	checkAggregate(t, def, whole.Aggregate, firms, 5)
	if len(whole.Filters) == 0 {
		t.Fatal("no filter offered over 300 firms")
	}
	for _, flt := range whole.Filters {
		sub, rest := split(firms, flt)
		if len(sub) < 5 || len(rest) < 5 {
			t.Errorf("filter %v offered with %d firms in it and %d outside", flt, len(sub), len(rest))
		}
		view := ts.results(t, admin, f.campaign, flt.Dimension+"="+flt.Group)
		checkAggregate(t, def, view.Aggregate, sub, 5)
		checkComplement(t, whole.Aggregate, view.Aggregate, 5)
	}
	ts.checkRefusedFilters(t, admin, f.campaign, firms, whole.Filters)
	ts.checkResultsCSV(t, admin, f.campaign, whole.Aggregate)
	ts.checkResultsXLSX(t, admin, f.campaign)
	ts.checkConsented(t, admin, f.campaign, firms)
}
