package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/httpapi"
)

// clock is a test clock the rate limiter's buckets fill by.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// reply is what a test reads of a response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send makes a request from the client address from (sent as X-Forwarded-For; the test
// servers trust only the loopback proxy when a test says so) with the credential token.
func (ts *testServer) send(t testing.TB, method, path, from, token, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{res.StatusCode, res.Header, b}
}

// wantRetryLater checks a 429 or 503 in the API's error shape with Retry-After.
func wantRetryLater(t *testing.T, r reply, status int, code, retryAfter, message string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if got := r.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After = %q, want %q", got, retryAfter)
	}
	var e httpapi.ErrorBody
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not the JSON error shape: %s", r.body)
	}
	if e.Error.Code != code || !strings.Contains(e.Error.Message, message) || e.Error.RequestID == "" {
		t.Errorf("error = %+v, want code %q and a message with %q", e.Error, code, message)
	}
}

const createMini = `{"questionnaire_id":"mini","lang":"en"}`

// limitedServer trusts the loopback proxy, so X-Forwarded-For names the client, and allows
// perMinute anonymous writes a minute on the test clock.
func limitedServer(t *testing.T, perMinute int) (*testServer, *clock) {
	clk := &clock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	ts := startServerWith(t, nil, func(d *httpapi.Deps) {
		d.RateLimit, d.Now, d.TrustedProxies = perMinute, clk.Now, []string{"127.0.0.1"}
	})
	return ts, clk
}

// TestRateLimitPerAddress: a client over its budget gets 429 with Retry-After in its language,
// another address is unaffected, and the budget refills with time.
func TestRateLimitPerAddress(t *testing.T) {
	ts, clk := limitedServer(t, 8) // drafts: 8 a minute, 4 at once
	for i := range 4 {
		if r := ts.send(t, "POST", "/api/v1/assessments", "203.0.113.7", "", createMini); r.status != http.StatusCreated {
			t.Fatalf("create %d within the budget: %d %s", i+1, r.status, r.body)
		}
	}
	r := ts.send(t, "POST", "/api/v1/assessments?lang=en", "203.0.113.7", "", createMini)
	wantRetryLater(t, r, http.StatusTooManyRequests, "rate_limited", "8", "Too many requests")
	r = ts.send(t, "POST", "/api/v1/assessments?lang=ja", "203.0.113.7", "", createMini)
	wantRetryLater(t, r, http.StatusTooManyRequests, "rate_limited", "8", "リクエスト")

	if r := ts.send(t, "POST", "/api/v1/assessments", "198.51.100.20", "", createMini); r.status != http.StatusCreated {
		t.Errorf("another address: %d %s", r.status, r.body)
	}
	if r := ts.send(t, "GET", "/api/v1/questionnaires", "203.0.113.7", "", ""); r.status != http.StatusOK {
		t.Errorf("a read by the limited address: %d", r.status)
	}

	clk.advance(7500 * time.Millisecond) // one token, at 8 a minute
	if r := ts.send(t, "POST", "/api/v1/assessments", "203.0.113.7", "", createMini); r.status != http.StatusCreated {
		t.Errorf("after Retry-After: %d %s", r.status, r.body)
	}
	wantRetryLater(t, ts.send(t, "POST", "/api/v1/assessments", "203.0.113.7", "", createMini),
		http.StatusTooManyRequests, "rate_limited", "8", "")
}

// TestRateLimitBudgets: each class of route has its own budget per address (rate_limit 8:
// drafts 4 at once, saves 8, submissions 4, downloads 2), all downloads share one.
func TestRateLimitBudgets(t *testing.T) {
	ts, _ := limitedServer(t, 8)
	r := ts.send(t, "POST", "/api/v1/assessments", "192.0.2.1", "", createMini)
	id, token := jsonField(t, r.body, "id"), jsonField(t, r.body, "respondent_token")
	for _, tc := range []struct {
		name, method, path, body string
		burst                    int
	}{
		{"save", "PUT", "/api/v1/assessments/" + id + "/answers", `{"revision":0,"answers":{}}`, 8},
		{"submit", "POST", "/api/v1/assessments/" + id + "/submit", "", 4},
		{"blank checklist", "GET", "/api/v1/checklist.xlsx", "", 2},
		{"report after the blank checklist", "GET", "/api/v1/assessments/" + id + "/report.pdf", "", 0},
		{"workbook after the blank checklist", "GET", "/api/v1/assessments/" + id + "/checklist.xlsx", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.burst {
				if r := ts.send(t, tc.method, tc.path, "192.0.2.1", token, tc.body); r.status == http.StatusTooManyRequests {
					t.Fatalf("request %d of %d: 429", i+1, tc.burst)
				}
			}
			r := ts.send(t, tc.method, tc.path, "192.0.2.1", token, tc.body)
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
				t.Errorf("request %d: %d, Retry-After %q", tc.burst+1, r.status, r.header.Get("Retry-After"))
			}
		})
	}
	// Spent budgets of the others leave the drafts' untouched (one of four was used).
	if r := ts.send(t, "POST", "/api/v1/assessments", "192.0.2.1", "", createMini); r.status != http.StatusCreated {
		t.Errorf("create: %d", r.status)
	}
}

// TestRateLimitFollowsTrustedProxiesOnly: without a trusted proxy, X-Forwarded-For is the
// client's own claim and buys no fresh budget.
func TestRateLimitFollowsTrustedProxiesOnly(t *testing.T) {
	ts := startServerWith(t, nil, func(d *httpapi.Deps) { d.RateLimit = 8 })
	codes := map[int]int{}
	for i := range 6 {
		from := fmt.Sprintf("203.0.113.%d", i+1)
		codes[ts.send(t, "POST", "/api/v1/assessments", from, "", createMini).status]++
	}
	if codes[http.StatusCreated] != 4 || codes[http.StatusTooManyRequests] != 2 {
		t.Errorf("statuses %v, want 4 created and 2 limited", codes)
	}
}

// TestRateLimitOff: rate_limit 0 turns every limit off.
func TestRateLimitOff(t *testing.T) {
	ts, _ := limitedServer(t, 0)
	for i := range 50 {
		if r := ts.send(t, "POST", "/api/v1/assessments", "203.0.113.7", "", createMini); r.status != http.StatusCreated {
			t.Fatalf("create %d: %d %s", i+1, r.status, r.body)
		}
		if r := ts.send(t, "GET", "/api/v1/checklist.xlsx", "203.0.113.7", "", ""); r.status != http.StatusOK {
			t.Fatalf("download %d: %d", i+1, r.status)
		}
	}
}

func jsonField(t testing.TB, body []byte, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	s, _ := m[name].(string)
	if s == "" {
		t.Fatalf("no %s in %s", name, body)
	}
	return s
}
