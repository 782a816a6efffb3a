package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/esready/esready/internal/auth"
)

// refreshCookieOf returns the refresh cookie a response set, checking its protections.
func refreshCookieOf(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name != "esready_refresh" {
			continue
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/api/v1/auth" {
			t.Fatalf("refresh cookie without its protections: %+v", c)
		}
		return c
	}
	t.Fatalf("no refresh cookie in %v", res.Header.Values("Set-Cookie"))
	return nil
}

// withCookie sends a request with the refresh cookie.
func (ts *testServer) withCookie(t *testing.T, path string, c *http.Cookie) (*http.Response, []byte) {
	t.Helper()
	return ts.do(t, http.MethodPost, path, "", nil, "Cookie", c.Name+"="+c.Value)
}

// TestLoginRefreshLogout: a login sets the refresh cookie and never puts the refresh token in
// the body; a refresh rotates it; the rotated token presented again revokes the whole family,
// so the thief's and the user's newest token both stop working; logout ends a session.
func TestLoginRefreshLogout(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	email := f.users[roleAnalystA].Email
	res, body := ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": strings.ToUpper(email), "password": testPassword})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	first := refreshCookieOf(t, res)
	if strings.Contains(string(body), first.Value) {
		t.Fatal("the refresh token is in the response body")
	}
	res, body = ts.withCookie(t, "/api/v1/auth/refresh", first)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("refresh: %d %s", res.StatusCode, body)
	}
	second := refreshCookieOf(t, res)
	var s struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &s)
	if r, b := ts.do(t, http.MethodGet, "/api/v1/me", s.AccessToken, nil); r.StatusCode != http.StatusOK || !strings.Contains(string(b), email) {
		t.Fatalf("the refreshed access token: %d %s", r.StatusCode, b)
	}
	// The first token again: reuse. The family is revoked, the second token too.
	if r, _ := ts.withCookie(t, "/api/v1/auth/refresh", first); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a rotated refresh token was accepted again: %d", r.StatusCode)
	}
	if r, _ := ts.withCookie(t, "/api/v1/auth/refresh", second); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after reuse, the family's newest token still works: %d", r.StatusCode)
	}
	// A new login, then logout: its token no longer refreshes.
	res, _ = ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": testPassword})
	third := refreshCookieOf(t, res)
	if r, _ := ts.withCookie(t, "/api/v1/auth/logout", third); r.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r, _ := ts.withCookie(t, "/api/v1/auth/refresh", third); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d", r.StatusCode)
	}
}

// TestLoginThrottled: five wrong passwords lock the account for a while, with Retry-After, and
// the right password does not get in meanwhile; the errors never say whether the account exists.
func TestLoginThrottled(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	email := f.users[roleAdminA].Email
	var unknown, wrong []byte
	for range 5 {
		res, body := ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": "not the password"})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d %s", res.StatusCode, body)
		}
		wrong = body
	}
	_, unknown = ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": "nobody@example.jp", "password": "not the password"})
	if code(t, unknown) != code(t, wrong) {
		t.Errorf("an unknown address (%s) and a wrong password (%s) answer differently", unknown, wrong)
	}
	res, body := ts.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": testPassword})
	if res.StatusCode != http.StatusTooManyRequests || code(t, body) != "too_many_attempts" {
		t.Fatalf("sixth login: %d %s", res.StatusCode, body)
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}

func code(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}

// TestInviteStaffAndDisable: a chamber admin invites an analyst, who sets a password through
// the link once; disabling the analyst ends its access at once.
func TestInviteStaffAndDisable(t *testing.T) {
	ts := startServer(t, nil)
	f := seedStaff(t, ts)
	admin := f.tokens[roleAdminA]
	res, body := ts.do(t, http.MethodPost, "/api/v1/chambers/"+f.chamberA+"/users", admin,
		map[string]string{"email": "new@osaka.example.jp", "name": "新人 𠮷男", "role": "analyst"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("invite: %d %s", res.StatusCode, body)
	}
	var inv struct {
		User      struct{ ID string } `json:"user"`
		InviteURL string              `json:"invite_url"`
	}
	_ = json.Unmarshal(body, &inv)
	_, token, ok := strings.Cut(inv.InviteURL, "/staff/accept#")
	if !ok || token == "" {
		t.Fatalf("invite URL %q", inv.InviteURL)
	}
	if r, b := ts.do(t, http.MethodPost, "/api/v1/auth/accept", "", map[string]string{"token": token, "password": "short"}); r.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"path":"password"`) {
		t.Fatalf("a short password: %d %s", r.StatusCode, b)
	}
	if r, b := ts.do(t, http.MethodPost, "/api/v1/auth/accept", "", map[string]string{"token": token, "password": testPassword}); r.StatusCode != http.StatusOK {
		t.Fatalf("accept: %d %s", r.StatusCode, b)
	}
	if r, _ := ts.do(t, http.MethodPost, "/api/v1/auth/accept", "", map[string]string{"token": token, "password": testPassword + "!"}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("the set-password link worked twice: %d", r.StatusCode)
	}
	access := ts.login(t, "new@osaka.example.jp", testPassword)
	if r, _ := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+f.campaign, access, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the new analyst cannot read the chamber's campaign: %d", r.StatusCode)
	}
	if r, b := ts.do(t, http.MethodPatch, "/api/v1/users/"+inv.User.ID, admin, map[string]bool{"disabled": true}); r.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d %s", r.StatusCode, b)
	}
	if r, _ := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+f.campaign, access, nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a disabled user's access token still works: %d", r.StatusCode)
	}
	if _, err := ts.Auth.Login(context.Background(), "new@osaka.example.jp", testPassword, "203.0.113.9"); err != auth.ErrBadCredentials {
		t.Fatalf("a disabled user logs in: %v", err)
	}
}
