package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is a refused value of a request, named by its field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Reasons a field is refused.
var (
	ErrRequired     = errors.New("required")
	ErrTooLong      = errors.New("too long")
	ErrInvalidEmail = errors.New("not an e-mail address")
	ErrInvalidRole  = errors.New("unknown role")
	ErrInvalidID    = errors.New("not a valid id")
)

// NewUser is an account to create.
type NewUser struct {
	Email     string
	Name      string
	Role      Role
	ChamberID string
}

// check validates the fields of a new account.
func (n NewUser) check() error {
	if _, err := mail.ParseAddress(n.Email); err != nil || strings.ContainsAny(n.Email, "<> ") {
		return &FieldError{"email", ErrInvalidEmail}
	}
	if strings.TrimSpace(n.Name) == "" {
		return &FieldError{"name", ErrRequired}
	}
	if utf8.RuneCountInString(n.Name) > 100 || len(n.Email) > 254 {
		return &FieldError{"name", ErrTooLong}
	}
	if !n.Role.Valid() {
		return &FieldError{"role", ErrInvalidRole}
	}
	if (n.Role == RoleAdmin) != (n.ChamberID == "") {
		return &FieldError{"chamber_id", ErrRequired}
	}
	return nil
}

// CreateChamber adds a chamber; only a platform admin may.
func (s *Service) CreateChamber(ctx context.Context, p Principal, c Chamber) (Chamber, error) {
	if p.Role != RoleAdmin {
		return Chamber{}, ErrForbidden
	}
	if !validID(c.ID) {
		return Chamber{}, &FieldError{"id", ErrInvalidID}
	}
	if strings.TrimSpace(c.Name) == "" {
		return Chamber{}, &FieldError{"name", ErrRequired}
	}
	if strings.TrimSpace(c.NameEN) == "" {
		return Chamber{}, &FieldError{"name_en", ErrRequired}
	}
	c.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	if err := s.store.CreateChamber(ctx, c); err != nil {
		return Chamber{}, err
	}
	return c, nil
}

// Chambers lists every chamber; only a platform admin may.
func (s *Service) Chambers(ctx context.Context, p Principal) ([]Chamber, error) {
	if p.Role != RoleAdmin {
		return nil, ErrForbidden
	}
	return s.store.Chambers(ctx)
}

// validID accepts the ids people choose for chambers: 2–40 lower-case letters, digits and
// hyphens.
func validID(id string) bool {
	if len(id) < 2 || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// manages reports whether p may manage the staff of chamber: a platform admin any chamber, a
// chamber admin its own. Another chamber is ErrNotFound, so its existence is not revealed; an
// analyst of the chamber is ErrForbidden.
func manages(p Principal, chamber string) error {
	switch {
	case p.Role == RoleAdmin:
		return nil
	case p.ChamberID == "" || p.ChamberID != chamber:
		return ErrNotFound
	case p.Role == RoleChamberAdmin:
		return nil
	}
	return ErrForbidden
}

// InviteUser creates an account without a password and returns it with the one-time token
// of the link with which its owner sets one (shown once, valid for InviteTTL). A platform
// admin invites anyone; a chamber admin, admins and analysts of its own chamber.
func (s *Service) InviteUser(ctx context.Context, p Principal, n NewUser) (User, string, error) {
	n.Email = strings.TrimSpace(n.Email)
	if err := manages(p, n.ChamberID); err != nil {
		return User{}, "", err
	}
	if n.Role == RoleAdmin && p.Role != RoleAdmin {
		return User{}, "", ErrForbidden
	}
	if err := n.check(); err != nil {
		return User{}, "", err
	}
	if n.ChamberID != "" {
		if _, err := s.store.Chamber(ctx, n.ChamberID); err != nil {
			return User{}, "", err
		}
	}
	token, err := randomToken(32)
	if err != nil {
		return User{}, "", err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	u, err := s.store.CreateUser(ctx, User{Email: n.Email, Name: strings.TrimSpace(n.Name), Role: n.Role, ChamberID: n.ChamberID,
		CreatedAt: now, InviteHash: HashToken(token), InviteExpires: now.Add(s.opts.InviteTTL)})
	if err != nil {
		return User{}, "", err
	}
	return u, token, nil
}

// AcceptInvite sets the password of an invited account from its link; the link then stops
// working.
func (s *Service) AcceptInvite(ctx context.Context, token, password string) (User, error) {
	u, err := s.store.UserByInvite(ctx, HashToken(token))
	if errors.Is(err, ErrNotFound) || (err == nil && (token == "" || !s.now().Before(u.InviteExpires) || u.Disabled)) {
		return User{}, ErrInvalidInvite
	}
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword(password, u.Email); err != nil {
		return User{}, &FieldError{"password", err}
	}
	if u.PasswordHash, err = HashPassword(password); err != nil {
		return User{}, err
	}
	u.InviteHash, u.InviteExpires = "", time.Time{}
	return u, s.store.UpdateUser(ctx, u)
}

// Users lists the staff of a chamber.
func (s *Service) Users(ctx context.Context, p Principal, chamber string) ([]User, error) {
	if err := manages(p, chamber); err != nil {
		return nil, err
	}
	if _, err := s.store.Chamber(ctx, chamber); err != nil {
		return nil, err
	}
	return s.store.UsersOfChamber(ctx, chamber)
}

// UserChange is an edit of an account; nil fields stay as they are.
type UserChange struct {
	Role     *Role
	Disabled *bool
}

// UpdateUser changes a chamber user's role or disables it. Nobody disables or demotes
// themselves, so a chamber cannot lose its last admin by accident.
func (s *Service) UpdateUser(ctx context.Context, p Principal, id string, ch UserChange) (User, error) {
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	if err := manages(p, u.ChamberID); err != nil {
		return User{}, err
	}
	if u.Role == RoleAdmin {
		return User{}, ErrNotFound
	}
	if id == p.UserID {
		return User{}, ErrForbidden
	}
	if ch.Role != nil {
		if *ch.Role != RoleChamberAdmin && *ch.Role != RoleAnalyst {
			return User{}, &FieldError{"role", ErrInvalidRole}
		}
		u.Role = *ch.Role
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return User{}, err
	}
	if u.Disabled {
		if err := s.store.RevokeUserTokens(ctx, u.ID); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// Bootstrap creates an account with a password directly: the first platform admin, from the
// command line, where no one is logged in to invite it.
func (s *Service) Bootstrap(ctx context.Context, n NewUser, password string) (User, error) {
	n.Email = strings.TrimSpace(n.Email)
	if err := n.check(); err != nil {
		return User{}, err
	}
	if err := CheckPassword(password, n.Email); err != nil {
		return User{}, &FieldError{"password", err}
	}
	if n.ChamberID != "" {
		if _, err := s.store.Chamber(ctx, n.ChamberID); err != nil {
			return User{}, fmt.Errorf("chamber %q: %w", n.ChamberID, err)
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	return s.store.CreateUser(ctx, User{Email: n.Email, Name: strings.TrimSpace(n.Name), Role: n.Role, ChamberID: n.ChamberID,
		PasswordHash: hash, CreatedAt: s.now().UTC().Truncate(time.Millisecond)})
}
