// Package storetest opens a real store for tests: the embedded engine on a fresh directory,
// closed when the test ends. No mock of the database exists in this project.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/esready/esready/internal/store"
)

// Open starts the embedded engine in dir (t.TempDir() when dir is empty) and returns the store.
func Open(t testing.TB, dir string) *store.Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := store.Open(context.Background(), store.Options{
		DataDir: dir, Database: "esready_test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}
