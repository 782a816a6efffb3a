package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/esready/esready/internal/auth"
)

func testChambers(t *testing.T, s Store) {
	ctx := context.Background()
	osaka := auth.Chamber{ID: "osaka", Name: "大阪商工会議所", NameEN: "Osaka Chamber of Commerce and Industry", CreatedAt: at(time.Hour)}
	tokyo := auth.Chamber{ID: "tokyo", Name: "東京商工会議所 𠮷", NameEN: "", CreatedAt: at(2 * time.Hour)}
	for _, c := range []auth.Chamber{tokyo, osaka} {
		if err := s.CreateChamber(ctx, c); err != nil {
			t.Fatalf("CreateChamber(%s): %v", c.ID, err)
		}
	}
	got, err := s.Chamber(ctx, "tokyo")
	if d := cmp.Diff(tokyo, got); err != nil || d != "" {
		t.Errorf("Chamber(tokyo) (-want +got), %v:\n%s", err, d)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("Chamber(tokyo).CreatedAt = %v, want UTC", got.CreatedAt)
	}
	all, err := s.Chambers(ctx)
	if d := cmp.Diff([]auth.Chamber{osaka, tokyo}, all); err != nil || d != "" {
		t.Errorf("Chambers, by id (-want +got), %v:\n%s", err, d)
	}
	err = s.CreateChamber(ctx, auth.Chamber{ID: "tokyo", Name: "another", CreatedAt: at(3 * time.Hour)})
	if !errors.Is(err, auth.ErrConflict) {
		t.Errorf("second CreateChamber(tokyo) = %v, want ErrConflict", err)
	}
	if got, err := s.Chamber(ctx, "tokyo"); err != nil || !cmp.Equal(tokyo, got) {
		t.Errorf("Chamber(tokyo) after a duplicate = %+v, %v; want it unchanged", got, err)
	}
	if _, err := s.Chamber(ctx, "absent"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("Chamber(absent) = %v, want ErrNotFound", err)
	}
}

// createUsers stores users and returns them as stored.
func createUsers(t *testing.T, s Store, us ...auth.User) []auth.User {
	t.Helper()
	var out []auth.User
	for _, u := range us {
		created, err := s.CreateUser(context.Background(), u)
		if err != nil {
			t.Fatalf("CreateUser(%s): %v", u.Email, err)
		}
		out = append(out, created)
	}
	return out
}

func testUsersOfChamber(t *testing.T, s Store) {
	ctx := context.Background()
	us := createUsers(t, s,
		auth.User{Email: "yamada@tokyo.example.jp", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0)},
		auth.User{Email: "Abe@Tokyo.example.jp", Role: auth.RoleChamberAdmin, ChamberID: "tokyo", CreatedAt: at(time.Hour)},
		auth.User{Email: "sato@osaka.example.jp", Role: auth.RoleChamberAdmin, ChamberID: "osaka", CreatedAt: at(0)},
		auth.User{Email: "kato@tokyo.example.jp", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0), Disabled: true},
		auth.User{Email: "root@example.jp", Role: auth.RoleAdmin, CreatedAt: at(0)},
	)
	for _, c := range []struct {
		chamber string
		want    []auth.User
	}{
		{"tokyo", []auth.User{us[1], us[3], us[0]}}, // by e-mail address
		{"osaka", []auth.User{us[2]}},
		{"absent", nil},
		{"", nil}, // the platform admins belong to no chamber, and are no chamber's users
	} {
		got, err := s.UsersOfChamber(ctx, c.chamber)
		if err != nil {
			t.Fatalf("UsersOfChamber(%q): %v", c.chamber, err)
		}
		if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("UsersOfChamber(%q) (-want +got):\n%s", c.chamber, d)
		}
	}
}

func testUpdateUser(t *testing.T, s Store) {
	ctx := context.Background()
	us := createUsers(t, s,
		auth.User{Email: "invited@tokyo.example.jp", Name: "Invited", Role: auth.RoleAnalyst, ChamberID: "tokyo",
			CreatedAt: at(0), InviteHash: "invite-1", InviteExpires: at(72 * time.Hour)},
		auth.User{Email: "other@tokyo.example.jp", Name: "Other", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0)},
	)
	want := us[0]
	steps := []func(u *auth.User){
		// The invitation used: a password set, the link gone.
		func(u *auth.User) {
			u.Name, u.PasswordHash, u.InviteHash, u.InviteExpires = "山田 𠮷", "$argon2id$x", "", time.Time{}
		},
		func(u *auth.User) { u.Role, u.Disabled = auth.RoleChamberAdmin, true },
		// Invited again: a new link, the password reset.
		func(u *auth.User) {
			u.Disabled, u.PasswordHash, u.InviteHash, u.InviteExpires = false, "", "invite-2", at(96*time.Hour)
		},
	}
	for i, step := range steps {
		step(&want)
		in := want
		// What UpdateUser never changes.
		in.Email, in.ChamberID, in.CreatedAt = "changed@example.jp", "osaka", at(time.Hour)
		if err := s.UpdateUser(ctx, in); err != nil {
			t.Fatalf("UpdateUser #%d: %v", i+1, err)
		}
		got, err := s.UserByID(ctx, want.ID)
		if d := cmp.Diff(want, got); err != nil || d != "" {
			t.Errorf("after UpdateUser #%d (-want +got), %v:\n%s", i+1, err, d)
		}
	}
	if got, err := s.UserByEmail(ctx, want.Email); err != nil || got.ID != want.ID {
		t.Errorf("UserByEmail(%s) after updates = %+v, %v", want.Email, got, err)
	}
	if err := s.UpdateUser(ctx, auth.User{ID: "absent", Email: "absent@example.jp", Role: auth.RoleAdmin}); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UpdateUser(absent) = %v, want ErrNotFound", err)
	}
	if got, err := s.UserByID(ctx, us[1].ID); err != nil || !cmp.Equal(us[1], got) {
		t.Errorf("another user changed: %+v, %v; want %+v", got, err, us[1])
	}
}

func testUserByInvite(t *testing.T, s Store) {
	ctx := context.Background()
	us := createUsers(t, s,
		auth.User{Email: "a@example.jp", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0),
			InviteHash: "hash-a", InviteExpires: at(72 * time.Hour)},
		auth.User{Email: "expired@example.jp", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0),
			InviteHash: "hash-expired", InviteExpires: at(-time.Hour)},
		auth.User{Email: "active@example.jp", Role: auth.RoleAnalyst, ChamberID: "tokyo", CreatedAt: at(0), PasswordHash: "x"},
	)
	for i, hash := range []string{"hash-a", "hash-expired"} {
		got, err := s.UserByInvite(ctx, hash)
		if d := cmp.Diff(us[i], got); err != nil || d != "" {
			t.Errorf("UserByInvite(%s) (-want +got), %v:\n%s", hash, err, d)
		}
	}
	for _, hash := range []string{"absent", ""} {
		if _, err := s.UserByInvite(ctx, hash); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("UserByInvite(%q) = %v, want ErrNotFound", hash, err)
		}
	}
	used := us[0]
	used.InviteHash, used.InviteExpires, used.PasswordHash = "", time.Time{}, "set"
	if err := s.UpdateUser(ctx, used); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByInvite(ctx, "hash-a"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByInvite(hash-a) after the invitation was used = %v, want ErrNotFound", err)
	}
}

// token returns a refresh token of family and user issued at issued, valid for a day.
func token(hash, family, user string, issued time.Time) auth.RefreshToken {
	return auth.RefreshToken{Hash: hash, Family: family, UserID: user, IssuedAt: issued, ExpiresAt: issued.Add(24 * time.Hour)}
}

func createTokens(t *testing.T, s Store, ts ...auth.RefreshToken) {
	t.Helper()
	for _, tok := range ts {
		if err := s.CreateRefreshToken(context.Background(), tok); err != nil {
			t.Fatalf("CreateRefreshToken(%s): %v", tok.Hash, err)
		}
	}
}

// rotate rotates hash into next at now and returns the error, checking that a success returns
// the old token as rotated at now.
func rotate(t *testing.T, s Store, hash string, next auth.RefreshToken, now time.Time) error {
	t.Helper()
	old, err := s.RotateRefreshToken(context.Background(), hash, next, now)
	if err == nil && (old.Hash != hash || !old.RotatedAt.Equal(now) || old.Revoked) {
		t.Errorf("RotateRefreshToken(%s) returned %+v, want it rotated at %v", hash, old, now)
	}
	return err
}

// wantRotate checks what rotating hash into next gives.
func wantRotate(t *testing.T, s Store, hash string, next auth.RefreshToken, now time.Time, want error) {
	t.Helper()
	err := rotate(t, s, hash, next, now)
	if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
		t.Errorf("RotateRefreshToken(%s → %s) = %v, want %v", hash, next.Hash, err, want)
	}
}

func testRefreshRotation(t *testing.T, s Store) {
	ctx := context.Background()
	t1 := token("t1", "fam", "u1", at(0))
	createTokens(t, s, t1, token("other", "fam2", "u1", at(0)))

	now := at(time.Hour)
	old, err := s.RotateRefreshToken(ctx, "t1", token("t2", "fam", "u1", now), now)
	want := t1
	want.RotatedAt = now
	if d := cmp.Diff(want, old); err != nil || d != "" {
		t.Fatalf("RotateRefreshToken(t1) (-want +got), %v:\n%s", err, d)
	}
	if old.RotatedAt.Location() != time.UTC || old.IssuedAt.Location() != time.UTC {
		t.Errorf("RotateRefreshToken(t1) times not in UTC: %+v", old)
	}
	// t2 is current: it rotates in turn.
	wantRotate(t, s, "t2", token("t3", "fam", "u1", at(2*time.Hour)), at(2*time.Hour), nil)
	// t1 presented again: someone holds a copy. The family is revoked, t3 with it.
	wantRotate(t, s, "t1", token("t4", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrTokenReused)
	wantRotate(t, s, "t3", token("t5", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrNotFound)
	wantRotate(t, s, "t2", token("t6", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrTokenReused)
	// The reuse stored no token in place of t1.
	wantRotate(t, s, "t4", token("t7", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrNotFound)
	wantRotate(t, s, "absent", token("t8", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrNotFound)
	wantRotate(t, s, "t8", token("t9", "fam", "u1", at(3*time.Hour)), at(3*time.Hour), auth.ErrNotFound)
	// Another family of the same user is untouched.
	wantRotate(t, s, "other", token("other2", "fam2", "u1", at(3*time.Hour)), at(3*time.Hour), nil)
}

func testRefreshExpired(t *testing.T, s Store) {
	expires := at(24 * time.Hour)
	createTokens(t, s, token("t1", "fam", "u1", at(0)), token("t2", "fam2", "u1", at(0)))
	// Expired at the instant it expires, and after.
	wantRotate(t, s, "t1", token("n1", "fam", "u1", expires), expires, auth.ErrNotFound)
	wantRotate(t, s, "t1", token("n2", "fam", "u1", expires), expires.Add(time.Hour), auth.ErrNotFound)
	// Neither changed anything: the next tokens were not stored.
	wantRotate(t, s, "n1", token("n3", "fam", "u1", at(time.Hour)), at(time.Hour), auth.ErrNotFound)
	// A millisecond before it expires, it rotates.
	wantRotate(t, s, "t2", token("n4", "fam2", "u1", expires), expires.Add(-time.Millisecond), nil)
}

func testRefreshRevocation(t *testing.T, s Store) {
	ctx := context.Background()
	createTokens(t, s,
		token("a1", "famA", "u1", at(0)), token("b1", "famB", "u1", at(0)),
		token("c1", "famC", "u2", at(0)), token("d1", "famD", "u2", at(0)))
	if err := s.RevokeRefreshFamily(ctx, "famA"); err != nil {
		t.Fatalf("RevokeRefreshFamily(famA): %v", err)
	}
	if err := s.RevokeRefreshFamily(ctx, "absent"); err != nil {
		t.Errorf("RevokeRefreshFamily(absent) = %v, want no error", err)
	}
	if got, err := s.RefreshToken(ctx, "a1"); err != nil || got.Family != "famA" || got.UserID != "u1" || !got.Revoked {
		t.Errorf("RefreshToken(a1) = %+v, %v; want famA of u1, revoked", got, err)
	}
	if _, err := s.RefreshToken(ctx, "absent"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("RefreshToken(absent) = %v, want ErrNotFound", err)
	}
	now := at(time.Hour)
	wantRotate(t, s, "a1", token("a2", "famA", "u1", now), now, auth.ErrNotFound)
	wantRotate(t, s, "c1", token("c2", "famC", "u2", now), now, nil)

	if err := s.RevokeUserTokens(ctx, "u2"); err != nil {
		t.Fatalf("RevokeUserTokens(u2): %v", err)
	}
	if err := s.RevokeUserTokens(ctx, "absent"); err != nil {
		t.Errorf("RevokeUserTokens(absent) = %v, want no error", err)
	}
	// Every token of u2, whatever its family, the one just issued by rotation too.
	wantRotate(t, s, "c2", token("c3", "famC", "u2", now), now, auth.ErrNotFound)
	wantRotate(t, s, "d1", token("d2", "famD", "u2", now), now, auth.ErrNotFound)
	wantRotate(t, s, "b1", token("b2", "famB", "u1", now), now, nil)
}

// testConcurrentRotation rotates one token from 8 goroutines at once, as a client racing
// itself (or a thief) would: exactly one rotation succeeds; the others present a rotated token,
// which revokes the family, the winner's new token with it.
func testConcurrentRotation(t *testing.T, s Store) {
	const n = 8
	createTokens(t, s, token("t", "fam", "u1", at(0)))
	now := at(time.Hour)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = s.RotateRefreshToken(context.Background(), "t", token(fmt.Sprintf("next%d", i), "fam", "u1", now), now)
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("rotations %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, auth.ErrTokenReused):
			t.Errorf("losing rotation %d = %v, want ErrTokenReused", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no rotation succeeded: %v", errs)
	}
	for i := range n {
		later := at(2 * time.Hour)
		wantRotate(t, s, fmt.Sprintf("next%d", i), token(fmt.Sprintf("after%d", i), "fam", "u1", later), later, auth.ErrNotFound)
	}
}
