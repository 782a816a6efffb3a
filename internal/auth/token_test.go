package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

func claimsAt(now time.Time) Claims {
	return Claims{Role: RoleAnalyst, Chamber: "osaka", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: "u1", ID: "j1",
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute)),
	}}
}

func sign(t *testing.T, m jwt.SigningMethod, c Claims, key any) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTokenRefusals: every way an access token can be wrong is refused, and a right one
// passes (so the refusals are not the parser failing on everything).
func TestTokenRefusals(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tok, err := NewTokens(testKey, 15*time.Minute, clockAt(now))
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good := claimsAt(now)
	with := func(f func(*Claims)) Claims { c := claimsAt(now); f(&c); return c }
	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid", sign(t, jwt.SigningMethodHS256, good, testKey), true},
		{"expired", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) {
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
		}), testKey), false},
		{"no expiry", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.ExpiresAt = nil }), testKey), false},
		{"not yet valid", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) {
			c.NotBefore = jwt.NewNumericDate(now.Add(time.Minute))
		}), testKey), false},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
		}), testKey), false},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.Issuer = "someone-else" }), testKey), false},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }), testKey), false},
		{"no subject", sign(t, jwt.SigningMethodHS256, with(func(c *Claims) { c.Subject = "" }), testKey), false},
		{"other key", sign(t, jwt.SigningMethodHS256, good, []byte("another key of thirty-two bytes!")), false},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, good, testKey), false},
		{"HS384 with the right key", sign(t, jwt.SigningMethodHS384, good, testKey), false},
		{"RS256", sign(t, jwt.SigningMethodRS256, good, rsaKey), false},
		{"ES256", sign(t, jwt.SigningMethodES256, good, ecKey), false},
		{"alg none", sign(t, jwt.SigningMethodNone, good, jwt.UnsafeAllowNoneSignatureType), false},
		{"tampered claims", tamper(t, sign(t, jwt.SigningMethodHS256, good, testKey)), false},
		{"tampered signature", flipLast(sign(t, jwt.SigningMethodHS256, good, testKey)), false},
		{"key confusion: RS256 header, HMAC with the key", confused(t, good), false},
		{"garbage", "not.a.token", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tok.Parse(c.token)
			if c.ok {
				if err != nil || got.Subject != "u1" || got.Role != RoleAnalyst || got.Chamber != "osaka" {
					t.Fatalf("a valid token: %+v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("accepted: %+v, %v", got, err)
			}
		})
	}
}

// tamper raises the role in the payload and keeps the signature.
func tamper(t *testing.T, token string) string {
	parts := strings.Split(token, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["role"] = string(RoleAdmin)
	b, _ := json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

func flipLast(token string) string {
	last := token[len(token)-2]
	c := byte('A')
	if last == 'A' {
		c = 'B'
	}
	return token[:len(token)-2] + string(c) + token[len(token)-1:]
}

// confused builds the classic confusion token: a header naming RS256, signed with HMAC over
// the server's secret, as a server that takes the algorithm from the token would check it.
func confused(t *testing.T, c Claims) string {
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	input := hdr + "." + base64.RawURLEncoding.EncodeToString(body)
	sig, err := jwt.SigningMethodHS256.Sign(input, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestIssuedTokenRoundTrips(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := now
	tok, _ := NewTokens(testKey, 15*time.Minute, func() time.Time { return clock })
	s, exp, err := tok.Issue(User{ID: "u9", Role: RoleChamberAdmin, ChamberID: "kobe"})
	if err != nil || !exp.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("issue: %v %v", exp, err)
	}
	c, err := tok.Parse(s)
	if err != nil || c.Subject != "u9" || c.Chamber != "kobe" || c.Role != RoleChamberAdmin {
		t.Fatalf("parse: %+v %v", c, err)
	}
	clock = now.Add(16 * time.Minute)
	if _, err := tok.Parse(s); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("expired token accepted: %v", err)
	}
}

func TestShortKeyRefused(t *testing.T) {
	_, err := NewTokens([]byte("short"), time.Minute, time.Now)
	if err == nil || !strings.Contains(err.Error(), "jwt_key_file") {
		t.Fatalf("want an error naming jwt_key_file, got %v", err)
	}
}
