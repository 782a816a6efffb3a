package auth

import (
	"context"
	"errors"
	"time"
)

// Errors that storage returns, wrapped; callers match them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	// ErrEmailTaken is a second account with an address already in use (ignoring case).
	ErrEmailTaken = errors.New("e-mail address already in use")
	// ErrConflict is a second chamber with an id already in use.
	ErrConflict = errors.New("already exists")
	// ErrTokenReused is a refresh token presented after it was rotated: the store has revoked
	// its whole family.
	ErrTokenReused = errors.New("refresh token reused")
)

// Storer is what accounts need from storage.
type Storer interface {
	// CreateChamber stores a new chamber; a duplicate id is ErrConflict.
	CreateChamber(ctx context.Context, c Chamber) error
	Chamber(ctx context.Context, id string) (Chamber, error)
	// Chambers returns every chamber, by id.
	Chambers(ctx context.Context) ([]Chamber, error)

	// CreateUser stores a new user, giving it an id when it has none, and returns it as stored
	// (e-mail address trimmed and lower-cased).
	CreateUser(ctx context.Context, u User) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	// UserByInvite returns the user whose InviteHash is hash (expired or not).
	UserByInvite(ctx context.Context, hash string) (User, error)
	// UsersOfChamber returns a chamber's users, by e-mail address.
	UsersOfChamber(ctx context.Context, chamberID string) ([]User, error)
	// UpdateUser replaces a user's name, role, password hash, invitation and disabled flag
	// (not its id, e-mail address, chamber or creation time); a missing user is ErrNotFound.
	UpdateUser(ctx context.Context, u User) error

	// CreateRefreshToken stores a new token.
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	// RotateRefreshToken marks the token with hash old rotated at now, if it is current
	// (not rotated, not revoked, not expired at now), and stores next in its place, with the
	// Family and UserID of the old token (whatever next holds there); it returns the old token. A token already rotated gives ErrTokenReused, after
	// revoking every token of its family; an unknown, revoked or expired one, ErrNotFound.
	// Neither changes anything else.
	RotateRefreshToken(ctx context.Context, old string, next RefreshToken, now time.Time) (RefreshToken, error)
	// RefreshToken returns the stored token with hash, whatever its state; a missing one is
	// ErrNotFound.
	RefreshToken(ctx context.Context, hash string) (RefreshToken, error)
	// RevokeRefreshFamily revokes every token of a family (logout); an unknown family is no error.
	RevokeRefreshFamily(ctx context.Context, family string) error
	// RevokeUserTokens revokes every refresh token of a user (disabled, password changed).
	RevokeUserTokens(ctx context.Context, userID string) error
}
