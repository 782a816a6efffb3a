package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/scoring"
)

// call sends a JSON request and decodes the JSON response.
func (ts *testServer) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: response is not JSON: %s", method, path, raw)
		}
	}
	return res.StatusCode, out
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func errorPaths(body map[string]any) []string {
	e, _ := body["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	var out []string
	for _, f := range fields {
		out = append(out, f.(map[string]any)["path"].(string))
	}
	return out
}

// create starts a draft of mini.yaml and returns its id and credential.
func (ts *testServer) create(t *testing.T) (string, string) {
	t.Helper()
	status, body := ts.call(t, "POST", "/api/v1/assessments", "", map[string]any{"questionnaire_id": "mini", "lang": "en"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	id, _ := body["id"].(string)
	token, _ := body["respondent_token"].(string)
	if id == "" || len(token) < 40 {
		t.Fatalf("create returned id %q token %q", id, token)
	}
	return id, token
}

const miniComplete = `{
  "industry": "manufacturing", "employees": 45, "materials": ["magnets"],
  "shares": {"magnets": {"CN": 90, "JP": 10}}, "exports": "yes", "gov_owner": 2, "gov_cp": 3
}`

func TestAssessmentLifecycle(t *testing.T) {
	ts := startServer(t, nil)

	status, body := ts.call(t, "POST", "/api/v1/assessments", "", map[string]any{"questionnaire_id": "mini", "lang": "ja"})
	if status != 201 || body["revision"].(float64) != 0 || body["status"] != "draft" {
		t.Fatalf("create: %d %v", status, body)
	}
	q := body["questionnaire"].(map[string]any)
	if q["id"] != "mini" || q["version"].(float64) != 1 || !strings.HasPrefix(q["hash"].(string), "sha256:") {
		t.Errorf("questionnaire = %v", q)
	}
	id, token := body["id"].(string), body["respondent_token"].(string)
	path := "/api/v1/assessments/" + id

	// Nobody without the credential learns that the draft exists.
	for _, tok := range []string{"", "wrong-token", token + "x"} {
		if status, body := ts.call(t, "GET", path, tok, nil); status != 404 || errorCode(body) != "not_found" {
			t.Errorf("GET with token %q: %d %v", tok, status, body)
		}
		if status, _ := ts.call(t, "PUT", path+"/answers", tok, `{"answers":{},"revision":0}`); status != 404 {
			t.Errorf("PUT with token %q: %d", tok, status)
		}
	}
	if status, _ := ts.call(t, "GET", "/api/v1/assessments/doesnotexist", token, nil); status != 404 {
		t.Errorf("GET of another id with a valid token: %d", status)
	}

	status, body = ts.call(t, "GET", path, token, nil)
	if status != 200 || body["status"] != "draft" || body["lang"] != "ja" || len(body["answers"].(map[string]any)) != 0 {
		t.Fatalf("GET: %d %v", status, body)
	}

	// Save a partial draft, then a second one.
	status, body = ts.call(t, "PUT", path+"/answers", token, `{"answers":{"industry":"retail"},"revision":0}`)
	if status != 200 || body["revision"].(float64) != 1 {
		t.Fatalf("save 1: %d %v", status, body)
	}
	// A second device still at revision 0 is told, and overwrites nothing.
	status, body = ts.call(t, "PUT", path+"/answers", token, `{"answers":{"industry":"manufacturing"},"revision":0}`)
	if status != 409 || errorCode(body) != "stale_revision" || body["error"].(map[string]any)["revision"].(float64) != 1 {
		t.Fatalf("stale save: %d %v", status, body)
	}
	// A badly typed answer is refused with its question named, and nothing changes.
	status, body = ts.call(t, "PUT", path+"/answers", token, `{"answers":{"industry":"manufacturing","employees":"many","colour":"red"},"revision":1}`)
	if status != 422 || errorCode(body) != "validation_failed" || strings.Join(errorPaths(body), ",") != "colour,employees" {
		t.Fatalf("invalid save: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", path, token, nil)
	if body["revision"].(float64) != 1 || body["answers"].(map[string]any)["industry"] != "retail" {
		t.Fatalf("after refused saves: %v", body)
	}

	// Submitting an incomplete draft lists what is missing.
	status, body = ts.call(t, "POST", path+"/submit", token, nil)
	if status != 422 || errorCode(body) != "validation_failed" {
		t.Fatalf("incomplete submit: %d %v", status, body)
	}
	if got := strings.Join(errorPaths(body), ","); got != "employees,materials,exports,gov_owner" {
		t.Errorf("missing answers reported: %s", got)
	}

	status, _ = ts.call(t, "PUT", path+"/answers", token, `{"answers":`+miniComplete+`,"revision":1}`)
	if status != 200 {
		t.Fatalf("complete save: %d", status)
	}
	status, body = ts.call(t, "POST", path+"/submit", token, nil)
	if status != 200 || body["status"] != "submitted" || body["submitted_at"] == nil {
		t.Fatalf("submit: %d %v", status, body)
	}
	first := body
	_, stored := ts.call(t, "GET", path, token, nil)

	// Submitting again returns the same submission and writes nothing.
	status, body = ts.call(t, "POST", path+"/submit", token, nil)
	if status != 200 || body["submitted_at"] != first["submitted_at"] || cmp.Diff(first["domains"], body["domains"]) != "" {
		t.Fatalf("second submit: %d %v", status, body)
	}
	if _, again := ts.call(t, "GET", path, token, nil); again["revision"].(float64) != 2 || again["updated_at"] != stored["updated_at"] {
		t.Errorf("a repeated submit changed the stored assessment: %v → %v", stored, again)
	}
	// A submitted assessment cannot be edited.
	status, body = ts.call(t, "PUT", path+"/answers", token, `{"answers":{"industry":"retail"},"revision":2}`)
	if status != 409 || errorCode(body) != "already_submitted" {
		t.Fatalf("edit after submit: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", path, token, nil)
	if body["status"] != "submitted" || body["answers"].(map[string]any)["industry"] != "manufacturing" {
		t.Fatalf("after submit: %v", body)
	}
}

func TestAssessmentBadRequests(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.create(t)
	path := "/api/v1/assessments/" + id
	for _, sc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
		field                     string
	}{
		{"no questionnaire", "POST", "/api/v1/assessments", "", `{"lang":"en"}`, 400, "invalid_body", "questionnaire_id"},
		{"unknown questionnaire", "POST", "/api/v1/assessments", "", `{"questionnaire_id":"nope"}`, 400, "invalid_body", "questionnaire_id"},
		{"unknown version", "POST", "/api/v1/assessments", "", `{"questionnaire_id":"mini","version":9}`, 400, "invalid_body", "questionnaire_id"},
		{"bad lang", "POST", "/api/v1/assessments", "", `{"questionnaire_id":"mini","lang":"fr"}`, 400, "invalid_body", "lang"},
		{"not JSON", "POST", "/api/v1/assessments", "", `{"questionnaire_id":`, 400, "invalid_body", ""},
		{"wrong JSON type", "POST", "/api/v1/assessments", "", `{"questionnaire_id":5}`, 400, "invalid_body", "questionnaire_id"},
		{"empty body", "POST", "/api/v1/assessments", "", nil, 400, "invalid_body", ""},
		{"no revision", "PUT", path + "/answers", token, `{"answers":{}}`, 400, "invalid_body", "revision"},
		{"no answers", "PUT", path + "/answers", token, `{"revision":0}`, 400, "invalid_body", "answers"},
		{"answers not an object", "PUT", path + "/answers", token, `{"answers":[1],"revision":0}`, 400, "invalid_body", "answers"},
		{"oversized answers", "PUT", path + "/answers", token, `{"revision":0,"answers":{"gov_note":"` + strings.Repeat("x", testBodyLimit) + `"}}`, 413, "body_too_large", ""},
	} {
		t.Run(sc.name, func(t *testing.T) {
			status, body := ts.call(t, sc.method, sc.path, sc.token, sc.body)
			if status != sc.status || errorCode(body) != sc.code {
				t.Fatalf("%d %v, want %d %s", status, body, sc.status, sc.code)
			}
			if sc.field != "" && !strings.Contains(strings.Join(errorPaths(body), ","), sc.field) {
				t.Errorf("fields %v do not name %s", errorPaths(body), sc.field)
			}
		})
	}
	// None of it touched the draft.
	if _, body := ts.call(t, "GET", path, token, nil); body["revision"].(float64) != 0 {
		t.Errorf("draft changed: %v", body)
	}
}

// TestConcurrentSaves: many devices save on the same revision at once; exactly one wins and the
// others are told the revision is stale.
func TestConcurrentSaves(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.create(t)
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token,
				map[string]any{"revision": 0, "answers": map[string]any{"employees": i}})
		}()
	}
	wg.Wait()
	ok, stale := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
			stale++
		}
	}
	if ok != 1 || stale != n-1 {
		t.Fatalf("statuses %v: want one 200 and %d 409", statuses, n-1)
	}
	if _, body := ts.call(t, "GET", "/api/v1/assessments/"+id, token, nil); body["revision"].(float64) != 1 {
		t.Errorf("revision after the race: %v", body["revision"])
	}
}

func TestAnswersNeverLogged(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.create(t)
	const secret = "ShenzhenSoleSrc"
	status, _ := ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers?lang=en", token,
		map[string]any{"revision": 0, "answers": map[string]any{"gov_note": secret, "gov_owner": 1}})
	if status != 200 {
		t.Fatal(status)
	}
	ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, map[string]any{"revision": 0, "answers": map[string]any{"employees": secret}})
	if strings.Contains(ts.Log.String(), secret) || strings.Contains(ts.Log.String(), token) {
		t.Errorf("the log holds an answer or a credential:\n%s", ts.Log.String())
	}
}

func TestQuestionnaireEndpoints(t *testing.T) {
	ts := startServer(t, nil)
	status, body := ts.call(t, "GET", "/api/v1/questionnaires", "", nil)
	if status != 200 {
		t.Fatal(status)
	}
	found := false
	for _, q := range body["questionnaires"].([]any) {
		if m := q.(map[string]any); m["id"] == "mini" && m["latest"] == true && m["questions"].(float64) == 12 {
			found = true
		}
	}
	if !found {
		t.Errorf("mini v1 not listed: %v", body)
	}

	status, body = ts.call(t, "GET", "/api/v1/questionnaires/mini?format=native", "", nil)
	if status != 200 || body["id"] != "mini" || len(body["sections"].([]any)) != 2 {
		t.Fatalf("native: %d", status)
	}
	status, body = ts.call(t, "GET", "/api/v1/questionnaires/mini?format=surveyjs&lang=en", "", nil)
	if status != 200 || body["locale"] != "en" || body["title"] != "Test questionnaire" {
		t.Fatalf("surveyjs: %d %v", status, body["title"])
	}
	pages := body["pages"].([]any)
	cp := pages[1].(map[string]any)["elements"].([]any)[1].(map[string]any)
	if cp["visibleIf"] != "(({exports} anyof ['yes']) or ({employees} >= 300))" {
		t.Errorf("visibleIf = %v", cp["visibleIf"])
	}
	status, body = ts.call(t, "GET", "/api/v1/questionnaires/mini?format=xml&lang=fr", "", nil)
	if status != 400 || strings.Join(errorPaths(body), ",") != "format,lang" {
		t.Errorf("bad query: %d %v", status, body)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/questionnaires/nope", "", nil); status != 404 {
		t.Errorf("unknown questionnaire: %d", status)
	}
}

// TestExampleFirmsSubmit runs each example firm of examples/answers through the API as a
// respondent would: create a draft of esr, save the answers, submit.
func TestExampleFirmsSubmit(t *testing.T) {
	ts := startServer(t, nil)
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			status, body := ts.call(t, "POST", "/api/v1/assessments", "", `{"questionnaire_id":"esr"}`)
			if status != 201 {
				t.Fatalf("create: %d %v", status, body)
			}
			id, token := body["id"].(string), body["respondent_token"].(string)
			status, body = ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":0,"answers":`+string(raw)+`}`)
			if status != 200 {
				t.Fatalf("save: %d %v", status, body)
			}
			status, body = ts.call(t, "POST", "/api/v1/assessments/"+id+"/submit", token, nil)
			if status != 200 || body["status"] != "submitted" || body["size_band"] == nil {
				t.Fatalf("submit: %d %v", status, body)
			}
			status, body = ts.call(t, "GET", "/api/v1/assessments/"+id, token, nil)
			var want map[string]any
			_ = json.Unmarshal(raw, &want)
			if got := body["answers"].(map[string]any); status != 200 || len(got) != len(want) {
				t.Errorf("stored %d answers, sent %d", len(got), len(want))
			}
		})
	}
}

// TestResult checks the respondent contract of DESIGN.md on the result, the scores stored at
// submission, and the peer benchmark once a cohort has k peers.
func TestResult(t *testing.T) {
	ts := startServerWith(t, nil, trustLoopback)
	submit := func(name string) (string, string, map[string]any) {
		t.Helper()
		raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		_, body := ts.call(t, "POST", "/api/v1/assessments", "", `{"questionnaire_id":"esr"}`)
		id, token := body["id"].(string), body["respondent_token"].(string)
		if status, body := ts.call(t, "GET", "/api/v1/assessments/"+id+"/result", token, nil); status != 409 || errorCode(body) != "not_submitted" {
			t.Fatalf("result of a draft: %d %v", status, body)
		}
		if status, _ := ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":0,"answers":`+string(raw)+`}`); status != 200 {
			t.Fatalf("save %s: %d", name, status)
		}
		status, body := ts.call(t, "POST", "/api/v1/assessments/"+id+"/submit", token, nil)
		if status != 200 {
			t.Fatalf("submit %s: %d %v", name, status, body)
		}
		return id, token, body
	}

	id, token, sub := submit("small-sme")
	status, r := ts.call(t, "GET", "/api/v1/assessments/"+id+"/result", token, nil)
	if status != 200 {
		t.Fatalf("result: %d %v", status, r)
	}
	if d := cmp.Diff(sub["overall"], r["overall"]); d != "" {
		t.Errorf("submit and result disagree on overall: %s", d)
	}
	if r["size_band"] != "small_scale" || r["scoring_version"].(float64) != scoring.Version {
		t.Errorf("size_band %v scoring_version %v", r["size_band"], r["scoring_version"])
	}
	overall := r["overall"].(map[string]any)
	if overall["score"].(float64) != 9 || overall["level"].(float64) != 1 {
		t.Errorf("overall %v", overall)
	}
	domains := r["domains"].([]any)
	if len(domains) != 6 {
		t.Fatalf("%d domains", len(domains))
	}
	for _, d := range domains {
		m := d.(map[string]any)
		if m["id"] == nil || m["coverage"] == nil {
			t.Errorf("domain without id or coverage: %v", m)
		}
		if _, ok := m["score"]; !ok {
			t.Errorf("domain without a score field: %v", m)
		}
	}
	exp := r["exposure"].(map[string]any)
	if exp["level"] != "high" {
		t.Errorf("exposure %v", exp["level"])
	}
	mat := exp["materials"].([]any)[0].(map[string]any)
	if mat["id"] != "permanent_magnets" || mat["hhi"].(float64) != 8100 || mat["top_country"] != "CN" || mat["top_share"].(float64) != 90 {
		t.Errorf("material %v", mat)
	}
	b := r["benchmark"].(map[string]any)
	if b["source"] != "published" || len(b["published"].([]any)) == 0 {
		t.Errorf("one firm alone is compared with the published figures: %v", b)
	}

	// Four SME manufacturers, each from an address of its own: for the last, three others form
	// its size × sector cohort (k = 3). Sizes are published as ranges, figures rounded to 5.
	mid := exampleAnswers(t, "mid-exporter")
	for i := range 3 {
		ts.submitAs(t, fmt.Sprintf("192.0.2.%d", i+1), mid)
	}
	_, _, body := ts.submitAs(t, "192.0.2.4", mid)
	b = body["benchmark"].(map[string]any)
	cohort, _ := b["cohort"].(map[string]any)
	three := map[string]any{"min": 3.0, "max": 5.0, "label": "3–5"}
	if b["source"] != "peers" || cohort["size_band"] != "sme" || cohort["sector"] != "manufacturing" || !cmp.Equal(cohort["firms"], three) {
		t.Fatalf("benchmark %v", b)
	}
	o := b["overall"].(map[string]any)
	for _, f := range []string{"q1", "median", "q3"} {
		if v := o[f].(float64); math.Mod(v, 5) != 0 || math.Abs(v-51.7) >= 7.5 {
			t.Errorf("%s among four firms scoring 51.7 published as %v: want a multiple of 5 within 7.5 points", f, v)
		}
	}
	if !cmp.Equal(o["firms"], three) || o["quarter"] == nil || o["percentile"] != nil || o["n"] != nil {
		t.Errorf("standing among three identical peers: %v", o)
	}
}

func TestChecklistDownloads(t *testing.T) {
	ts := startServer(t, nil)
	raw, err := os.ReadFile("../../examples/answers/large-firm.json")
	if err != nil {
		t.Fatal(err)
	}
	_, body := ts.call(t, "POST", "/api/v1/assessments", "", `{"questionnaire_id":"esr"}`)
	id, token := body["id"].(string), body["respondent_token"].(string)
	ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":0,"answers":`+string(raw)+`}`)

	get := func(path, token string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	if res, _ := get("/api/v1/assessments/"+id+"/checklist.xlsx", token); res.StatusCode != 409 {
		t.Errorf("workbook of a draft: %d", res.StatusCode)
	}
	status, r := ts.call(t, "POST", "/api/v1/assessments/"+id+"/submit", token, nil)
	if status != 200 {
		t.Fatal(status)
	}
	c := r["checklist"].(map[string]any)
	items, steps := c["items"].([]any), c["first_steps"].([]any)
	if len(items) < 35 || len(steps) == 0 || len(steps) > 5 {
		t.Fatalf("checklist: %d items, %d first steps", len(items), len(steps))
	}
	for _, it := range items {
		m := it.(map[string]any)
		if m["id"] == nil || m["status"] == nil || m["priority"] == nil || m["reason"] == nil {
			t.Fatalf("item lacks a contract field: %v", m)
		}
	}

	if res, _ := get("/api/v1/assessments/"+id+"/checklist.xlsx", ""); res.StatusCode != 404 {
		t.Errorf("workbook without the credential: %d", res.StatusCode)
	}
	res, b := get("/api/v1/assessments/"+id+"/checklist.xlsx?lang=en", token)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("workbook: %d %v %d bytes", res.StatusCode, res.Header, len(b))
	}
	if res, _ := get("/api/v1/assessments/"+id+"/checklist.xlsx?lang=fr", token); res.StatusCode != 400 {
		t.Errorf("bad lang: %d", res.StatusCode)
	}
	res, b = get("/api/v1/checklist.xlsx?lang=ja", "")
	if res.StatusCode != 200 || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("blank checklist: %d", res.StatusCode)
	}
	if res, _ := get("/api/v1/checklist.xlsx?questionnaire=nope", ""); res.StatusCode != 404 {
		t.Errorf("blank checklist of an unknown questionnaire: %d", res.StatusCode)
	}
}

// TestReassessmentAndReport: a second assessment starts from the first one's answers, is linked
// to it, and its result and PDF report show the progress.
func TestReassessmentAndReport(t *testing.T) {
	ts := startServer(t, nil)
	raw, err := os.ReadFile("../../examples/answers/small-sme.json")
	if err != nil {
		t.Fatal(err)
	}
	_, body := ts.call(t, "POST", "/api/v1/assessments", "", `{"questionnaire_id":"esr"}`)
	first, firstToken := body["id"].(string), body["respondent_token"].(string)
	ts.call(t, "PUT", "/api/v1/assessments/"+first+"/answers", firstToken, `{"revision":0,"answers":`+string(raw)+`}`)

	// Only a submitted assessment can be carried over, and only with its credential.
	prev := func(id, token string) string {
		return fmt.Sprintf(`{"questionnaire_id":"esr","previous":{"id":%q,"respondent_token":%q}}`, id, token)
	}
	if status, body := ts.call(t, "POST", "/api/v1/assessments", "", prev(first, firstToken)); status != 400 || !strings.Contains(strings.Join(errorPaths(body), ","), "previous") {
		t.Errorf("re-assessing a draft: %d %v", status, body)
	}
	ts.call(t, "POST", "/api/v1/assessments/"+first+"/submit", firstToken, nil)
	if status, _ := ts.call(t, "POST", "/api/v1/assessments", "", prev(first, "wrong")); status != 400 {
		t.Errorf("re-assessing with a wrong credential: %d", status)
	}

	status, body := ts.call(t, "POST", "/api/v1/assessments", "", prev(first, firstToken))
	if status != 201 || body["previous_id"] != first {
		t.Fatalf("re-assessment: %d %v", status, body)
	}
	second, token := body["id"].(string), body["respondent_token"].(string)
	_, draft := ts.call(t, "GET", "/api/v1/assessments/"+second, token, nil)
	answers := draft["answers"].(map[string]any)
	var want map[string]any
	_ = json.Unmarshal(raw, &want)
	if len(answers) != len(want) || answers["prof_employees"].(float64) != 15 {
		t.Fatalf("the re-assessment is not pre-filled: %d of %d answers", len(answers), len(want))
	}
	// The firm has named a lead and mapped its business since.
	answers["gov_accountable_person"], answers["ri_business_mapping"] = 3, 3
	b, _ := json.Marshal(map[string]any{"revision": 0, "answers": answers})
	if status, body := ts.call(t, "PUT", "/api/v1/assessments/"+second+"/answers", token, string(b)); status != 200 {
		t.Fatalf("save: %d %v", status, body)
	}
	status, r := ts.call(t, "POST", "/api/v1/assessments/"+second+"/submit", token, nil)
	if status != 200 {
		t.Fatalf("submit: %d %v", status, r)
	}
	p, ok := r["progress"].(map[string]any)
	if !ok || p["previous_id"] != first || p["previous_scoring_version"].(float64) != scoring.Version {
		t.Fatalf("progress %v", r["progress"])
	}
	overall := p["overall"].(map[string]any)
	if overall["previous"].(float64) != 9 || overall["delta"].(float64) <= 0 {
		t.Errorf("overall progress %v", overall)
	}

	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/assessments/"+second+"/report.pdf?lang=ja&firm="+url.QueryEscape("株式会社テスト"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename="esready-report-`) {
		t.Fatalf("report: %d %v", res.StatusCode, res.Header)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/assessments/"+second+"/report.pdf?lang=de", token, nil); status != 400 {
		t.Errorf("bad lang: %d", status)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/assessments/"+second+"/report.pdf", "", nil); status != 404 {
		t.Errorf("report without the credential: %d", status)
	}
}
