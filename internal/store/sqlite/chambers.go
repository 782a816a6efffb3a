package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/esready/esready/internal/auth"
)

// Chambers are few (one per chamber of commerce on the platform): listing them reads the table.
const (
	sqlInsertChamber = `INSERT INTO chambers (id, name, name_en, created_at) VALUES (?, ?, ?, ?)`
	sqlChamberByID   = `SELECT id, name, name_en, created_at FROM chambers WHERE id = ?`
	sqlChambers      = `SELECT id, name, name_en, created_at FROM chambers ORDER BY id`
)

// CreateChamber stores a new chamber; an id in use is auth.ErrConflict.
func (s *Store) CreateChamber(ctx context.Context, c auth.Chamber) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(sqlInsertChamber, c.ID, c.Name, c.NameEN, unixNano(c.CreatedAt))
		return err
	})
	if isUnique(err) {
		return fmt.Errorf("store: chamber %s: %w", c.ID, auth.ErrConflict)
	}
	return wrap(err, "store: create chamber")
}

// Chamber returns one chamber; a missing one is auth.ErrNotFound.
func (s *Store) Chamber(ctx context.Context, id string) (auth.Chamber, error) {
	c, err := scanChamber(s.queryRow(ctx, sqlChamberByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Chamber{}, fmt.Errorf("store: chamber %s: %w", id, auth.ErrNotFound)
	}
	return c, wrap(err, "store: find chamber")
}

// Chambers returns every chamber by id.
func (s *Store) Chambers(ctx context.Context) ([]auth.Chamber, error) {
	rows, err := s.query(ctx, sqlChambers)
	if err != nil {
		return nil, fmt.Errorf("store: chambers: %w", err)
	}
	defer rows.Close()
	var out []auth.Chamber
	for rows.Next() {
		c, err := scanChamber(rows)
		if err != nil {
			return nil, fmt.Errorf("store: chambers: %w", err)
		}
		out = append(out, c)
	}
	return out, wrap(rows.Err(), "store: chambers")
}

func scanChamber(r scanner) (auth.Chamber, error) {
	var c auth.Chamber
	var created int64
	if err := r.Scan(&c.ID, &c.Name, &c.NameEN, &created); err != nil {
		return auth.Chamber{}, err
	}
	c.CreatedAt = fromNano(created)
	return c, nil
}
