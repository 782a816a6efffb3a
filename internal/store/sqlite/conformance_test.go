package sqlite_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/esready/esready/internal/store/sqlite"
	"github.com/esready/esready/internal/store/storetest"
)

// TestConformance runs the one suite both stores pass.
func TestConformance(t *testing.T) {
	storetest.RunTests(t, func(t *testing.T) storetest.Store {
		s, err := sqlite.Open(context.Background(), sqlite.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		return s
	}, storetest.Options{})
}
