package mongodb

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/esready/esready/internal/auth"
)

// TestRotationRacingReuse stores the next token of a rotation after a concurrent reuse of the
// rotated token has revoked its family, an interleaving the conformance suite's concurrent
// rotation rarely produces: the next token is revoked too. Without the reuse, it is current.
func TestRotationRacingReuse(t *testing.T) {
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := srv.open(t)
			issued := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			now := issued.Add(time.Hour)
			for _, c := range []struct {
				old     string
				revoked bool // by a reuse, between the rotation of old and the insertion of next
				want    error
			}{
				{"reused", true, auth.ErrNotFound},
				{"alone", false, nil},
			} {
				old := auth.RefreshToken{Hash: c.old, Family: "fam-" + c.old, UserID: "u1", IssuedAt: issued,
					ExpiresAt: issued.Add(24 * time.Hour), RotatedAt: now, Revoked: c.revoked}
				if err := s.CreateRefreshToken(ctx, old); err != nil {
					t.Fatal(err)
				}
				next := auth.RefreshToken{Hash: "next-" + c.old, Family: old.Family, UserID: "u1", IssuedAt: now,
					ExpiresAt: now.Add(24 * time.Hour)}
				if err := s.storeNext(ctx, tokenToDoc(old), next); err != nil {
					t.Fatalf("storeNext after %s: %v", c.old, err)
				}
				later := now.Add(time.Minute)
				_, err := s.RotateRefreshToken(ctx, next.Hash, auth.RefreshToken{Hash: "then-" + c.old, IssuedAt: later,
					ExpiresAt: later.Add(time.Hour)}, later)
				if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
					t.Errorf("rotating the next token of %s = %v, want %v", c.old, err, c.want)
				}
			}
		})
	}
}

// TestRoleChamberRenamed: a user of an earlier build with the role chamber reads back as a
// chamber admin once the store is opened again.
func TestRoleChamberRenamed(t *testing.T) {
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := srv.open(t)
			_, err := s.db.Collection(colUsers).InsertOne(ctx, bson.D{{Key: "_id", Value: "u1"},
				{Key: "email", Value: "a@example.jp"}, {Key: "name", Value: "𠮷田"}, {Key: "role", Value: "chamber"},
				{Key: "chamber_id", Value: "tokyo"}, {Key: "password_hash", Value: "h"},
				{Key: "created_at", Value: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
			if err != nil {
				t.Fatal(err)
			}
			u, err := srv.reopen(t, s).UserByID(ctx, "u1")
			if err != nil || u.Role != auth.RoleChamberAdmin || u.ChamberID != "tokyo" {
				t.Errorf("user of an earlier build = %+v, %v; want a chamber admin of tokyo", u, err)
			}
		})
	}
}
