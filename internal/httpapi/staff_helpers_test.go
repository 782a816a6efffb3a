package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/auth"
)

// testPassword is every test account's password.
const testPassword = "a long test passphrase"

// staffFixture is two chambers with their staff, a platform admin, an open campaign of
// chamber A, and a respondent's draft in it.
type staffFixture struct {
	tokens     map[string]string // role name → access token (or respondent token)
	users      map[string]auth.User
	campaign   string // chamber A's campaign
	campaignB  string // chamber B's campaign
	code       string // the code of chamber A's campaign's open link
	assessment string // the respondent's draft
	chamberA   string
	chamberB   string
}

// The roles of the authorisation matrix.
const (
	roleAnonymous  = "anonymous"
	roleRespondent = "respondent"
	roleAnalystA   = "analyst A"
	roleAnalystB   = "analyst B"
	roleAdminA     = "chamber admin A"
	rolePlatform   = "platform admin"
)

var matrixRoles = []string{roleAnonymous, roleRespondent, roleAnalystA, roleAnalystB, roleAdminA, rolePlatform}

// seedStaff creates the fixture through the services and the API.
func seedStaff(t *testing.T, ts *testServer) *staffFixture {
	t.Helper()
	ctx := context.Background()
	f := &staffFixture{tokens: map[string]string{}, users: map[string]auth.User{}, chamberA: "osaka-cci", chamberB: "kobe-cci"}
	root := auth.Principal{UserID: "test", Role: auth.RoleAdmin}
	for _, ch := range []auth.Chamber{{ID: f.chamberA, Name: "大阪商工会議所", NameEN: "Osaka CCI"}, {ID: f.chamberB, Name: "神戸商工会議所", NameEN: "Kobe CCI"}} {
		if _, err := ts.Auth.CreateChamber(ctx, root, ch); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		role string
		user auth.NewUser
	}{
		{roleAnalystA, auth.NewUser{Email: "analyst@osaka.example.jp", Name: "分析 𠮷子", Role: auth.RoleAnalyst, ChamberID: f.chamberA}},
		{roleAnalystB, auth.NewUser{Email: "analyst@kobe.example.jp", Name: "Kobe Analyst", Role: auth.RoleAnalyst, ChamberID: f.chamberB}},
		{roleAdminA, auth.NewUser{Email: "admin@osaka.example.jp", Name: "管理 太郎", Role: auth.RoleChamberAdmin, ChamberID: f.chamberA}},
		{rolePlatform, auth.NewUser{Email: "root@esready.example.jp", Name: "Root", Role: auth.RoleAdmin}},
	} {
		created, err := ts.Auth.Bootstrap(ctx, u.user, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.role] = created
		f.tokens[u.role] = ts.login(t, u.user.Email, testPassword)
	}
	f.campaign, f.code = ts.createCampaign(t, f.tokens[roleAdminA], "調査A")
	f.campaignB, _ = ts.createCampaign(t, f.tokens[roleAnalystB], "調査B")
	f.assessment, f.tokens[roleRespondent] = ts.startAssessment(t)
	return f
}

// login logs in through the API and returns the access token.
func (ts *testServer) login(t *testing.T, email, password string) string {
	t.Helper()
	res, body := ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, res.StatusCode, body)
	}
	var s struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &s); err != nil || s.AccessToken == "" {
		t.Fatalf("login response: %v %s", err, body)
	}
	return s.AccessToken
}

// createCampaign creates an open campaign of the caller's chamber with an open link and k 5,
// and returns its id and the open link's code.
func (ts *testServer) createCampaign(t *testing.T, token, title string) (string, string) {
	t.Helper()
	now := time.Now().UTC()
	res, body := ts.do(t, http.MethodPost, "/api/v1/campaigns", token, map[string]any{
		"questionnaire_id": "esr", "title": map[string]string{"ja": title, "en": title + " (en)"},
		"opens": now.Add(-time.Hour), "closes": now.Add(30 * 24 * time.Hour), "k": 5, "open_link": true,
	})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create campaign: %d %s", res.StatusCode, body)
	}
	var c struct {
		ID      string `json:"id"`
		OpenURL string `json:"open_url"`
	}
	_ = json.Unmarshal(body, &c)
	_, code, _ := strings.Cut(c.OpenURL, "#")
	return c.ID, code
}

// startAssessment starts a draft outside any campaign and returns its id and credential.
func (ts *testServer) startAssessment(t *testing.T) (string, string) {
	t.Helper()
	res, body := ts.do(t, http.MethodPost, "/api/v1/assessments", "", map[string]string{"questionnaire_id": "esr"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create assessment: %d %s", res.StatusCode, body)
	}
	var a struct {
		ID    string `json:"id"`
		Token string `json:"respondent_token"`
	}
	_ = json.Unmarshal(body, &a)
	return a.ID, a.Token
}

// do sends one request with an optional bearer token and JSON body (a string or []byte is
// sent as it is, as text/csv) and returns the response with its body read.
func (ts *testServer) do(t testing.TB, method, path, token string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "text/csv"
	case string:
		rd, ctype = strings.NewReader(b), "text/csv"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, out
}
