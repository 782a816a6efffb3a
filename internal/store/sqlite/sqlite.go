// Package sqlite is the embedded store: one SQLite database file under the data directory,
// through modernc.org/sqlite (pure Go, so the binary stays static). Every acknowledged write is
// on disk before the call returns (WAL with synchronous=FULL); concurrent writes are committed
// in groups by one writer goroutine, so an fsync is shared by every write queued behind it
// instead of bounding throughput. Reads run concurrently on their own connections and never
// wait for the writer. The schema is designed for the app's queries: every statement reaches a
// growing table through an index (plan_test.go checks each one with EXPLAIN QUERY PLAN).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "esready.db"

// Options says where the database lives.
type Options struct {
	Dir    string // the data directory; created if missing
	Logger *slog.Logger
}

// Store is the open embedded database. It is safe for concurrent use.
type Store struct {
	path      string
	log       *slog.Logger
	read      *sql.DB // concurrent readers; query_only
	readStmts *stmts
	write     *sql.DB // one connection, owned by the writer goroutine
	w         *writer
	ckpt      *checkpointer
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the database in o.Dir and applies pending migrations.
func Open(ctx context.Context, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("store: data directory %q (setting data_dir): %w", o.Dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory %s (setting data_dir): %w", dir, err)
	}
	warnLegacy(dir, log)
	s := &Store{path: filepath.Join(dir, FileName), log: log}
	if s.write, err = openDB(s.path, false); err != nil {
		return nil, err
	}
	s.write.SetMaxOpenConns(1)
	if err := migrate(ctx, s.write, migrations); err != nil {
		_ = s.write.Close()
		return nil, fmt.Errorf("store: %s: %w", s.path, err)
	}
	if s.read, err = openDB(s.path, true); err != nil {
		_ = s.write.Close()
		return nil, err
	}
	s.read.SetMaxOpenConns(8)
	s.read.SetMaxIdleConns(8)
	ws, err := prepare(ctx, s.write, writeStatements)
	if err == nil {
		s.readStmts, err = prepare(ctx, s.read, readStatements)
		if err != nil {
			ws.close()
		}
	}
	if err != nil {
		_ = s.read.Close()
		_ = s.write.Close()
		return nil, fmt.Errorf("store: %s: %w", s.path, err)
	}
	ckptDB, err := openDB(s.path, false)
	if err != nil {
		ws.close()
		s.readStmts.close()
		_ = s.read.Close()
		_ = s.write.Close()
		return nil, err
	}
	ckptDB.SetMaxOpenConns(1)
	s.w = startWriter(s.write, ws)
	s.ckpt = startCheckpointer(ckptDB, &s.w.commits, log)
	return s, nil
}

// openDB opens a handle on the database file. Every connection gets the same pragmas: WAL so
// readers never block the writer, synchronous=FULL so a commit is on disk (power loss too)
// before it returns, and a busy timeout for the moments a checkpoint or a backup holds a lock.
func openDB(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "wal_autocheckpoint(0)") // the checkpointer does it, beside the writer
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Set("_txlock", "immediate")
	}
	dsn := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// warnLegacy says once that FerretDB files of earlier development builds are left alone.
func warnLegacy(dir string, log *slog.Logger) {
	old, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if len(old) > 0 {
		log.Warn("the data directory holds files of the earlier embedded engine (FerretDB); they are not migrated and are ignored",
			"files", old)
	}
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Describe names the database for people.
func (s *Store) Describe() string { return "embedded SQLite (" + s.path + ")" }

// Ping checks that the database file answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close waits for the writes already queued, then closes the database; the WAL is checkpointed
// into the main file when the last connection closes. Closing again does nothing.
func (s *Store) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.w.close()
		s.ckpt.close()
		s.readStmts.close()
		s.closeErr = errors.Join(s.read.Close(), s.ckpt.db.Close(), s.write.Close())
	})
	return s.closeErr
}
