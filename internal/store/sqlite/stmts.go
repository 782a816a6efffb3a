package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// stmts holds the statements of one database handle, prepared once at start-up: SQLite's
// parser and planner cost as much as a small query itself, and every request runs the same
// dozen statements. They are prepared before the writer starts because a statement prepared
// later would wait for the write handle's one connection, which the writer's transaction holds.
type stmts struct {
	m map[string]*sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB, queries []string) (*stmts, error) {
	c := &stmts{m: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		c.m[q] = st
	}
	return c, nil
}

func (c *stmts) get(query string) (*sql.Stmt, error) {
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	return nil, fmt.Errorf("store: statement not prepared (add it to readStatements or writeStatements): %s", query)
}

func (c *stmts) close() {
	for _, st := range c.m {
		_ = st.Close()
	}
}

// query runs a prepared read statement.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.readStmts.get(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a prepared read statement that returns one row.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *rowScanner {
	st, err := s.readStmts.get(query)
	if err != nil {
		return &rowScanner{err: err}
	}
	return &rowScanner{row: st.QueryRowContext(ctx, args...)}
}

// rowScanner is *sql.Row with a preparation error carried to Scan.
type rowScanner struct {
	row *sql.Row
	err error
}

func (r *rowScanner) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

// wtx is the writer's transaction with its prepared statements.
type wtx struct {
	tx    *sql.Tx
	stmts *stmts
}

func (t wtx) stmt(query string) (*sql.Stmt, error) {
	st, err := t.stmts.get(query)
	if err != nil {
		return nil, err
	}
	return t.tx.Stmt(st), nil
}

func (t wtx) Exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (t wtx) QueryRow(query string, args ...any) *rowScanner {
	st, err := t.stmt(query)
	if err != nil {
		return &rowScanner{err: err}
	}
	return &rowScanner{row: st.QueryRow(args...)}
}
