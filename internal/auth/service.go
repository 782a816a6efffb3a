package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// Errors of the account service.
var (
	// ErrBadCredentials is a login with an unknown address, a wrong password or a disabled
	// account: the caller is not told which.
	ErrBadCredentials = errors.New("wrong e-mail address or password")
	// ErrInvalidRefresh is a refresh token that is unknown, expired, revoked or reused.
	ErrInvalidRefresh = errors.New("invalid refresh token")
	// ErrInvalidInvite is an invitation link that is unknown, used or expired.
	ErrInvalidInvite = errors.New("invalid or expired invitation link")
	// ErrForbidden is an action the user's role does not allow.
	ErrForbidden = errors.New("not allowed for this role")
)

// Options configure the account service; zero values take the defaults.
type Options struct {
	AccessTTL  time.Duration // 15 minutes
	RefreshTTL time.Duration // 12 hours, renewed by every refresh
	InviteTTL  time.Duration // 7 days
}

func (o Options) withDefaults() Options {
	if o.AccessTTL <= 0 {
		o.AccessTTL = 15 * time.Minute
	}
	if o.RefreshTTL <= 0 {
		o.RefreshTTL = 12 * time.Hour
	}
	if o.InviteTTL <= 0 {
		o.InviteTTL = 7 * 24 * time.Hour
	}
	return o
}

// Service runs logins, sessions and accounts.
type Service struct {
	store    Storer
	tokens   *Tokens
	throttle *Throttle
	now      func() time.Time
	opts     Options
	// hashing bounds the argon2id hashes computed at once (19 MiB each), so a burst of logins
	// queues instead of exhausting memory.
	hashing chan struct{}
}

// NewService returns the account service signing with key.
func NewService(store Storer, key []byte, now func() time.Time, opts Options) (*Service, error) {
	opts = opts.withDefaults()
	tokens, err := NewTokens(key, opts.AccessTTL, now)
	if err != nil {
		return nil, err
	}
	return &Service{store: store, tokens: tokens, throttle: NewThrottle(now), now: now, opts: opts,
		hashing: make(chan struct{}, 4)}, nil
}

// Session is what a login or a refresh returns.
type Session struct {
	AccessToken    string
	AccessExpires  time.Time
	RefreshToken   string
	RefreshExpires time.Time
	User           User
}

// Principal is the user an access token speaks for.
type Principal struct {
	UserID    string
	Role      Role
	ChamberID string
}

// dummyHash is verified against when no account matches, so that an unknown address takes
// as long as a wrong password.
// It is made on the first such login, not when the package loads: an argon2id hash costs tens
// of milliseconds and 19 MiB, which every command of the binary would otherwise pay at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("no account has this password")
	return h
})

// Login checks a user's password and starts a session (a new refresh-token family). addr is
// the client's address, for the throttle.
func (s *Service) Login(ctx context.Context, email, password, addr string) (Session, error) {
	account := strings.ToLower(strings.TrimSpace(email))
	if err := s.throttle.Check(account, addr); err != nil {
		return Session{}, err
	}
	u, err := s.store.UserByEmail(ctx, account)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Session{}, err
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		hash = dummyHash()
	}
	ok, err := s.verify(ctx, hash, password)
	if err != nil {
		return Session{}, err
	}
	if !ok || u.ID == "" || u.PasswordHash == "" || u.Disabled {
		s.throttle.Fail(account, addr)
		return Session{}, ErrBadCredentials
	}
	family, err := randomToken(16)
	if err != nil {
		return Session{}, err
	}
	return s.session(ctx, u, family, func(next RefreshToken) error { return s.store.CreateRefreshToken(ctx, next) })
}

// verify checks a password under the hashing limit.
func (s *Service) verify(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(hash, password), nil
}

// session issues an access token for u and a refresh token of family, which store saves.
func (s *Service) session(ctx context.Context, u User, family string, store func(RefreshToken) error) (Session, error) {
	access, exp, err := s.tokens.Issue(u)
	if err != nil {
		return Session{}, err
	}
	refresh, err := randomToken(32)
	if err != nil {
		return Session{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	rt := RefreshToken{Hash: HashToken(refresh), Family: family, UserID: u.ID, IssuedAt: now, ExpiresAt: now.Add(s.opts.RefreshTTL)}
	if err := store(rt); err != nil {
		return Session{}, err
	}
	return Session{AccessToken: access, AccessExpires: exp, RefreshToken: refresh, RefreshExpires: rt.ExpiresAt, User: u}, nil
}

// Refresh rotates a refresh token: it returns a new session of the same family, and the token
// given stops working. A token presented a second time revokes its family.
func (s *Service) Refresh(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrInvalidRefresh
	}
	refresh, err := randomToken(32)
	if err != nil {
		return Session{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	next := RefreshToken{Hash: HashToken(refresh), IssuedAt: now, ExpiresAt: now.Add(s.opts.RefreshTTL)}
	old, err := s.store.RotateRefreshToken(ctx, HashToken(token), next, now)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrTokenReused) {
		return Session{}, ErrInvalidRefresh
	}
	if err != nil {
		return Session{}, err
	}
	u, err := s.store.UserByID(ctx, old.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
		_ = s.store.RevokeRefreshFamily(ctx, old.Family)
		return Session{}, ErrInvalidRefresh
	}
	if err != nil {
		return Session{}, err
	}
	access, exp, err := s.tokens.Issue(u)
	if err != nil {
		return Session{}, err
	}
	return Session{AccessToken: access, AccessExpires: exp, RefreshToken: refresh, RefreshExpires: next.ExpiresAt, User: u}, nil
}

// Logout ends the session of a refresh token: its whole family is revoked. An unknown token
// is no error (the session is over either way).
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	t, err := s.store.RefreshToken(ctx, HashToken(token))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.RevokeRefreshFamily(ctx, t.Family)
}

// Authenticate returns the principal of a valid access token whose user still exists and is
// not disabled; otherwise ErrInvalidToken.
func (s *Service) Authenticate(ctx context.Context, access string) (Principal, error) {
	c, err := s.tokens.Parse(access)
	if err != nil {
		return Principal{}, err
	}
	u, err := s.store.UserByID(ctx, c.Subject)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
		return Principal{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, err
	}
	// The stored role and chamber count, not the token's: a change applies at once.
	return Principal{UserID: u.ID, Role: u.Role, ChamberID: u.ChamberID}, nil
}

// User returns the account of a principal.
func (s *Service) User(ctx context.Context, p Principal) (User, error) {
	return s.store.UserByID(ctx, p.UserID)
}

// OwnChamber returns the chamber a member of staff works for; a platform admin has none
// (ErrNotFound).
func (s *Service) OwnChamber(ctx context.Context, p Principal) (Chamber, error) {
	if p.ChamberID == "" {
		return Chamber{}, ErrNotFound
	}
	return s.store.Chamber(ctx, p.ChamberID)
}
