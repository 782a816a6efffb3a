package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/esready/esready/internal/campaign"
)

// invitation returns an invitation of firm (its key) with an id and token hash of its own,
// created at created. Its campaign is left for AddInvitations to set.
func invitation(id, firm string, created time.Time) campaign.Invitation {
	return campaign.Invitation{
		ID: id, TokenHash: "th-" + id, Firm: firm + " 株式会社 𠮷", Email: firm + "@example.jp", SizeBand: "sme",
		Sector: "manufacturing", Prefecture: "23", Key: firm + "@example.jp|" + firm, CreatedAt: created,
	}
}

// of returns the invitations as stored in campaign id.
func of(id string, invs ...campaign.Invitation) []campaign.Invitation {
	out := make([]campaign.Invitation, len(invs))
	for i, inv := range invs {
		inv.CampaignID = id
		out[i] = inv
	}
	return out
}

// add adds invitations to a campaign and checks that it stored exactly want.
func add(t *testing.T, s Store, campaignID string, invs []campaign.Invitation, want []campaign.Invitation) {
	t.Helper()
	got, err := s.AddInvitations(context.Background(), campaignID, invs)
	if err != nil {
		t.Fatalf("AddInvitations(%s): %v", campaignID, err)
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("AddInvitations(%s) stored (-want +got):\n%s", campaignID, d)
	}
}

// invitationsAre checks the invitations of a campaign, in order.
func invitationsAre(t *testing.T, s Store, campaignID string, want []campaign.Invitation) {
	t.Helper()
	got, err := s.Invitations(context.Background(), campaignID)
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); err != nil || d != "" {
		t.Errorf("Invitations(%s) (-want +got), %v:\n%s", campaignID, err, d)
	}
}

func testAddInvitations(t *testing.T, s Store) {
	// Ids out of order: the order is that of the call, not of the ids.
	a, b, c := invitation("z-a", "alpha", at(0)), invitation("m-b", "bravo", at(0)), invitation("a-c", "charlie", at(0))
	first := of("c1", a, b, c)
	add(t, s, "c1", []campaign.Invitation{a, b, c}, first)
	invitationsAre(t, s, "c1", first)

	// The same file again, with new ids and tokens: nothing is stored.
	later := at(time.Minute)
	again := []campaign.Invitation{invitation("a2", "alpha", later), invitation("b2", "bravo", later), invitation("c2", "charlie", later)}
	add(t, s, "c1", again, nil)
	// A file with two new firms among known ones: only the new ones.
	d, e := invitation("d", "delta", later), invitation("e", "echo", later)
	add(t, s, "c1", []campaign.Invitation{invitation("b3", "bravo", later), e, invitation("a3", "alpha", later), d}, of("c1", e, d))
	invitationsAre(t, s, "c1", append(first, of("c1", e, d)...))
	add(t, s, "c1", nil, nil)

	// Keys are per campaign; a call with an earlier CreatedAt lists first.
	add(t, s, "c2", []campaign.Invitation{invitation("x-a", "alpha", at(time.Hour))}, of("c2", invitation("x-a", "alpha", at(time.Hour))))
	early := []campaign.Invitation{invitation("x-c", "charlie", at(0)), invitation("x-b", "bravo", at(0))}
	add(t, s, "c2", early, of("c2", early...))
	invitationsAre(t, s, "c2", of("c2", early[0], early[1], invitation("x-a", "alpha", at(time.Hour))))
	invitationsAre(t, s, "absent", nil)
}

func testInvitationByToken(t *testing.T, s Store) {
	ctx := context.Background()
	sent := invitation("i2", "bravo", at(0))
	sent.SentAt = at(time.Hour)
	sent.Sector, sent.Prefecture, sent.SizeBand = "", "", ""
	add(t, s, "c1", []campaign.Invitation{invitation("i1", "alpha", at(0)), sent}, of("c1", invitation("i1", "alpha", at(0)), sent))
	got, err := s.InvitationByToken(ctx, "th-i2")
	if d := cmp.Diff(of("c1", sent)[0], got); err != nil || d != "" {
		t.Errorf("InvitationByToken(th-i2) (-want +got), %v:\n%s", err, d)
	}
	if got.CreatedAt.Location() != time.UTC || got.SentAt.Location() != time.UTC {
		t.Errorf("InvitationByToken(th-i2): times not in UTC: %v, %v", got.CreatedAt, got.SentAt)
	}
	for _, hash := range []string{"absent", "i1", ""} {
		if _, err := s.InvitationByToken(ctx, hash); !errors.Is(err, campaign.ErrNotFound) {
			t.Errorf("InvitationByToken(%q) = %v, want ErrNotFound", hash, err)
		}
	}
}

func testMarkInvitationsSent(t *testing.T, s Store) {
	ctx := context.Background()
	invs := []campaign.Invitation{invitation("a", "alpha", at(0)), invitation("b", "bravo", at(0)), invitation("c", "charlie", at(0))}
	add(t, s, "c1", invs, of("c1", invs...))
	add(t, s, "c2", []campaign.Invitation{invitation("x", "alpha", at(0))}, of("c2", invitation("x", "alpha", at(0))))

	sent := at(2 * time.Hour)
	// x is of another campaign, and absent of none: neither is marked.
	if err := s.MarkInvitationsSent(ctx, "c1", []string{"a", "c", "x", "absent"}, sent); err != nil {
		t.Fatalf("MarkInvitationsSent: %v", err)
	}
	want := of("c1", invs...)
	want[0].SentAt, want[2].SentAt = sent, sent
	invitationsAre(t, s, "c1", want)
	invitationsAre(t, s, "c2", of("c2", invitation("x", "alpha", at(0))))

	// Sent again later: the time of the last mailing.
	if err := s.MarkInvitationsSent(ctx, "c1", []string{"c"}, sent.Add(time.Hour)); err != nil {
		t.Fatalf("MarkInvitationsSent: %v", err)
	}
	want[2].SentAt = sent.Add(time.Hour)
	invitationsAre(t, s, "c1", want)
	if err := s.MarkInvitationsSent(ctx, "c1", nil, sent); err != nil {
		t.Errorf("MarkInvitationsSent of none: %v", err)
	}
}
