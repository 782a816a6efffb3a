package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The access token's fixed claims. Tokens are signed with HS256 only: one pinned algorithm, so
// a token naming any other (none, RS256 with the key as a public key, HS512) is refused.
const (
	Issuer   = "esready"
	Audience = "esready-api"
	// leeway tolerates clocks of servers sharing a database that differ by a few seconds.
	leeway = 5 * time.Second
)

var signingMethod = jwt.SigningMethodHS256

// ErrInvalidToken is an access token that is malformed, forged, expired or not yet valid, or
// whose user no longer exists or is disabled. The caller learns nothing more.
var ErrInvalidToken = errors.New("invalid or expired access token")

// Claims are what an access token carries.
type Claims struct {
	Role    Role   `json:"role"`
	Chamber string `json:"chamber,omitempty"`
	jwt.RegisteredClaims
}

// Tokens signs and verifies access tokens.
type Tokens struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewTokens returns a signer of access tokens valid for ttl.
func NewTokens(key []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("jwt_key_file: the key has %d bytes; at least %d are needed", len(key), MinKeyBytes)
	}
	return &Tokens{key: key, ttl: ttl, now: now}, nil
}

// Issue returns a signed access token for u and when it expires.
func (t *Tokens) Issue(u User) (string, time.Time, error) {
	now := t.now().UTC().Truncate(time.Second)
	exp := now.Add(t.ttl)
	id, err := randomToken(16)
	if err != nil {
		return "", time.Time{}, err
	}
	c := Claims{Role: u.Role, Chamber: u.ChamberID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: u.ID, ID: id,
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	s, err := jwt.NewWithClaims(signingMethod, c).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, err
	}
	return s, exp, nil
}

// Parse verifies a token's signature, algorithm, issuer, audience and times, and returns its
// claims; any failure is ErrInvalidToken.
func (t *Tokens) Parse(token string) (Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{signingMethod.Alg()}), jwt.WithIssuer(Issuer), jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(leeway), jwt.WithTimeFunc(t.now))
	if err != nil || c.Subject == "" || c.NotBefore == nil {
		return Claims{}, ErrInvalidToken
	}
	return c, nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is how refresh tokens and invitation links are stored: SHA-256, hex. The tokens
// are 32 random bytes, so a fast hash is enough; no salt is needed.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
