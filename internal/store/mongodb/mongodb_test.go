package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/store"
	"github.com/esready/esready/internal/store/storetest"
)

func TestUserRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "")
	if !s.Embedded() {
		t.Fatal("store without a URI must run the embedded engine")
	}

	in := auth.User{
		Email: "Analyst@Chamber.example.jp", Name: "山田 花子", Role: auth.RoleChamber,
		ChamberID: "tokyo", PasswordHash: "$argon2id$v=19$...", CreatedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
	}
	created, err := s.CreateUser(ctx, in)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if created.ID == "" {
		t.Fatal("CreateUser returned no id")
	}
	want := in
	want.ID = created.ID
	want.Email = "analyst@chamber.example.jp"

	byEmail, err := s.UserByEmail(ctx, "ANALYST@chamber.example.jp")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if d := cmp.Diff(want, byEmail); d != "" {
		t.Errorf("UserByEmail (-want +got):\n%s", d)
	}
	byID, err := s.UserByID(ctx, created.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if d := cmp.Diff(want, byID); d != "" {
		t.Errorf("UserByID (-want +got):\n%s", d)
	}

	_, err = s.UserByID(ctx, "missing")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByID(missing) = %v, want ErrNotFound", err)
	}
}

func TestUniqueIndexViolationIsConflict(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "")
	if _, err := s.CreateUser(ctx, auth.User{Email: "a@example.jp", Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateUser(ctx, auth.User{Email: " A@EXAMPLE.jp", Role: auth.RoleAdmin})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second user with the same e-mail: err = %v, want ErrConflict", err)
	}
	// The first user is untouched and is the only one with that address.
	u, err := s.UserByEmail(ctx, "a@example.jp")
	if err != nil || u.Role != auth.RoleAdmin {
		t.Fatalf("first user after the conflict: %+v, %v", u, err)
	}
}

// TestDataSurvivesReopen closes the store and opens a new one on the same directory: every
// acknowledged write is there, and creating the indexes again is harmless.
func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *store.Store {
		s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "esready_test"})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	}

	s := open()
	var ids []string
	for _, e := range []string{"one@example.jp", "two@example.jp", "three@example.jp"} {
		u, err := s.CreateUser(ctx, auth.User{Email: e, Role: auth.RoleChamber})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}

	s = open()
	defer s.Close(ctx)
	for i, id := range ids {
		if _, err := s.UserByID(ctx, id); err != nil {
			t.Errorf("user %d after reopen: %v", i, err)
		}
	}
	// The unique index was recreated (idempotently) and still holds.
	if _, err := s.CreateUser(ctx, auth.User{Email: "two@example.jp"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate after reopen: err = %v, want ErrConflict", err)
	}
}

func TestOpenUnreachableMongoDBFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there, so server selection fails within the deadline.
	_, err := store.Open(ctx, store.Options{URI: "mongodb://user:secret@127.0.0.1:1/?serverSelectionTimeoutMS=500", Database: "x"})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "secret") {
		t.Errorf("error should name the host and hide the password: %q", msg)
	}
}

// BenchmarkCreateUserParallel measures inserts into the embedded engine from many goroutines,
// which the store serialises onto one write connection (DESIGN.md, Storage).
func BenchmarkCreateUserParallel(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, "")
	b.SetParallelism(16)
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.CreateUser(ctx, auth.User{Email: fmt.Sprintf("u%d@example.jp", n.Add(1)), Role: auth.RoleChamber}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkUserByID(b *testing.B) {
	ctx := context.Background()
	s := storetest.Open(b, "")
	u, err := s.CreateUser(ctx, auth.User{Email: "read@example.jp", Role: auth.RoleChamber})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.UserByID(ctx, u.ID); err != nil {
			b.Fatal(err)
		}
	}
}
