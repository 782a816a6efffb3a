package storetest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/esready/esready/internal/store/sqlite"
)

// SQLite opens the embedded store in a fresh directory, closed when the test ends: the real
// database the tests of the packages above the store run against.
func SQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}
