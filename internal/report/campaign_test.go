package report_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/report"
)

func ptr[T any](v T) *T { return &v }

// campaignInput is a hand-built campaign of 23 firms: 17 SMEs and 6 large firms, a chamber
// whose name has a character beyond the font (𠮷), a few cells suppressed, and one question
// whose long text and answers must wrap.
func campaignInput(lang string) report.CampaignInput {
	groups := func(all, sme, large []*float64) []report.GroupShares {
		return []report.GroupShares{
			{Label: map[string]string{"ja": "全体", "en": "All firms"}[lang], Answered: ptr(23), Shares: all},
			{Label: map[string]string{"ja": "中小企業（小規模事業者を含む）", "en": "SMEs (small-scale firms included)"}[lang], Answered: ptr(17), Shares: sme},
			{Label: map[string]string{"ja": "大企業", "en": "Large firms"}[lang], Answered: nil, Shares: large},
		}
	}
	long := map[string]string{
		"ja": "調達・営業・研究開発・情報システム・人事・輸出管理・法務などの関係部門が連携して、経済安全保障に取り組む仕組みがありますか。最も近いものを一つ選んでください。",
		"en": "Do procurement, sales, R&D, IT, HR, export control and legal work together on economic security? Choose the closest of the following descriptions of how your firm works today.",
	}[lang]
	answers := map[string][]string{
		"ja": {"部門横断の会議体（小規模企業では定例の幹部会議の議題でも可）を定期的に開き、役割分担を文書化している", "個別に対応している", "わからない", "該当しない"},
		"en": {"A cross-departmental meeting (in a small firm, a standing item of the regular management meeting) is held regularly, and roles are set out in writing", "Case by case", "Don't know", "Not applicable"},
	}[lang]
	return report.CampaignInput{
		Lang: lang, Title: map[string]string{"ja": "経済安全保障に関する会員企業調査2026", "en": "Member survey on economic security 2026"}[lang],
		Chamber: "𠮷田商工会議所",
		Opens:   time.Date(2026, 10, 1, 0, 0, 0, 0, report.Japan), Closes: time.Date(2026, 11, 1, 0, 0, 0, 0, report.Japan),
		Date: reportDay, K: 5, N: 23,
		Turnout: report.Turnout{Invited: 40, Submitted: 19, Rate: ptr(47.5), Open: 4},
		Scores: []report.ScoreSummary{
			{Label: map[string]string{"ja": "総合スコア", "en": "Overall score"}[lang], Groups: []report.ScoreGroup{
				{Label: "All", N: ptr(23), Mean: ptr(48.3), Q1: ptr(31.0), Median: ptr(47.5), Q3: ptr(66.2)},
				{Label: "SME", N: ptr(17), Mean: ptr(41.9), Q1: ptr(28.0), Median: ptr(40.5), Q3: ptr(55.0)},
				{Label: "Large"},
			}},
		},
		Sections: []report.CampaignSection{{Title: map[string]string{"ja": "ガバナンス", "en": "Governance"}[lang], Questions: []report.QuestionTable{
			{Text: long, Answers: answers, Groups: groups(
				[]*float64{ptr(56.5), ptr(34.8), nil, ptr(0.0)},
				[]*float64{ptr(52.9), nil, nil, ptr(0.0)},
				[]*float64{nil, nil, nil, ptr(0.0)})},
			{Text: "Q", Multi: true, Answers: []string{"A", "B"}, Groups: groups(
				[]*float64{ptr(73.9), ptr(43.5)}, []*float64{ptr(70.6), ptr(41.2)}, []*float64{nil, nil})},
		}}},
	}
}

// campaignPages renders in and returns the text of each page, read back with pdftotext, and
// the PDF's path.
func campaignPages(t *testing.T, in report.CampaignInput) ([]string, string) {
	t.Helper()
	pdftotext := tool(t, "pdftotext")
	var buf bytes.Buffer
	if err := report.CampaignReport(&buf, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "campaign-"+in.Lang+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f"), path
}

// TestCampaignReport renders the campaign report in both languages and reads it back: the
// title, the chamber's name with 𠮷 printed as 吉, the response rate, the method, the scores and
// shares shown, every suppressed cell as "—", never as a number, and no character the font lacks.
func TestCampaignReport(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			in := campaignInput(lang)
			ps, _ := campaignPages(t, in)
			if len(ps) < 4 {
				t.Fatalf("%d pages, want a cover, the method, the scores and the results", len(ps))
			}
			flat := strings.Join(strings.Fields(strings.Join(ps, "\n")), "")
			want := map[string][]string{
				"ja": {"経済安全保障に関する会員企業調査2026", "吉田商工会議所", "回答率", "47.5%", "招待した40社のうち、回答した企業は19社", "2026年10月1日～2026年10月31日",
					"中小企業基本法第2条", "本調査では5社", "個々の企業の回答は一切含まれていません", "「—」：回答企業が5社未満", "56.5%", "52.9%", "48.3", "66.2",
					"選んだ企業がなかった回答：該当しない", "※複数回答", "表示できない文字", "2026年11月20日"},
				"en": {"Membersurveyoneconomicsecurity2026", "吉田商工会議所", "Responserate", "47.5%", "Of40firmsinvitedbytheirownlink,19answered", "2026-10-01to2026-10-31",
					"SMEBasicAct,Article2", "kis5", "neverContainsanindividualfirm'sanswers", "—:withheld,asfewerthan5firms", "56.5%", "52.9%", "48.3", "66.2",
					"Chosenbynofirm:Notapplicable", "Severalanswersallowed", "printedintheircommonform", "2026-11-20"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(strings.ToLower(flat), strings.ToLower(w)) {
					t.Errorf("the report lacks %q", w)
				}
			}
			if strings.Contains(flat, "𠮷") || strings.Contains(flat, "0.0%") {
				t.Error("the report prints 𠮷, or an answer no firm chose as a row of zeros")
			}
			checkSuppressed(t, ps, in)
			checkGlyphs(t, ps)
			if lang == "en" {
				rest := strings.ReplaceAll(flat, "吉田商工会議所", "")
				if i := strings.IndexFunc(rest, isJapanese); i >= 0 {
					t.Errorf("the English report prints Japanese: %q", rest[max(0, i-40):min(len(rest), i+40)])
				}
			}
		})
	}
}

// checkSuppressed finds the row of the first question's second answer (all firms 34.8%, SMEs
// and large firms suppressed) and the large firms' score row: each suppressed cell prints "—",
// and no number stands where one was withheld.
func checkSuppressed(t *testing.T, ps []string, in report.CampaignInput) {
	t.Helper()
	answer := in.Sections[0].Questions[0].Answers[1]
	rowOf := func(prefix string) string {
		for _, p := range ps {
			for line := range strings.SplitSeq(p, "\n") {
				if strings.Contains(strings.Join(strings.Fields(line), ""), strings.Join(strings.Fields(prefix), "")) {
					return line
				}
			}
		}
		t.Fatalf("no line starts with %q", prefix)
		return ""
	}
	row := rowOf(answer)
	if got := regexp.MustCompile(`\d+\.\d%|—`).FindAllString(row, -1); fmt.Sprint(got) != "[34.8% — —]" {
		t.Errorf("row %q shows %v, want [34.8%% — —]", row, got)
	}
	large := rowOf("Large")
	if got := regexp.MustCompile(`\d+(\.\d)?|—`).FindAllString(large, -1); fmt.Sprint(got) != "[— — — — —]" {
		t.Errorf("large firms' score row %q shows %v, want five —", large, got)
	}
}

// TestCampaignReportReproducible: one input gives the same bytes (the date is pinned), and a
// campaign with fewer than k firms says so instead of drawing tables of "—".
func TestCampaignReportReproducible(t *testing.T) {
	in := campaignInput("ja")
	var a, b bytes.Buffer
	if err := report.CampaignReport(&a, in); err != nil {
		t.Fatal(err)
	}
	if err := report.CampaignReport(&b, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of one input differ")
	}
	in.N = 3
	ps, _ := campaignPages(t, in)
	if flat := strings.Join(strings.Fields(strings.Join(ps, "")), ""); !strings.Contains(flat, "回答企業がまだ5社未満") || strings.Contains(flat, "56.5") {
		t.Error("a campaign of 3 firms does not say that fewer than k answered")
	}
}

// TestCampaignReportFilter: a report of one sector names it on the cover and atop every page,
// and says that the response rate is the whole survey's.
func TestCampaignReportFilter(t *testing.T) {
	in := campaignInput("en")
	in.Filter = report.CampaignFilter{Dimension: "Sector", Group: "Manufacturing"}
	ps, _ := campaignPages(t, in)
	for i, p := range ps {
		if !strings.Contains(p, "Sector: Manufacturing") {
			t.Errorf("page %d does not name the filter", i+1)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(ps[0]), " "), "The response rate and invitations are those of the whole survey") {
		t.Error("the cover does not say that the response rate is the whole survey's")
	}
}
