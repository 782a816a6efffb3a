// Package store is the persistence layer: the only package that speaks to MongoDB. With no
// connection string it starts an embedded MongoDB-compatible engine (FerretDB v1 on SQLite, files
// under the data directory, loopback listener) inside the process and talks to it through the
// same driver code that a real MongoDB gets, so the code path that tests exercise is the one that
// runs in production.
package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Errors callers match with errors.Is. Store methods wrap them with what was looked for.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Options says which database to use.
type Options struct {
	URI      string // a MongoDB connection string; empty starts the embedded engine
	DataDir  string // directory of the embedded engine's files
	Database string
	Logger   *slog.Logger
}

// Store is an open connection to the database. It is safe for concurrent use.
type Store struct {
	log      *slog.Logger
	embedded bool
	read     *mongo.Database
	write    *mongo.Database
	clients  []*mongo.Client
	engine   *engine
}

// Open connects to the database, starting the embedded engine when opts.URI is empty, and
// creates every collection's indexes (idempotently).
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Store{log: log}

	uri := opts.URI
	if uri == "" {
		eng, err := startEngine(opts.DataDir, log)
		if err != nil {
			return nil, err
		}
		s.engine, s.embedded, uri = eng, true, eng.uri
	}

	read, err := connect(ctx, uri, 0)
	if err != nil {
		s.stopEngine()
		return nil, err
	}
	s.clients = append(s.clients, read)
	s.read = read.Database(opts.Database)
	s.write = s.read
	if s.embedded {
		// SQLite has one writer: concurrent writers only queue on its lock, and the tail latency
		// grows tenfold (DESIGN.md, Storage). One write connection queues them in the driver's
		// pool instead, where a request's context can cancel the wait; reads keep their own pool.
		w, err := connect(ctx, uri, 1)
		if err != nil {
			_ = s.Close(context.WithoutCancel(ctx))
			return nil, err
		}
		s.clients = append(s.clients, w)
		s.write = w.Database(opts.Database)
	}

	if err := s.ensureIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, uri string, poolSize uint64) (*mongo.Client, error) {
	o := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetAppName("esready")
	if poolSize > 0 {
		o.SetMaxPoolSize(poolSize)
	}
	c, err := mongo.Connect(o)
	if err != nil {
		return nil, fmt.Errorf("store: connect to %s: %w", redact(uri), err)
	}
	if err := c.Ping(ctx, readpref.Primary()); err != nil {
		_ = c.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("store: cannot reach MongoDB at %s: %w", redact(uri), err)
	}
	return c, nil
}

// redact drops the password of a connection string so it can appear in logs and errors.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable connection string)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// Embedded reports whether the store runs the in-process engine.
func (s *Store) Embedded() bool { return s.embedded }

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.Client().Ping(ctx, readpref.Primary())
}

// Close disconnects and, for the embedded engine, stops it after its files are flushed.
func (s *Store) Close(ctx context.Context) error {
	var errs []error
	for _, c := range s.clients {
		if err := c.Disconnect(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	s.clients = nil
	s.stopEngine()
	return errors.Join(errs...)
}

func (s *Store) stopEngine() {
	if s.engine != nil {
		s.engine.stop()
		s.engine = nil
	}
}

// engine is the embedded FerretDB instance.
type engine struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

func startEngine(dataDir string, log *slog.Logger) (*engine, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("store: data directory %q: %w", dataDir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	sqliteURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		// The engine is chatty at info level; the operator needs its warnings and errors only.
		Logger: slog.New(minLevel{log.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")}), slog.LevelWarn}),
	})
	if err != nil {
		return nil, fmt.Errorf("store: start embedded engine in %s: %w", abs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &engine{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		if err := f.Run(ctx); err != nil {
			log.Error("embedded engine stopped", "err", err)
		}
	}()
	e.uri = f.MongoDBURI() // waits until the listener is up
	return e, nil
}

func (e *engine) stop() {
	e.cancel()
	<-e.done
}

// minLevel passes on the engine's records of at least level min, less its dumps of failed
// command responses: the engine logs every command that answers ok:0 at warn with the whole
// wire message, which includes the driver's routine endSessions on disconnect and can echo
// stored values. The driver returns the same failure to the caller, which handles or logs it.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError && strings.HasPrefix(r.Message, "Response ") {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// newID returns a random identifier: 16 bytes, hex-encoded.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b[:])
}

// mapErr turns driver errors into the store's own, keeping the original in the chain.
func mapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%s: %w: %w", what, ErrConflict, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}
