package sqlite_test

import (
	"testing"

	"github.com/esready/esready/internal/store/storetest"
)

// TestConformance runs the one suite both stores pass.
func TestConformance(t *testing.T) {
	storetest.RunTests(t, func(t *testing.T) storetest.Store { return storetest.SQLite(t) }, storetest.Options{})
}
