package auth

import (
	"context"
	"errors"
)

// Errors that storage returns, wrapped; callers match them with errors.Is.
var (
	ErrNotFound = errors.New("user not found")
	// ErrEmailTaken is a second account with an address already in use (ignoring case).
	ErrEmailTaken = errors.New("e-mail address already in use")
)

// Storer is what accounts need from storage.
type Storer interface {
	// CreateUser stores a new user, giving it an id when it has none, and returns it as stored
	// (e-mail address trimmed and lower-cased).
	CreateUser(ctx context.Context, u User) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
}
