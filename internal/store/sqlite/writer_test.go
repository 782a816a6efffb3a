package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/esready/esready/internal/auth"
)

// TestGroupIsolatesFailures commits one group in which one operation fails after writing, one
// matches nothing and two succeed: the failed one leaves nothing behind, the others commit, and
// each caller gets its own answer.
func TestGroupIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	insert := func(id string) func(wtx) error {
		return func(tx wtx) error {
			_, err := tx.Exec(sqlInsertUser, id, id+"@example.jp", "", "analyst", "", "", 0, "", nil, false)
			return err
		}
	}
	boom := errors.New("boom")
	batch := []*op{
		{ctx: ctx, fn: insert("a")},
		{ctx: ctx, fn: func(tx wtx) error {
			if err := insert("b")(tx); err != nil {
				return err
			}
			return boom // after writing b
		}},
		{ctx: ctx, fn: func(tx wtx) error {
			return expectOne(tx.Exec(sqlSaveDraft, "{}", 0, "missing", 0))
		}},
		{ctx: ctx, fn: insert("c")},
	}
	for _, o := range batch {
		o.done = make(chan error, 1)
	}
	s.w.commit(batch)
	want := []error{nil, boom, errNoRow, nil}
	for i, o := range batch {
		if err := <-o.done; !errors.Is(err, want[i]) || (want[i] == nil && err != nil) {
			t.Errorf("operation %d: %v, want %v", i, err, want[i])
		}
	}
	for _, id := range []string{"a", "c"} {
		if _, err := s.UserByID(ctx, id); err != nil {
			t.Errorf("user %s of a successful operation: %v", id, err)
		}
	}
	if _, err := s.UserByID(ctx, "b"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("user b of the failed operation: %v, want not found", err)
	}
}

// TestCheckpointsRunBesideTheWriter: with SQLite's own checkpoints off, the checkpointer copies
// committed pages into the database file (only a checkpoint makes that file grow).
func TestCheckpointsRunBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	size := func() int64 {
		fi, err := os.Stat(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for i := range 200 {
		if _, err := submitOne(ctx, s, fmt.Sprintf("c%d", i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return size() > before })
}
