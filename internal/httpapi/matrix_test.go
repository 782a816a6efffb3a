package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// expect is what one role gets from a route: "ok" (the request passes authorisation: any
// status but 401, 403 and 404, and no server error), or exactly "401", "403" or "404".
type expect map[string]string

func everyone(v string) expect {
	e := expect{}
	for _, r := range matrixRoles {
		e[r] = v
	}
	return e
}

// respondentOnly: the respondent's credential opens its assessment; to anyone else it does
// not exist.
func respondentOnly() expect {
	e := everyone("404")
	e[roleRespondent] = "ok"
	return e
}

// staff builds the expectation of a staff route from what each staff role gets; the anonymous
// and the respondent (whose credential is no access token) get 401.
func staff(analystA, analystB, adminA, platform string) expect {
	return expect{roleAnonymous: "401", roleRespondent: "401", roleAnalystA: analystA, roleAnalystB: analystB,
		roleAdminA: adminA, rolePlatform: platform}
}

// route is one entry of the matrix: its expectations and the body to send.
type route struct {
	expect expect
	body   any
}

// matrix lists every route of the router. A route added without an entry fails
// TestAuthorizationMatrix, so nobody forgets to decide who may call it.
func matrix(f *staffFixture) map[string]route {
	campaignOfA := staff("ok", "404", "ok", "403")
	return map[string]route{
		"GET /healthz":                                {everyone("ok"), nil},
		"GET /readyz":                                 {everyone("ok"), nil},
		"GET /api/v1/openapi.json":                    {everyone("ok"), nil},
		"GET /api/v1/questionnaires":                  {everyone("ok"), nil},
		"GET /api/v1/questionnaires/:id":              {everyone("ok"), nil},
		"GET /api/v1/checklist.xlsx":                  {everyone("ok"), nil},
		"POST /api/v1/assessments":                    {everyone("ok"), map[string]string{"questionnaire_id": "esr"}},
		"GET /api/v1/assessments/:id":                 {respondentOnly(), nil},
		"DELETE /api/v1/assessments/:id":              {respondentOnly(), nil},
		"PUT /api/v1/assessments/:id/answers":         {respondentOnly(), map[string]any{"answers": map[string]any{}, "revision": 0}},
		"POST /api/v1/assessments/:id/submit":         {respondentOnly(), nil},
		"GET /api/v1/assessments/:id/result":          {respondentOnly(), nil},
		"GET /api/v1/assessments/:id/checklist.xlsx":  {respondentOnly(), nil},
		"GET /api/v1/assessments/:id/report.pdf":      {respondentOnly(), nil},
		"PUT /api/v1/assessments/:id/consent":         {respondentOnly(), map[string]bool{"consent": true}},
		"POST /api/v1/auth/login":                     {everyone("ok"), map[string]string{}},
		"POST /api/v1/auth/refresh":                   {everyone("401"), nil}, // no refresh cookie
		"POST /api/v1/auth/logout":                    {everyone("ok"), nil},
		"POST /api/v1/auth/accept":                    {everyone("ok"), map[string]string{}},
		"POST /api/v1/campaign-links":                 {everyone("ok"), map[string]string{"code": f.code}},
		"GET /api/v1/me":                              {staff("ok", "ok", "ok", "ok"), nil},
		"GET /api/v1/chambers":                        {staff("403", "403", "403", "ok"), nil},
		"POST /api/v1/chambers":                       {staff("403", "403", "403", "ok"), map[string]string{}},
		"GET /api/v1/chambers/:chamber/users":         {staff("403", "404", "ok", "ok"), nil},
		"POST /api/v1/chambers/:chamber/users":        {staff("403", "404", "ok", "ok"), map[string]string{}},
		"PATCH /api/v1/users/:id":                     {staff("403", "404", "ok", "ok"), map[string]string{}},
		"GET /api/v1/campaigns":                       {staff("ok", "ok", "ok", "403"), nil},
		"POST /api/v1/campaigns":                      {staff("ok", "ok", "ok", "403"), map[string]string{}},
		"GET /api/v1/campaigns/:id":                   {campaignOfA, nil},
		"PATCH /api/v1/campaigns/:id":                 {campaignOfA, map[string]string{}},
		"POST /api/v1/campaigns/:id/invitations":      {campaignOfA, "firm,email\r\n"},
		"GET /api/v1/campaigns/:id/invitations.csv":   {campaignOfA, nil},
		"POST /api/v1/campaigns/:id/invitations/send": {campaignOfA, map[string]string{}},
		"GET /api/v1/campaigns/:id/progress":          {campaignOfA, nil},
		"GET /api/v1/campaigns/:id/results":           {campaignOfA, nil},
		"GET /api/v1/campaigns/:id/results.csv":       {campaignOfA, nil},
		"GET /api/v1/campaigns/:id/results.xlsx":      {campaignOfA, nil},
		"GET /api/v1/campaigns/:id/report.pdf":        {campaignOfA, nil},
		"GET /api/v1/campaigns/:id/responses.csv":     {campaignOfA, nil},
	}
}

// TestAuthorizationMatrix calls every route of the router as every role. The routes come from
// the router itself, so a new route without an entry fails here.
func TestAuthorizationMatrix(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	m := matrix(f)
	seen := map[string]bool{}
	for _, ri := range ts.Router.Routes() {
		key := ri.Method + " " + ri.Path
		seen[key] = true
		r, ok := m[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation matrix", key)
			continue
		}
		for _, role := range matrixRoles {
			ts.checkAccess(t, f, key, ri.Method, ri.Path, role, r)
		}
	}
	for key := range m {
		if !seen[key] {
			t.Errorf("the matrix has an entry for %s, which the router does not have", key)
		}
	}
}

// checkAccess makes one call of the matrix and checks its outcome.
func (ts *testServer) checkAccess(t *testing.T, f *staffFixture, key, method, pattern, role string, r route) {
	t.Helper()
	token := f.tokens[role]
	path := strings.NewReplacer(":chamber", f.chamberA, ":id", f.campaign).Replace(pattern)
	switch {
	case strings.HasPrefix(pattern, "/api/v1/assessments/:id"):
		// A fresh draft for every call, so a DELETE or submit changes no other call.
		id, tok := ts.startAssessment(t)
		path = strings.Replace(pattern, ":id", id, 1)
		if role == roleRespondent {
			token = tok
		}
	case pattern == "/api/v1/users/:id":
		path = "/api/v1/users/" + f.users[roleAnalystA].ID
	case pattern == "/api/v1/questionnaires/:id":
		path = "/api/v1/questionnaires/esr"
	}
	res, body := ts.do(t, method, path, token, r.body)
	want := r.expect[role]
	got := res.StatusCode
	pass := want == "ok" && got != 401 && got != 403 && got != 404 && got < 500
	if want != "ok" {
		pass = want == itoa(got)
	}
	if !pass {
		t.Errorf("%s as %s: status %d, want %s; body %.200s", key, role, got, want, body)
	}
	if got == 404 && strings.Contains(string(body), "調査A") {
		t.Errorf("%s as %s: a 404 that names chamber A's campaign: %s", key, role, body)
	}
	if want == "404" && got == 404 {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Error.Code != "not_found" {
			t.Errorf("%s as %s: 404 with code %q, want not_found (the same as for nothing there)", key, role, e.Error.Code)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
