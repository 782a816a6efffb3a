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
	sqlInsertUser = `INSERT INTO users (id, email, name, role, chamber_id, password_hash, created_at, invite_hash,
		invite_expires, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlUserByEmail = `SELECT id, email, name, role, chamber_id, password_hash, created_at, invite_hash, invite_expires,
		disabled FROM users WHERE email = ?`
	sqlUserByID = `SELECT id, email, name, role, chamber_id, password_hash, created_at, invite_hash, invite_expires,
		disabled FROM users WHERE id = ?`
	// The condition on invite_hash lets the planner use the partial index users_by_invite.
	sqlUserByInvite = `SELECT id, email, name, role, chamber_id, password_hash, created_at, invite_hash, invite_expires,
		disabled FROM users WHERE invite_hash = ? AND invite_hash != ''`
	sqlUsersOfChamber = `SELECT id, email, name, role, chamber_id, password_hash, created_at, invite_hash,
		invite_expires, disabled FROM users WHERE chamber_id = ? ORDER BY email`
	sqlUpdateUser = `UPDATE users SET name = ?, role = ?, password_hash = ?, invite_hash = ?, invite_expires = ?,
		disabled = ? WHERE id = ?`
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
	u.InviteExpires = u.InviteExpires.UTC()
	err := s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(sqlInsertUser, u.ID, u.Email, u.Name, string(u.Role), u.ChamberID, u.PasswordHash,
			unixNano(u.CreatedAt), u.InviteHash, nullTime(u.InviteExpires), u.Disabled)
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

// UserByInvite finds the user whose invitation link has the hash given; "" finds nobody.
func (s *Store) UserByInvite(ctx context.Context, hash string) (auth.User, error) {
	return s.user(ctx, sqlUserByInvite, hash)
}

// UsersOfChamber returns the users of a chamber by e-mail address; "" (no chamber) has none,
// not the platform admins.
func (s *Store) UsersOfChamber(ctx context.Context, chamberID string) ([]auth.User, error) {
	if chamberID == "" {
		return nil, nil
	}
	rows, err := s.query(ctx, sqlUsersOfChamber, chamberID)
	if err != nil {
		return nil, fmt.Errorf("store: users of chamber %s: %w", chamberID, err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users of chamber %s: %w", chamberID, err)
		}
		out = append(out, u)
	}
	return out, wrap(rows.Err(), "store: users of chamber "+chamberID)
}

// UpdateUser replaces the name, role, password hash, invitation and disabled flag of a user.
func (s *Store) UpdateUser(ctx context.Context, u auth.User) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		return expectOne(tx.Exec(sqlUpdateUser, u.Name, string(u.Role), u.PasswordHash, u.InviteHash,
			nullTime(u.InviteExpires), u.Disabled, u.ID))
	})
	if errors.Is(err, errNoRow) {
		return fmt.Errorf("store: user %s: %w", u.ID, auth.ErrNotFound)
	}
	return wrap(err, "store: update user")
}

func (s *Store) user(ctx context.Context, query, key string) (auth.User, error) {
	u, err := scanUser(s.queryRow(ctx, query, key))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, fmt.Errorf("store: user %s: %w", key, auth.ErrNotFound)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store: find user: %w", err)
	}
	return u, nil
}

// scanner is a row of *sql.Rows or a rowScanner.
type scanner interface{ Scan(dest ...any) error }

// scanUser reads the columns the user statements select, in their order.
func scanUser(r scanner) (auth.User, error) {
	var u auth.User
	var role string
	var created int64
	var expires sql.NullInt64
	err := r.Scan(&u.ID, &u.Email, &u.Name, &role, &u.ChamberID, &u.PasswordHash, &created, &u.InviteHash,
		&expires, &u.Disabled)
	if err != nil {
		return auth.User{}, err
	}
	u.Role, u.CreatedAt, u.InviteExpires = auth.Role(role), fromNano(created), fromNull(expires)
	return u, nil
}
