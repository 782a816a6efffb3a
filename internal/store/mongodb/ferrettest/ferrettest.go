// Package ferrettest starts FerretDB v1 (SQLite backend) inside a test process, so that the
// MongoDB store's tests need no server. It is a test-only dependency: only _test.go files
// import it, and `go list -deps ./cmd/survey` must not list FerretDB.
//
// FerretDB v1 answers every update and findAndModify by reading the matching documents and then
// writing them back, without isolation between the two: two concurrent conditional updates of
// one document can both match, and two concurrent $inc can return the same value. MongoDB
// applies a single-document update atomically. The URI returned therefore caps the driver's
// pool at one connection, so that FerretDB runs one command at a time and a conditional update
// behaves as on MongoDB; goroutines still interleave between commands.
package ferrettest

import (
	"context"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Start runs FerretDB on a fresh directory (t.TempDir()) and a loopback port until the test
// ends, and returns its connection string. Its logs below warn are dropped, and so are its
// dumps of failed commands; log is where the rest goes (discarded when nil).
func Start(t testing.TB, log *slog.Logger) string {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String(),
		Logger:    slog.New(minLevel{log.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")}), slog.LevelWarn}),
	})
	if err != nil {
		t.Fatalf("ferrettest: start FerretDB in %s: %v", dir, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			log.Error("FerretDB stopped", "err", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	u, err := url.Parse(f.MongoDBURI()) // waits until the listener is up
	if err != nil {
		t.Fatalf("ferrettest: FerretDB URI: %v", err)
	}
	q := u.Query()
	q.Set("maxPoolSize", "1") // see the package comment
	u.RawQuery = q.Encode()
	return u.String()
}

// minLevel passes on records of at least level min, less FerretDB's dumps of failed command
// responses: it logs every command that answers ok:0 at warn with the whole wire message, which
// includes the driver's routine endSessions on disconnect and echoes stored values. The driver
// returns the same failure to the caller, which handles it.
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
