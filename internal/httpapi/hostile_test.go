package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostile is one request an attacker (or a broken client) sends, and the status it must get.
type hostile struct {
	name, method, path string
	contentType        string // default application/json when there is a body
	body               string
	auth               string // whose credential to send: "draft", "sub" or none
	want               int
}

// hostileCases are sent to every public endpoint. {draft} and {sub} stand for a draft's and a
// submitted assessment's id.
func hostileCases(limit int) []hostile {
	if 10001*2 > limit || 5000*10 > limit {
		panic("the hostile bodies must fit the test body limit")
	}
	big := `{"questionnaire_id":"mini","lang":"en","pad":"` + strings.Repeat("x", limit+1) + `"}`
	// Within the body limit: 10,000 levels of nesting (encoding/json stops at 10,000), and an
	// array of 5,000 choices of a multi question.
	deep := strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001)
	hugeArray := `{"revision":1,"answers":{"materials":[` + strings.TrimSuffix(strings.Repeat(`"magnets",`, 5000), ",") + `]}}`
	return []hostile{
		{name: "create, body over the limit", method: "POST", path: "/api/v1/assessments", body: big, want: http.StatusRequestEntityTooLarge},
		{name: "create, malformed JSON", method: "POST", path: "/api/v1/assessments", body: `{"questionnaire_id":`, want: http.StatusBadRequest},
		{name: "create, deeply nested JSON", method: "POST", path: "/api/v1/assessments", body: deep, want: http.StatusBadRequest},
		{name: "create, invalid UTF-8", method: "POST", path: "/api/v1/assessments", body: "{\"questionnaire_id\":\"mini\xff\",\"lang\":\"en\"}", want: http.StatusBadRequest},
		{name: "create, operator instead of a string", method: "POST", path: "/api/v1/assessments", body: `{"questionnaire_id":{"$gt":""},"lang":"en"}`, want: http.StatusBadRequest},
		{name: "create, text/plain", method: "POST", path: "/api/v1/assessments", contentType: "text/plain", body: `{"questionnaire_id":"mini","lang":"en"}`, want: http.StatusUnsupportedMediaType},
		{name: "create, form encoded", method: "POST", path: "/api/v1/assessments", contentType: "application/x-www-form-urlencoded", body: `questionnaire_id=mini`, want: http.StatusUnsupportedMediaType},
		{name: "save, text/plain", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", contentType: "text/plain", body: `{"revision":1,"answers":{}}`, want: http.StatusUnsupportedMediaType},
		{name: "save, operator as an answer", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"industry":{"$gt":""}}}`, want: http.StatusUnprocessableEntity},
		{name: "save, key with $", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"$where":"1"}}`, want: http.StatusUnprocessableEntity},
		{name: "save, key with a dot", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"shares.magnets":{"CN":1}}}`, want: http.StatusUnprocessableEntity},
		{name: "save, country key with $", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"materials":["magnets"],"shares":{"magnets":{"$gt":1}}}}`, want: http.StatusUnprocessableEntity},
		{name: "save, huge array", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: hugeArray, want: http.StatusUnprocessableEntity},
		{name: "save, number out of range", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"employees":1e308}}`, want: http.StatusUnprocessableEntity},
		{name: "save, negative number", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":1,"answers":{"employees":-5}}`, want: http.StatusUnprocessableEntity},
		{name: "save, invalid UTF-8 in an answer", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: "{\"revision\":1,\"answers\":{\"industry\":\"manufacturing\xc3\"}}", want: http.StatusBadRequest},
		{name: "save, bad revision type", method: "PUT", path: "/api/v1/assessments/{draft}/answers", auth: "draft", body: `{"revision":"1","answers":{}}`, want: http.StatusBadRequest},
		{name: "save, no credential", method: "PUT", path: "/api/v1/assessments/{draft}/answers", body: `{"revision":1,"answers":{}}`, want: http.StatusNotFound},
		{name: "save, submitted assessment", method: "PUT", path: "/api/v1/assessments/{sub}/answers", body: `{"revision":1,"answers":{}}`, want: http.StatusNotFound},
		{name: "get, path traversal", method: "GET", path: "/api/v1/assessments/..%2F..%2Fetc%2Fpasswd", want: http.StatusNotFound},
		{name: "get, dotted id", method: "GET", path: "/api/v1/assessments/../../etc/passwd", want: http.StatusNotFound},
		{name: "get, operator id", method: "GET", path: "/api/v1/assessments/%7B%22$gt%22:%22%22%7D", want: http.StatusNotFound},
		{name: "get, very long id", method: "GET", path: "/api/v1/assessments/" + strings.Repeat("a", 5000), want: http.StatusNotFound},
		{name: "submit, no credential", method: "POST", path: "/api/v1/assessments/{draft}/submit", want: http.StatusNotFound},
		{name: "result of a draft", method: "GET", path: "/api/v1/assessments/{draft}/result", auth: "draft", want: http.StatusConflict},
		{name: "report, bidi override in the firm name", method: "GET", path: "/api/v1/assessments/{sub}/report.pdf?lang=ja&firm=%E2%80%AEabc", auth: "sub", want: http.StatusBadRequest},
		{name: "report, control character in the firm name", method: "GET", path: "/api/v1/assessments/{sub}/report.pdf?lang=ja&firm=a%00b", auth: "sub", want: http.StatusBadRequest},
		{name: "report, bad language", method: "GET", path: "/api/v1/assessments/{sub}/report.pdf?lang=xx", auth: "sub", want: http.StatusBadRequest},
		{name: "report, no credential", method: "GET", path: "/api/v1/assessments/{sub}/report.pdf?lang=ja", want: http.StatusNotFound},
		{name: "delete, no credential", method: "DELETE", path: "/api/v1/assessments/{draft}", want: http.StatusNotFound},
		{name: "delete, traversal", method: "DELETE", path: "/api/v1/assessments/..%2F{draft}", auth: "draft", want: http.StatusNotFound},
		{name: "questionnaire, traversal", method: "GET", path: "/api/v1/questionnaires/..%2F..%2Fapp", want: http.StatusNotFound},
		{name: "questionnaire, bad version", method: "GET", path: "/api/v1/questionnaires/mini?version=1e308", want: http.StatusBadRequest},
		{name: "blank checklist, bad language", method: "GET", path: "/api/v1/checklist.xlsx?lang=%00", want: http.StatusBadRequest},
		{name: "unknown API path", method: "GET", path: "/api/v1/%2e%2e/%2e%2e/etc/passwd", want: http.StatusNotFound},
	}
}

// TestHostileInput sends every hostile case and checks that each gets its clear 4xx with the
// JSON error shape, that nothing stored changed, and that the server is healthy afterwards.
func TestHostileInput(t *testing.T) {
	ts := startServer(t, nil)
	draft, dtok := ts.create(t)
	if st, b := ts.call(t, "PUT", "/api/v1/assessments/"+draft+"/answers", dtok, map[string]any{"revision": 0, "answers": map[string]any{"industry": "manufacturing"}}); st != http.StatusOK {
		t.Fatalf("save: %d %v", st, b)
	}
	sub, stok := ts.create(t)
	ts.call(t, "PUT", "/api/v1/assessments/"+sub+"/answers", stok, map[string]any{"revision": 0, "answers": json.RawMessage(miniComplete)})
	if st, b := ts.call(t, "POST", "/api/v1/assessments/"+sub+"/submit", stok, nil); st != http.StatusOK {
		t.Fatalf("submit: %d %v", st, b)
	}
	snapshot := func() [2]map[string]any {
		_, d := ts.call(t, "GET", "/api/v1/assessments/"+draft, dtok, nil)
		_, s := ts.call(t, "GET", "/api/v1/assessments/"+sub, stok, nil)
		return [2]map[string]any{d, s}
	}
	before := snapshot()
	for _, c := range hostileCases(testBodyLimit) {
		t.Run(c.name, func(t *testing.T) {
			path := strings.NewReplacer("{draft}", draft, "{sub}", sub).Replace(c.path)
			status, body := ts.raw(t, c, path, map[string]string{"draft": dtok, "sub": stok}[c.auth])
			if status != c.want {
				t.Fatalf("%s %s: status %d, want %d: %.300s", c.method, c.path, status, c.want, body)
			}
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("not the JSON error shape: %.300s", body)
			}
		})
	}
	if d := cmp.Diff(before, snapshot()); d != "" {
		t.Errorf("stored assessments changed (-before +after):\n%s", d)
	}
	if st, _ := ts.call(t, "GET", "/healthz", "", nil); st != http.StatusOK {
		t.Errorf("healthz after the hostile input: %d", st)
	}
}

// raw sends a hostile request as it is, without encoding it.
func (ts *testServer) raw(t *testing.T, c hostile, path, token string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if c.body != "" {
		rd = bytes.NewReader([]byte(c.body))
	}
	req, err := http.NewRequest(c.method, ts.URL+path, rd)
	if err != nil {
		t.Fatalf("the case cannot be sent: %v", err)
	}
	if c.body != "" {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(fmt.Errorf("%s %s: %w", c.method, path, err))
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
