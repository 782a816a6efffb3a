package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/esready/esready/internal/auth"
)

const (
	sqlInsertUser = `INSERT INTO users (id, email, name, role, chamber_id, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlUserByEmail = `SELECT id, email, name, role, chamber_id, password_hash, created_at FROM users WHERE email = ?`
	sqlUserByID    = `SELECT id, email, name, role, chamber_id, password_hash, created_at FROM users WHERE id = ?`
)

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CreateUser stores a new user; a second user with the same e-mail address (ignoring case) is
// auth.ErrEmailTaken.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if u.ID == "" {
		u.ID = newID()
	}
	u.Email = normEmail(u.Email)
	u.CreatedAt = u.CreatedAt.UTC()
	err := s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(sqlInsertUser, u.ID, u.Email, u.Name, string(u.Role), u.ChamberID, u.PasswordHash, unixNano(u.CreatedAt))
		return err
	})
	if isUnique(err) {
		return auth.User{}, fmt.Errorf("store: user %s: %w", u.Email, auth.ErrEmailTaken)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UserByEmail finds a user by e-mail address, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.user(ctx, sqlUserByEmail, normEmail(email))
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (auth.User, error) {
	return s.user(ctx, sqlUserByID, id)
}

func (s *Store) user(ctx context.Context, query, key string) (auth.User, error) {
	var u auth.User
	var role string
	var created int64
	err := s.queryRow(ctx, query, key).Scan(&u.ID, &u.Email, &u.Name, &role, &u.ChamberID, &u.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, fmt.Errorf("store: user %s: %w", key, auth.ErrNotFound)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store: find user: %w", err)
	}
	u.Role, u.CreatedAt = auth.Role(role), fromNano(created)
	return u, nil
}
