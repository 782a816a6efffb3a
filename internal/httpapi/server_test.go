package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/httpapi"
	"github.com/esready/esready/internal/store/sqlite"
	"github.com/esready/esready/internal/store/storetest"
)

const (
	testBodyLimit = 64 << 10
	testPeerK     = 3 // a small k, so a handful of submissions form a cohort
)

// testClientKey is the test servers' secret of the client hashes and the benchmark's dither, fixed
// so that what they publish is the same in every run.
var testClientKey = []byte("esready test servers' client key")

type testServer struct {
	URL       string
	Store     *sqlite.Store
	Router    *gin.Engine
	Log       *logBuffer
	Auth      *auth.Service
	Campaigns *campaign.Service
}

// testJWTKey and testInviteKey are the test servers' signing and invitation keys.
var (
	testJWTKey    = []byte("esready test servers' signing key")
	testInviteKey = []byte("esready test servers' invite key!")
)

// startServer runs the real router on a loopback port against the embedded store in a
// temporary directory. extra, when given, adds routes a test needs (a panicking handler, say).
func startServer(t *testing.T, extra func(*gin.Engine)) *testServer {
	t.Helper()
	return startServerWith(t, extra, nil)
}

// startServerWith is startServer with the router's dependencies changed by configure first
// (rate limits, render slots, trusted proxies).
func startServerWith(t testing.TB, extra func(*gin.Engine), configure func(*httpapi.Deps)) *testServer {
	t.Helper()
	st := storetest.SQLite(t)
	logBuf := &logBuffer{}
	defs := testQuestionnaires(t)
	accounts, err := auth.NewService(st, testJWTKey, time.Now, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	camps, err := campaign.NewService(st, st, defs, time.Now, campaign.Options{InviteKey: testInviteKey})
	if err != nil {
		t.Fatal(err)
	}
	d := httpapi.Deps{
		Auth:           accounts,
		Campaigns:      camps,
		Log:            slog.New(slog.NewJSONHandler(logBuf, nil)),
		DB:             st,
		MaxBodyBytes:   testBodyLimit,
		Questionnaires: defs,
		Assessments: assessment.NewService(st, defs, time.Now, assessment.Options{PeerK: testPeerK, Baselines: testBaselines(t, defs),
			Checklists: testChecklists(t, defs), ClientKey: testClientKey, CampaignOpen: camps.CampaignOpen}),
		Web: fstest.MapFS{
			"index.html":         {Data: []byte("<!doctype html><title>app</title>")},
			"assets/app-1a2b.js": {Data: []byte("console.log(1)")},
			"assets/big-3c4d.js": {Data: []byte(strings.Repeat("console.log('esready');\n", 400))},
		},
	}
	if configure != nil {
		configure(&d)
	}
	r, err := httpapi.New(d)
	if err != nil {
		t.Fatal(err)
	}
	if extra != nil {
		extra(r)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &testServer{URL: srv.URL, Store: st, Router: r, Log: logBuf, Auth: accounts, Campaigns: camps}
}

// scenario is one request and what must come back.
type scenario struct {
	name       string
	method     string
	path       string
	header     map[string]string
	body       io.Reader
	wantStatus int
	wantCode   string // error code, for error responses
	wantBody   string // substring of the body, for the others
}

func (ts *testServer) run(t *testing.T, sc scenario) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), sc.method, ts.URL+sc.path, sc.body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != sc.wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.path, res.StatusCode, sc.wantStatus, body)
	}
	rid := res.Header.Get("X-Request-ID")
	if rid == "" {
		t.Error("no X-Request-ID header")
	}
	if sc.wantCode != "" {
		var e httpapi.ErrorBody
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("error body is not the JSON error shape: %v: %s", err, body)
		}
		if e.Error.Code != sc.wantCode || e.Error.Message == "" || e.Error.RequestID != rid {
			t.Errorf("error = %+v, want code %q, a message and request id %q", e.Error, sc.wantCode, rid)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("error Content-Type = %q", ct)
		}
	}
	if sc.wantBody != "" && !strings.Contains(string(body), sc.wantBody) {
		t.Errorf("body %q does not contain %q", body, sc.wantBody)
	}
}

func TestScenarios(t *testing.T) {
	ts := startServer(t, nil)
	big := strings.Repeat("x", testBodyLimit+1)
	for _, sc := range []scenario{
		{name: "liveness", method: "GET", path: "/healthz", wantStatus: 200, wantBody: `"status":"ok"`},
		{name: "readiness", method: "GET", path: "/readyz", wantStatus: 200, wantBody: `"status":"ready"`},
		{name: "openapi", method: "GET", path: "/api/v1/openapi.json", wantStatus: 200, wantBody: `"openapi":"3.`},
		{name: "unknown api path", method: "GET", path: "/api/v1/nothing-here", wantStatus: 404, wantCode: "not_found"},
		{name: "api root", method: "GET", path: "/api", wantStatus: 404, wantCode: "not_found"},
		{name: "wrong method", method: "POST", path: "/healthz", wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "wrong method on api", method: "DELETE", path: "/api/v1/openapi.json", wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "post outside routes", method: "POST", path: "/somewhere", body: strings.NewReader("{}"), wantStatus: 404, wantCode: "not_found"},
		{name: "oversized body", method: "POST", path: "/api/v1/nothing-here", body: strings.NewReader(big), wantStatus: 413, wantCode: "body_too_large"},
		{name: "english error", method: "GET", path: "/api/v1/x?lang=en", wantStatus: 404, wantCode: "not_found", wantBody: "was not found"},
		{name: "japanese error by header", method: "GET", path: "/api/v1/x", header: map[string]string{"Accept-Language": "ja-JP,en;q=0.5"}, wantStatus: 404, wantCode: "not_found", wantBody: "見つかりません"},
		{name: "web app index", method: "GET", path: "/", wantStatus: 200, wantBody: "<title>app</title>"},
		{name: "client-side route falls back to index", method: "GET", path: "/assessments/abc", wantStatus: 200, wantBody: "<title>app</title>"},
		{name: "asset", method: "GET", path: "/assets/app-1a2b.js", wantStatus: 200, wantBody: "console.log"},
		{name: "missing asset", method: "GET", path: "/assets/gone.js", wantStatus: 404, wantCode: "not_found"},
	} {
		t.Run(sc.name, func(t *testing.T) { ts.run(t, sc) })
	}
}

func TestCacheHeaders(t *testing.T) {
	ts := startServer(t, nil)
	for path, want := range map[string]string{
		"/assets/app-1a2b.js": "immutable",
		"/":                   "no-cache",
		"/some/route":         "no-cache",
	} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, want) {
			t.Errorf("%s: Cache-Control = %q, want %q", path, cc, want)
		}
	}
}

func TestReadinessFailsWithoutDatabase(t *testing.T) {
	ts := startServer(t, nil)
	if err := ts.Store.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts.run(t, scenario{method: "GET", path: "/readyz", wantStatus: 503, wantCode: "not_ready"})
	ts.run(t, scenario{method: "GET", path: "/healthz", wantStatus: 200, wantBody: "ok"})
}

func TestPanicBecomesJSON500(t *testing.T) {
	ts := startServer(t, func(r *gin.Engine) {
		r.GET("/boom", func(*gin.Context) { panic("secret detail") })
	})
	res, err := http.Get(ts.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || !strings.Contains(string(body), `"code":"internal"`) {
		t.Fatalf("status %d body %s", res.StatusCode, body)
	}
	if strings.Contains(string(body), "secret detail") {
		t.Error("the panic's detail reached the client")
	}
	if !strings.Contains(ts.Log.String(), "secret detail") {
		t.Error("the panic's detail is not in the server log")
	}
	// The server keeps serving.
	ts.run(t, scenario{method: "GET", path: "/healthz", wantStatus: 200})
}

func TestRequestIDIsKeptWhenWellFormed(t *testing.T) {
	ts := startServer(t, nil)
	req, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "proxy-assigned-0001")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Request-ID"); got != "proxy-assigned-0001" {
		t.Errorf("X-Request-ID = %q", got)
	}
	if !strings.Contains(ts.Log.String(), `"request_id":"proxy-assigned-0001"`) {
		t.Errorf("access log lacks the request id: %s", ts.Log.String())
	}
}

// TestWebAppIsCompressed: the app's files go out gzip-compressed to a client that accepts it,
// whole to one that does not, and cacheable for a year (their names carry a content hash).
func TestWebAppIsCompressed(t *testing.T) {
	ts := startServer(t, nil)
	want := strings.Repeat("console.log('esready');\n", 400)
	for _, gz := range []bool{true, false} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/assets/big-3c4d.js", nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		// A transport of its own, so that Go does not add and undo gzip itself.
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if enc := res.Header.Get("Content-Encoding"); (enc == "gzip") != gz {
			t.Errorf("Accept-Encoding gzip %v: Content-Encoding %q", gz, enc)
		}
		if gz {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		if string(body) != want {
			t.Errorf("Accept-Encoding gzip %v: body of %d bytes differs from the file", gz, len(body))
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q", cc)
		}
	}
}
