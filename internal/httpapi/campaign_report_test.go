package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// TestCampaignReportDownload runs a campaign on a real server: fifteen firms invited, twelve of
// them answer (three large firms, fewer than k), and staff download the campaign report in Japanese and English. Read back, each
// shows the title (𠮷 printed as 吉), the chamber, the response rate, a question with a share
// the results API shows, and the suppression note; the score rows of a size band the API
// withholds, and the size bands' cells beside a shown share, print "—" and no number. A filter
// the results refuse is refused alike.
func TestCampaignReportDownload(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	admin := f.tokens[roleAdminA]
	id, _ := ts.createCampaign(t, admin, "𠮷田地区の経済安全保障調査")
	def, _ := testQuestionnaires(t).Latest("esr")
	answered, others := twelveFirms(t, def)
	if up := ts.upload(t, admin, id, invitationsCSV(append(answered, others[:3]...))); up.Added != 15 {
		t.Fatalf("upload: %+v", up)
	}
	links := ts.invitationLinks(t, admin, id)
	for _, firm := range answered {
		ts.answerInvitation(t, links[firm.email], firm.answers, false)
	}
	agg := ts.results(t, admin, id, "").Aggregate
	want := map[string][]string{
		"ja": {"吉田地区の経済安全保障調査", "大阪商工会議所", "80.0%", "招待した15社のうち、回答した企業は12社", "12社", "中小企業基本法", "「—」：回答企業が5社未満"},
		"en": {"吉田地区の経済安全保障調査(en)", "OsakaCCI", "80.0%", "Of15firmsinvitedbytheirownlink,12answered", "SMEBasicAct", "—:withheld,asfewerthan5firms"},
	}
	for _, lang := range []string{"ja", "en"} {
		res, pdf := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+id+"/report.pdf?lang="+lang, admin, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("%s report: %d %s %s", lang, res.StatusCode, res.Header, pdf[:min(len(pdf), 300)])
		}
		text := pdfText(t, pdf, "-layout")
		flat := strings.Join(strings.Fields(text), "")
		for _, w := range append(want[lang], shownShare(t, def, agg, lang)...) {
			if !strings.Contains(flat, w) {
				t.Errorf("the %s report lacks %q", lang, w)
			}
		}
		checkWithheldScores(t, text, agg, lang)
		share := shownShare(t, def, agg, lang)[1]
		if !regexp.MustCompile(regexp.QuoteMeta(share) + `\s+—\s+—\s*(\n|$)`).MatchString(text) {
			t.Errorf("%s: no row shows %s for all firms and — for both size bands", lang, share)
		}
	}
	a, _ := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+id+"/results?sector=nowhere", admin, nil)
	b, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+id+"/report.pdf?sector=nowhere", admin, nil)
	if b.StatusCode == http.StatusOK || b.StatusCode != a.StatusCode {
		t.Errorf("a refused filter: results %d, report %d %s", a.StatusCode, b.StatusCode, body)
	}
}

// twelveFirms returns twelve generated firms, three of them large, so that the large firms'
// cells, and the SMEs' that would give them away, are withheld; and more firms, who do not answer.
func twelveFirms(t *testing.T, def *questionnaire.Definition) (answered, others []generatedFirm) {
	t.Helper()
	large := 0
	for _, g := range generateFirms(t, def, 40) {
		switch {
		case len(answered) == 12 || g.band == "large" && large == 3:
			others = append(others, g)
		default:
			answered = append(answered, g)
			if g.band == "large" {
				large++
			}
		}
	}
	if len(answered) < 12 || large < 3 || len(others) < 3 {
		t.Fatalf("%d firms answering, %d of them large, %d others", len(answered), large, len(others))
	}
	return answered, others
}

// shownShare returns the start of the first single-choice question whose all-firms row shows a
// share above zero, and that share as the report prints it.
func shownShare(t *testing.T, def *questionnaire.Definition, agg scoring.Aggregate, lang string) []string {
	t.Helper()
	for _, qt := range agg.Questions {
		if qt.Type != questionnaire.TypeSingle {
			continue
		}
		for _, sh := range qt.Splits[0].Rows[0].Shares {
			if sh != nil && *sh > 0 {
				q, _ := def.Question(qt.Question)
				text := []rune(strings.Join(strings.Fields(q.Text.In(lang)), ""))
				return []string{string(text[:min(len(text), 20)]), fmt.Sprintf("%.1f%%", *sh)}
			}
		}
	}
	t.Fatal("no single-choice question shows a share")
	return nil
}

// checkWithheldScores: on the score page, the row of every size band whose overall score the API
// does not show (withheld, or not listed) prints "—" and no number. Three large firms are fewer
// than k, so there is one.
func checkWithheldScores(t *testing.T, text string, agg scoring.Aggregate, lang string) {
	t.Helper()
	heading := locale.Get(lang, "report.campaign.scores")
	var page string
	for p := range strings.SplitSeq(text, "\f") {
		if strings.Contains(p, heading) {
			page = p
		}
	}
	shown := map[string]bool{}
	for _, sp := range agg.Scores[0].Splits {
		for _, d := range sp.Rows {
			shown[d.Group] = sp.Dimension == scoring.DimSizeBand && !d.Suppressed
		}
	}
	if shown["large"] {
		t.Fatalf("the large firms' score is shown over three of them: %+v", agg.Scores[0])
	}
	for _, band := range []string{"sme", "large"} {
		if shown[band] {
			continue
		}
		label := locale.Get(lang, "campaign.band."+band)
		for line := range strings.SplitSeq(page, "\n") {
			if strings.Contains(line, label) && (regexp.MustCompile(`\d`).MatchString(line) || !strings.Contains(line, "—")) {
				t.Errorf("%s: the withheld %s row prints %q", lang, band, line)
			}
		}
	}
}
