package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/httpapi"
)

// renders counts the renders of each kind, and can hold every report render in its slot until
// released.
type renders struct {
	mu      sync.Mutex
	n       map[string]int
	hold    bool
	entered chan struct{}
	release chan struct{}
}

func newRenders() *renders {
	return &renders{n: map[string]int{}, entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (r *renders) observe(kind string) {
	r.mu.Lock()
	r.n[kind]++
	hold := r.hold && kind == "report"
	r.mu.Unlock()
	if hold {
		r.entered <- struct{}{}
		<-r.release
	}
}

func (r *renders) count(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[kind]
}

// submitted creates, fills and submits an assessment of esr with an example firm's answers and
// returns its id and credential.
func (ts *testServer) submitted(t testing.TB, example string) (string, string) {
	t.Helper()
	raw, err := os.ReadFile("../../examples/answers/" + example + ".json")
	if err != nil {
		t.Fatal(err)
	}
	r := ts.send(t, "POST", "/api/v1/assessments", "", "", `{"questionnaire_id":"esr"}`)
	id, token := jsonField(t, r.body, "id"), jsonField(t, r.body, "respondent_token")
	if r := ts.send(t, "PUT", "/api/v1/assessments/"+id+"/answers", "", token, `{"revision":0,"answers":`+string(raw)+`}`); r.status != http.StatusOK {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if r := ts.send(t, "POST", "/api/v1/assessments/"+id+"/submit", "", token, ""); r.status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	return id, token
}

// TestRenderBusy fills the one render slot with a report held in it: another report or
// workbook waits the short render wait and gets 503 busy with Retry-After, while everything
// that does not render (the result, the blank checklist from memory, new drafts) still works;
// once the slot is free, both renders succeed.
func TestRenderBusy(t *testing.T) {
	rs := newRenders()
	rs.hold = true
	ts := startServerWith(t, nil, func(d *httpapi.Deps) {
		d.Render = httpapi.RenderOptions{Slots: 1, Wait: 20 * time.Millisecond, Observe: rs.observe}
	})
	id, token := ts.submitted(t, "small-sme")
	report := "/api/v1/assessments/" + id + "/report.pdf"

	held := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", ts.URL+report+"?lang=ja", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			held <- 0
			return
		}
		res.Body.Close()
		held <- res.StatusCode
	}()
	<-rs.entered

	wantRetryLater(t, ts.send(t, "GET", report+"?lang=en", "", token, ""), http.StatusServiceUnavailable, "busy", "1", "busy preparing")
	wantRetryLater(t, ts.send(t, "GET", "/api/v1/assessments/"+id+"/checklist.xlsx", "", token, ""),
		http.StatusServiceUnavailable, "busy", "1", "混み合って")
	for _, path := range []string{"/api/v1/assessments/" + id + "/result", "/api/v1/checklist.xlsx?lang=en", "/healthz"} {
		if r := ts.send(t, "GET", path, "", token, ""); r.status != http.StatusOK {
			t.Errorf("GET %s while rendering is busy: %d %s", path, r.status, r.body)
		}
	}
	if r := ts.send(t, "POST", "/api/v1/assessments", "", "", createMini); r.status != http.StatusCreated {
		t.Errorf("create while rendering is busy: %d", r.status)
	}

	rs.mu.Lock()
	rs.hold = false
	rs.mu.Unlock()
	close(rs.release)
	if status := <-held; status != http.StatusOK {
		t.Errorf("the held report: %d", status)
	}
	if r := ts.send(t, "GET", report+"?lang=en", "", token, ""); r.status != http.StatusOK {
		t.Errorf("the refused report once the slot is free: %d %s", r.status, r.body)
	}
}

// TestReportCache: a repeated download is byte-identical and not rendered again; a change of
// language, firm name or benchmark renders anew; the firm name reaches no log.
func TestReportCache(t *testing.T) {
	rs := newRenders()
	ts := startServerWith(t, nil, func(d *httpapi.Deps) { d.Render.Observe = rs.observe })
	id, token := ts.submitted(t, "small-sme")
	firm := "株式会社キャッシュ試験"
	get := func(lang, firm string) []byte {
		t.Helper()
		r := ts.send(t, "GET", "/api/v1/assessments/"+id+"/report.pdf?lang="+lang+"&firm="+url.QueryEscape(firm), "", token, "")
		if r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
			t.Fatalf("report: %d %s", r.status, r.body)
		}
		return r.body
	}
	first := get("ja", firm)
	for range 3 {
		if !bytes.Equal(get("ja", firm), first) {
			t.Fatal("a repeated download differs")
		}
	}
	if n := rs.count("report"); n != 1 {
		t.Errorf("four downloads of one report rendered %d times, want 1", n)
	}
	get("en", firm)
	get("ja", "別の会社")
	if n := rs.count("report"); n != 3 {
		t.Errorf("another language and another firm: %d renders, want 3", n)
	}

	// Peers of the same size join: the report is rendered again exactly when the result it
	// shows (its benchmark) changed, and never served stale.
	benchmark := func() string {
		r := ts.send(t, "GET", "/api/v1/assessments/"+id+"/result", "", token, "")
		var res struct{ Benchmark json.RawMessage }
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != http.StatusOK {
			t.Fatalf("result: %d %s", r.status, r.body)
		}
		return string(res.Benchmark)
	}
	before := benchmark()
	for range 3 {
		ts.submitted(t, "small-sme")
	}
	changed := benchmark() != before
	again := get("ja", firm)
	switch {
	case changed && (bytes.Equal(again, first) || rs.count("report") != 4):
		t.Errorf("the benchmark changed: %d renders, want 4 and a new report", rs.count("report"))
	case !changed && (!bytes.Equal(again, first) || rs.count("report") != 3):
		t.Errorf("the benchmark did not change: %d renders, want 3 and the cached report", rs.count("report"))
	}

	for range 2 {
		if r := ts.send(t, "GET", "/api/v1/assessments/"+id+"/checklist.xlsx", "", token, ""); r.status != http.StatusOK {
			t.Fatalf("workbook: %d", r.status)
		}
	}
	if n := rs.count("checklist"); n != 1 {
		t.Errorf("two downloads of one workbook rendered %d times, want 1", n)
	}
	if strings.Contains(ts.Log.String(), firm) || strings.Contains(ts.Log.String(), url.QueryEscape(firm)) {
		t.Error("the firm name is in the log")
	}
}

// TestBlankChecklistRenderedOnce: the blank checklists are rendered at start-up, one per
// language, and every download is served from memory.
func TestBlankChecklistRenderedOnce(t *testing.T) {
	rs := newRenders()
	ts := startServerWith(t, nil, func(d *httpapi.Deps) { d.Render.Observe = rs.observe })
	atStart := rs.count("blank checklist")
	if atStart != 2 { // esr, in Japanese and English; mini has no checklist
		t.Errorf("blank checklists rendered at start-up: %d, want 2", atStart)
	}
	bodies := map[string][]byte{}
	for i := range 6 {
		lang := []string{"ja", "en"}[i%2]
		r := ts.send(t, "GET", "/api/v1/checklist.xlsx?lang="+lang, "", "", "")
		if r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte("PK")) ||
			r.header.Get("Content-Disposition") != `attachment; filename="esready-checklist-blank-`+lang+`.xlsx"` {
			t.Fatalf("blank %s: %d %v", lang, r.status, r.header)
		}
		if prev, ok := bodies[lang]; ok && !bytes.Equal(prev, r.body) {
			t.Errorf("blank %s differs between downloads", lang)
		}
		bodies[lang] = r.body
	}
	if bytes.Equal(bodies["ja"], bodies["en"]) {
		t.Error("the Japanese and English blank checklists are the same")
	}
	if n := rs.count("blank checklist"); n != atStart {
		t.Errorf("six downloads rendered the blank checklist %d more times", n-atStart)
	}
	if r := ts.send(t, "GET", "/api/v1/checklist.xlsx?questionnaire=mini", "", "", ""); r.status != http.StatusNotFound {
		t.Errorf("blank checklist of a questionnaire without rules: %d", r.status)
	}
}

// BenchmarkReportDownload is one report download over loopback: rendered (a new firm name each
// time misses the cache) and from the cache.
func BenchmarkReportDownload(b *testing.B) {
	ts := startServerWith(b, nil, nil)
	id, token := ts.submitted(b, "large-firm")
	path := "/api/v1/assessments/" + id + "/report.pdf?lang=ja&firm="
	b.Run("rendered", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if r := ts.send(b, "GET", path+fmt.Sprint(i), "", token, ""); r.status != http.StatusOK {
				b.Fatal(r.status)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if r := ts.send(b, "GET", path+"cached", "", token, ""); r.status != http.StatusOK {
				b.Fatal(r.status)
			}
		}
	})
}
