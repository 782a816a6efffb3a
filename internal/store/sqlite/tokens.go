package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/esready/esready/internal/auth"
)

const (
	sqlInsertToken = `INSERT INTO refresh_tokens (hash, family, user_id, issued_at, expires_at, rotated_at, revoked)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlTokenByHash = `SELECT hash, family, user_id, issued_at, expires_at, rotated_at, revoked FROM refresh_tokens
		WHERE hash = ?`
	sqlRotateToken       = `UPDATE refresh_tokens SET rotated_at = ? WHERE hash = ?`
	sqlRevokeTokenFamily = `UPDATE refresh_tokens SET revoked = 1 WHERE family = ?`
	sqlRevokeUserTokens  = `UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?`
)

// CreateRefreshToken stores a new refresh token; a hash in use is auth.ErrConflict.
func (s *Store) CreateRefreshToken(ctx context.Context, t auth.RefreshToken) error {
	err := s.w.exec(ctx, func(tx wtx) error { return insertToken(tx, t) })
	if isUnique(err) {
		return fmt.Errorf("store: refresh token: %w", auth.ErrConflict)
	}
	return wrap(err, "store: create refresh token")
}

func insertToken(tx wtx, t auth.RefreshToken) error {
	_, err := tx.Exec(sqlInsertToken, t.Hash, t.Family, t.UserID, unixNano(t.IssuedAt), unixNano(t.ExpiresAt),
		nullTime(t.RotatedAt), t.Revoked)
	return err
}

// RotateRefreshToken marks the current token old rotated at now and stores next in its place,
// in one transaction, and returns old as it is now stored. next takes the family and the user
// of old, whatever it says. A rotated token revokes its family (committed, so the error is
// returned after the commit) and gives auth.ErrTokenReused; a missing, revoked or expired one
// auth.ErrNotFound.
func (s *Store) RotateRefreshToken(ctx context.Context, old string, next auth.RefreshToken, now time.Time) (auth.RefreshToken, error) {
	var cur auth.RefreshToken
	var reused bool
	err := s.w.exec(ctx, func(tx wtx) error {
		var err error
		reused = false
		if cur, err = scanToken(tx.QueryRow(sqlTokenByHash, old)); errors.Is(err, sql.ErrNoRows) {
			return errNoRow
		} else if err != nil {
			return err
		}
		switch {
		case !cur.RotatedAt.IsZero():
			reused = true
			_, err := tx.Exec(sqlRevokeTokenFamily, cur.Family)
			return err
		case cur.Revoked || !cur.ExpiresAt.After(now):
			return errNoRow
		}
		if _, err := tx.Exec(sqlRotateToken, unixNano(now), old); err != nil {
			return err
		}
		cur.RotatedAt = now.UTC()
		next.Family, next.UserID = cur.Family, cur.UserID
		return insertToken(tx, next)
	})
	switch {
	case errors.Is(err, errNoRow):
		return auth.RefreshToken{}, fmt.Errorf("store: refresh token: %w", auth.ErrNotFound)
	case isUnique(err):
		return auth.RefreshToken{}, fmt.Errorf("store: rotate refresh token: next token: %w", auth.ErrConflict)
	case err != nil:
		return auth.RefreshToken{}, fmt.Errorf("store: rotate refresh token: %w", err)
	case reused:
		return auth.RefreshToken{}, fmt.Errorf("store: refresh token of family %s: %w", cur.Family, auth.ErrTokenReused)
	}
	return cur, nil
}

// RefreshToken returns the token with hash; a missing one is auth.ErrNotFound.
func (s *Store) RefreshToken(ctx context.Context, hash string) (auth.RefreshToken, error) {
	t, err := scanToken(s.queryRow(ctx, sqlTokenByHash, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.RefreshToken{}, fmt.Errorf("store: refresh token: %w", auth.ErrNotFound)
	}
	if err != nil {
		return auth.RefreshToken{}, fmt.Errorf("store: find refresh token: %w", err)
	}
	return t, nil
}

// RevokeRefreshFamily revokes every token of a family.
func (s *Store) RevokeRefreshFamily(ctx context.Context, family string) error {
	return s.revokeTokens(ctx, sqlRevokeTokenFamily, family)
}

// RevokeUserTokens revokes every refresh token of a user.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string) error {
	return s.revokeTokens(ctx, sqlRevokeUserTokens, userID)
}

func (s *Store) revokeTokens(ctx context.Context, query, key string) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(query, key)
		return err
	})
	return wrap(err, "store: revoke refresh tokens")
}

func scanToken(r scanner) (auth.RefreshToken, error) {
	var t auth.RefreshToken
	var issued, expires int64
	var rotated sql.NullInt64
	if err := r.Scan(&t.Hash, &t.Family, &t.UserID, &issued, &expires, &rotated, &t.Revoked); err != nil {
		return auth.RefreshToken{}, err
	}
	t.IssuedAt, t.ExpiresAt, t.RotatedAt = fromNano(issued), fromNano(expires), fromNull(rotated)
	return t, nil
}
