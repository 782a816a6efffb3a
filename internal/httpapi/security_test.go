package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/httpapi"
	"github.com/esready/esready/internal/questionnaire"
)

// TestUnsupportedMediaType: a body the API is to decode must come as application/json (a
// charset of utf-8 allowed); anything else gets 415 in the JSON error shape and stores nothing.
func TestUnsupportedMediaType(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.create(t)
	create := `{"questionnaire_id":"mini","lang":"en"}`
	save := `{"revision":0,"answers":{"industry":"retail"}}`
	before := ts.snapshot(t, id, token)
	for _, tt := range []struct {
		name, method, path, contentType, body string
		want                                  int
	}{
		{"create, text/plain", "POST", "/api/v1/assessments", "text/plain", create, 415},
		{"create, text/plain with a charset", "POST", "/api/v1/assessments", "text/plain; charset=utf-8", create, 415},
		{"create, form", "POST", "/api/v1/assessments", "application/x-www-form-urlencoded", "questionnaire_id=mini", 415},
		{"create, multipart", "POST", "/api/v1/assessments", "multipart/form-data; boundary=x", "--x--", 415},
		{"create, no Content-Type", "POST", "/api/v1/assessments", "", create, 415},
		{"create, a JSON-like type", "POST", "/api/v1/assessments", "application/merge-patch+json", create, 415},
		{"create, JSON in another charset", "POST", "/api/v1/assessments", "application/json; charset=iso-8859-1", create, 415},
		{"create, JSON with another parameter", "POST", "/api/v1/assessments", "application/json; profile=x", create, 415},
		{"create, malformed Content-Type", "POST", "/api/v1/assessments", "application/json;;", create, 415},
		{"save, text/plain", "PUT", "/api/v1/assessments/" + id + "/answers", "text/plain", save, 415},
		{"submit with a text body", "POST", "/api/v1/assessments/" + id + "/submit", "text/plain", "go", 415},
		{"create, JSON", "POST", "/api/v1/assessments", "application/json", create, 201},
		{"create, JSON with charset", "POST", "/api/v1/assessments", "application/json; charset=utf-8", create, 201},
		{"create, JSON in capitals", "POST", "/api/v1/assessments", "Application/JSON; Charset=\"UTF-8\"", create, 201},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := scenario{method: tt.method, path: tt.path, body: strings.NewReader(tt.body), wantStatus: tt.want,
				header: map[string]string{"Authorization": "Bearer " + token}}
			if tt.contentType != "" {
				sc.header["Content-Type"] = tt.contentType
			}
			if tt.want == 415 {
				sc.wantCode = "unsupported_media_type"
				sc.wantBody = `"path":"Content-Type"`
			}
			ts.run(t, sc)
		})
	}
	if d := cmp.Diff(before, ts.snapshot(t, id, token)); d != "" {
		t.Errorf("a refused request changed the draft (-before +after):\n%s", d)
	}
	// A request without a body needs no Content-Type: submitting sends none.
	ts.run(t, scenario{method: "POST", path: "/api/v1/assessments/" + id + "/submit", header: map[string]string{"Authorization": "Bearer " + token},
		wantStatus: 422, wantCode: "validation_failed"})
}

// snapshot is an assessment as its respondent reads it.
func (ts *testServer) snapshot(t *testing.T, id, token string) map[string]any {
	t.Helper()
	status, body := ts.call(t, "GET", "/api/v1/assessments/"+id, token, nil)
	if status != 200 {
		t.Fatalf("get %s: %d %v", id, status, body)
	}
	return body
}

// wantHeaders are the headers every response carries.
var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
}

// TestSecurityHeaders: API answers, the web app, its files and every kind of error carry the
// security headers, and none opens CORS, whatever Origin the request names.
func TestSecurityHeaders(t *testing.T) {
	ts := startServer(t, func(r *gin.Engine) {
		r.GET("/api/v1/boom", func(*gin.Context) { panic("boom") })
	})
	big := strings.Repeat("x", testBodyLimit+1)
	for _, tt := range []struct {
		name, method, path, contentType, body string
		want                                  int
	}{
		{"liveness", "GET", "/healthz", "", "", 200},
		{"readiness", "GET", "/readyz", "", "", 200},
		{"API JSON", "GET", "/api/v1/questionnaires", "", "", 200},
		{"OpenAPI", "GET", "/api/v1/openapi.json", "", "", 200},
		{"created", "POST", "/api/v1/assessments", "application/json", `{"questionnaire_id":"mini"}`, 201},
		{"web app", "GET", "/", "", "", 200},
		{"client-side route", "GET", "/survey", "", "", 200},
		{"asset", "GET", "/assets/app-1a2b.js", "", "", 200},
		{"API 404", "GET", "/api/v1/nothing", "", "", 404},
		{"missing asset", "GET", "/assets/gone.js", "", "", 404},
		{"405", "DELETE", "/api/v1/openapi.json", "", "", 405},
		{"400", "POST", "/api/v1/assessments", "application/json", `{`, 400},
		{"413", "POST", "/api/v1/assessments", "application/json", big, 413},
		{"415", "POST", "/api/v1/assessments", "text/plain", `{}`, 415},
		{"500", "GET", "/api/v1/boom", "", "", 500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set("Origin", "https://evil.example")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			for k, v := range wantHeaders {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			noCORS(t, res.Header)
		})
	}
}

// noCORS fails when a response carries any CORS header.
func noCORS(t *testing.T, h http.Header) {
	t.Helper()
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			t.Errorf("CORS header %s: %s", k, h.Get(k))
		}
	}
}

// TestPreflightGetsNoCORS: a browser's preflight from another origin gets no CORS header, so
// the browser sends no cross-origin write and reads no answer.
func TestPreflightGetsNoCORS(t *testing.T) {
	ts := startServer(t, nil)
	for _, path := range []string{"/api/v1/assessments", "/api/v1/assessments/x/answers", "/api/v1/questionnaires", "/"} {
		req, _ := http.NewRequest(http.MethodOptions, ts.URL+path, nil)
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Access-Control-Request-Method", "PUT")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Errorf("OPTIONS %s: status %d, want an error", path, res.StatusCode)
		}
		noCORS(t, res.Header)
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("OPTIONS %s: X-Content-Type-Options %q", path, got)
		}
	}
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// TestRequestIDAcceptance: a client's X-Request-ID is kept only when it is plain (letters,
// digits, '.', '_', '-') and 8 to 64 characters long; otherwise the server makes its own, so
// nothing a client chooses reaches the log or the error body unless it is harmless.
func TestRequestIDAcceptance(t *testing.T) {
	ts := startServer(t, nil)
	for _, tt := range []struct {
		name, sent string
		kept       bool
	}{
		{"proxy id", "proxy-assigned-0001", true},
		{"UUID", "3f2b8c1e-6d4a-4e8b-9c0d-2a1b3c4d5e6f", true},
		{"dots and underscores", "lb_01.req.42", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"8 characters", "abcd1234", true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"very long", strings.Repeat("x", 4000), false},
		{"under 8 characters", "abc", false},
		{"space", "abc def-123", false},
		{"quote", `abc"def-123`, false},
		{"markup", "<script>alert(1)</script>", false},
		{"JSON", `{"level":"ERROR"}`, false},
		{"percent-encoded newline", "abc%0d%0adef", false},
		{"non-ASCII", "リクエスト-12345678", false},
		{"slash", "../../etc/passwd", false},
		{"empty", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+"/api/v1/nothing-here", nil)
			if tt.sent != "" {
				req.Header.Set("X-Request-ID", tt.sent)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body httpapi.ErrorBody
			err = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			got := res.Header.Get("X-Request-ID")
			if tt.kept && got != tt.sent {
				t.Errorf("X-Request-ID %q replaced by %q", tt.sent, got)
			}
			if !tt.kept && !generatedID.MatchString(got) {
				t.Errorf("X-Request-ID %q answered with %q, want a generated id", tt.sent, got)
			}
			if body.Error.RequestID != got {
				t.Errorf("error body request_id %q, header %q", body.Error.RequestID, got)
			}
			if !strings.Contains(ts.Log.String(), `"request_id":"`+got+`"`) {
				t.Errorf("the access log lacks request id %q", got)
			}
		})
	}
}

// TestRequestDeadline: every request runs under a deadline, the configured timeout, and the
// routes that render a file under three times as long.
func TestRequestDeadline(t *testing.T) {
	left := func(c *gin.Context) {
		dl, ok := c.Request.Context().Deadline()
		c.JSON(200, gin.H{"ok": ok, "left": time.Until(dl).Seconds()})
	}
	ts := startServerWith(t, func(r *gin.Engine) {
		r.GET("/api/v1/probe", left)
		r.GET("/api/v1/probe/:id/report.pdf", left)
		r.GET("/api/v1/probe/:id/checklist.xlsx", left)
	}, func(d *httpapi.Deps) { d.RequestTimeout = 4 * time.Second })
	for path, want := range map[string]float64{
		"/api/v1/probe":                  4,
		"/api/v1/probe/x/report.pdf":     12,
		"/api/v1/probe/x/checklist.xlsx": 12,
	} {
		status, body := ts.call(t, "GET", path, "", nil)
		got, _ := body["left"].(float64)
		if status != 200 || body["ok"] != true || got <= want-2 || got > want {
			t.Errorf("%s: deadline in %.2fs (%d %v), want just under %gs", path, got, status, body, want)
		}
	}
}

// slowOpen waits for the request's deadline before it reads the assessment, as a database
// stuck behind a lock would.
type slowOpen struct{ httpapi.AssessmentService }

func (s slowOpen) Open(ctx context.Context, id, token string) (assessment.Assessment, *questionnaire.Definition, error) {
	<-ctx.Done()
	return s.AssessmentService.Open(ctx, id, token)
}

// TestDeadlinePassed: a request whose deadline passes answers 503 timeout in the JSON error
// shape, because the store honours the context and gives up; the server logs it as a warning.
func TestDeadlinePassed(t *testing.T) {
	ts := startServerWith(t, nil, func(d *httpapi.Deps) {
		d.RequestTimeout = 200 * time.Millisecond
		d.Assessments = slowOpen{d.Assessments}
	})
	id, token := ts.create(t)
	ts.run(t, scenario{method: "GET", path: "/api/v1/assessments/" + id, header: map[string]string{"Authorization": "Bearer " + token},
		wantStatus: 503, wantCode: "timeout"})
	if !strings.Contains(ts.Log.String(), "request deadline passed") {
		t.Errorf("the log does not say the deadline passed:\n%s", ts.Log.String())
	}
}
