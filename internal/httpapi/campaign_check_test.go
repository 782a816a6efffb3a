package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

type uploadResult struct {
	Added          int `json:"added"`
	AlreadyInvited int `json:"already_invited"`
	Errors         []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (ts *testServer) upload(t *testing.T, token, campaign, file string) uploadResult {
	t.Helper()
	res, body := ts.do(t, http.MethodPost, "/api/v1/campaigns/"+campaign+"/invitations", token, file)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	var u uploadResult
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// invitationLinks downloads the mail-merge file and returns each firm's token by e-mail.
func (ts *testServer) invitationLinks(t *testing.T, token, campaign string) map[string]string {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/invitations.csv", token, nil)
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("mail-merge file: %d, starts %q", res.StatusCode, body[:min(len(body), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, rec := range recs[1:] {
		var email, tok string
		for _, cell := range rec {
			if strings.Contains(cell, "@") && !strings.Contains(cell, "://") {
				email = cell
			}
			if _, frag, ok := strings.Cut(cell, "/invite#"); ok {
				tok = frag
			}
		}
		links[email] = tok
	}
	return links
}

// answerInvitation answers as a firm through its invitation link: start, save, consent or not,
// submit.
func (ts *testServer) answerInvitation(t *testing.T, invitation string, answers questionnaire.Answers, consent bool) {
	t.Helper()
	res, body := ts.do(t, http.MethodPost, "/api/v1/assessments", "", map[string]string{"invitation": invitation})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("start through the invitation: %d %s", res.StatusCode, body)
	}
	var a struct {
		ID       string `json:"id"`
		Token    string `json:"respondent_token"`
		Campaign string `json:"campaign_id"`
	}
	_ = json.Unmarshal(body, &a)
	if a.Campaign == "" {
		t.Fatalf("a draft started through an invitation names no campaign: %s", body)
	}
	path := "/api/v1/assessments/" + a.ID
	if res, body := ts.do(t, http.MethodPut, path+"/answers", a.Token, map[string]any{"answers": answers, "revision": 0}); res.StatusCode != http.StatusOK {
		t.Fatalf("save: %d %s", res.StatusCode, body)
	}
	if consent {
		if res, body := ts.do(t, http.MethodPut, path+"/consent", a.Token, map[string]bool{"consent": true}); res.StatusCode != http.StatusOK {
			t.Fatalf("consent: %d %s", res.StatusCode, body)
		}
	}
	if res, body := ts.do(t, http.MethodPost, path+"/submit", a.Token, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d %.300s", res.StatusCode, body)
	}
}

func (ts *testServer) checkProgress(t *testing.T, token, campaign string, n int) {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/progress", token, nil)
	var p struct {
		Total struct {
			Invited, Started, Submitted int
			Rate                        *float64
		} `json:"total"`
		Consenting int               `json:"consenting"`
		Pending    []json.RawMessage `json:"pending"`
	}
	if err := json.Unmarshal(body, &p); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("progress: %d %s", res.StatusCode, body)
	}
	if p.Total.Invited != n || p.Total.Submitted != n || p.Total.Rate == nil || *p.Total.Rate != 100 || len(p.Pending) != 0 {
		t.Fatalf("progress after all %d firms answered: %s", n, body)
	}
	if want := (n + 2) / 3; p.Consenting != want {
		t.Errorf("%d consenting firms, want %d", p.Consenting, want)
	}
}

type resultsBody struct {
	Filters   []scoring.Filter  `json:"-"`
	RawFilter []filterBody      `json:"filters"`
	Aggregate scoring.Aggregate `json:"aggregate"`
}

type filterBody struct {
	Dimension string `json:"dimension"`
	Group     string `json:"group"`
}

func (ts *testServer) results(t *testing.T, token, campaign, query string) resultsBody {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/results?"+query, token, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("results?%s: %d %.300s", query, res.StatusCode, body)
	}
	var r resultsBody
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.RawFilter {
		r.Filters = append(r.Filters, scoring.Filter{Dimension: f.Dimension, Group: f.Group})
	}
	return r
}

// groupOf is a firm's group in a dimension.
func groupOf(f generatedFirm, dim string) string {
	switch dim {
	case scoring.DimSizeBand:
		return f.band
	case scoring.DimSector:
		return f.sector
	case scoring.DimPrefecture:
		return f.prefecture
	}
	return scoring.DimAll
}

// hits reports whether an answer counts in a column.
func hits(v any, col string) bool {
	switch x := v.(type) {
	case string:
		return x == col
	case float64:
		return strconv.Itoa(int(x)) == col
	case []any:
		return slices.Contains(x, any(col))
	}
	return false
}

// checkAggregate compares every cell with a count over the generated firms: a shown cell must
// equal it, and a count from 1 to k−1 must not be shown.
func checkAggregate(t *testing.T, def *questionnaire.Definition, agg scoring.Aggregate, firms []generatedFirm, k int) {
	t.Helper()
	shown := 0
	for _, qt := range agg.Questions {
		for _, sp := range qt.Splits {
			for _, row := range sp.Rows {
				answered, counts := 0, make([]int, len(qt.Columns))
				for _, f := range firms {
					v, ok := f.answers[qt.Question]
					if !ok || groupOf(f, sp.Dimension) != row.Group {
						continue
					}
					answered++
					for j, col := range qt.Columns {
						if hits(v, col) {
							counts[j]++
						}
					}
				}
				if row.Answered != nil && *row.Answered != answered {
					t.Errorf("%s %s=%s: answered %d, generated %d", qt.Question, sp.Dimension, row.Group, *row.Answered, answered)
				}
				for j, c := range row.Counts {
					switch {
					case c != nil && *c != counts[j]:
						t.Errorf("%s %s=%s %s: shows %d, generated %d", qt.Question, sp.Dimension, row.Group, qt.Columns[j], *c, counts[j])
					case c != nil:
						shown++
					}
					if c != nil && counts[j] > 0 && counts[j] < k {
						t.Errorf("%s %s=%s %s: a cell of %d firms is shown", qt.Question, sp.Dimension, row.Group, qt.Columns[j], counts[j])
					}
				}
			}
		}
	}
	if shown == 0 {
		t.Fatal("no cell shown at all: the check compared nothing")
	}
}

// split returns the firms a filter selects and the rest.
func split(firms []generatedFirm, f scoring.Filter) (in, out []generatedFirm) {
	for _, x := range firms {
		if groupOf(x, f.Dimension) == f.Group {
			in = append(in, x)
		} else {
			out = append(out, x)
		}
	}
	return in, out
}

// checkComplement: subtracting a filtered view from the whole never gives a count of 1 to k−1.
func checkComplement(t *testing.T, whole, view scoring.Aggregate, k int) {
	t.Helper()
	w := cells(whole)
	for key, v := range cells(view) {
		if x, ok := w[key]; ok && x-v > 0 && x-v < k {
			t.Errorf("%s: the whole view shows %d and the filtered %d: the %d firms outside are exposed", key, x, v, x-v)
		}
	}
}

// cells maps every shown cell of an aggregate to its count.
func cells(a scoring.Aggregate) map[string]int {
	out := map[string]int{}
	for _, qt := range a.Questions {
		for _, sp := range qt.Splits {
			for _, row := range sp.Rows {
				for j, c := range row.Counts {
					if c != nil {
						out[qt.Question+"|"+sp.Dimension+"|"+row.Group+"|"+qt.Columns[j]] = *c
					}
				}
			}
		}
	}
	return out
}

// checkRefusedFilters asks for every group that is not offered and expects it refused with no
// numbers.
func (ts *testServer) checkRefusedFilters(t *testing.T, token, campaign string, firms []generatedFirm, offered []scoring.Filter) {
	t.Helper()
	refused := 0
	for _, dim := range []string{scoring.DimSector, scoring.DimPrefecture} {
		groups := map[string]bool{}
		for _, f := range firms {
			groups[groupOf(f, dim)] = true
		}
		for g := range groups {
			if slices.Contains(offered, scoring.Filter{Dimension: dim, Group: g}) {
				continue
			}
			refused++
			res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/results?"+dim+"="+url.QueryEscape(g), token, nil)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "filter_too_small") || strings.Contains(string(body), "aggregate") {
				t.Errorf("filter %s=%s (not offered): %d %.200s", dim, g, res.StatusCode, body)
			}
		}
	}
	if refused == 0 {
		t.Error("every group was offered as a filter: the generated campaign has no small group to test refusal with")
	}
}

// checkResultsCSV downloads the answers table as CSV and checks that Excel in Japan would open
// it (UTF-8 with BOM, CRLF), with the Japanese columns, and that every count equals the
// results' cell of the same question, group and answer: a suppressed cell reads 秘匿, never 0.
func (ts *testServer) checkResultsCSV(t *testing.T, token, campaign string, agg scoring.Aggregate) {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/results.csv?lang=ja", token, nil)
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) || !bytes.Contains(body, []byte("\r\n")) {
		t.Fatalf("results.csv: %d, starts %q", res.StatusCode, body[:min(len(body), 12)])
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"設問ID", "設問", "集計区分", "グループ", "回答", "企業数", "割合（%）", "回答企業数"}
	if !slices.Equal(recs[0], want) {
		t.Fatalf("columns %q, want %q", recs[0], want)
	}
	hidden, shown := 0, 0
	for _, r := range recs[1:] {
		switch r[5] {
		case "秘匿":
			hidden++
		default:
			if _, err := strconv.Atoi(r[5]); err != nil {
				t.Fatalf("count %q is neither a number nor 秘匿: %q", r[5], r)
			}
			shown++
		}
	}
	if total := len(cells(agg)); shown != total || hidden == 0 {
		t.Errorf("the CSV shows %d counts and hides %d; the results show %d", shown, hidden, len(cells(agg)))
	}
}

// checkResultsXLSX reads the workbook back: both tables, with their headers.
func (ts *testServer) checkResultsXLSX(t *testing.T, token, campaign string) {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/results.xlsx?lang=en", token, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("results.xlsx: %d", res.StatusCode)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.GetSheetList(); !slices.Equal(got, []string{"Answers", "Scores"}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := wb.GetRows("Answers")
	if err != nil || len(rows) < 100 || rows[0][0] != "Question id" || rows[0][5] != "Firms" {
		t.Fatalf("the Answers sheet: %d rows, header %q, %v", len(rows), rows[0], err)
	}
}

// checkConsented: the individual answers export holds the consenting firms, and no other.
func (ts *testServer) checkConsented(t *testing.T, token, campaign string, firms []generatedFirm) {
	t.Helper()
	res, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+campaign+"/responses.csv", token, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("responses.csv: %d", res.StatusCode)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range recs[1:] {
		got[r[1]] = true
	}
	for i, f := range firms {
		if consented := i%3 == 0; got[f.email] != consented {
			t.Errorf("%s (consent %v) in the individual answers: %v", f.email, consented, got[f.email])
		}
	}
}
