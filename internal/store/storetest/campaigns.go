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

// newCampaign returns a campaign of chamber over esr version 1, created at created.
func newCampaign(id, chamber, code string, created time.Time) campaign.Campaign {
	return campaign.Campaign{
		ID: id, ChamberID: chamber, QuestionnaireID: "esr", Version: 1, TitleJA: "2026年度 経済安全保障調査 " + id,
		TitleEN: "Economic security survey 2026 " + id, Opens: at(24 * time.Hour), Closes: at(30 * 24 * time.Hour),
		K: campaign.MinK, Code: code, CreatedBy: "user-" + chamber, CreatedAt: created,
	}
}

func createCampaigns(t *testing.T, s Store, cs ...campaign.Campaign) {
	t.Helper()
	for _, c := range cs {
		if err := s.CreateCampaign(context.Background(), c); err != nil {
			t.Fatalf("CreateCampaign(%s): %v", c.ID, err)
		}
	}
}

// campaignIs checks what Campaign(id) reads.
func campaignIs(t *testing.T, s Store, want campaign.Campaign) {
	t.Helper()
	got, err := s.Campaign(context.Background(), want.ID)
	if d := cmp.Diff(want, got); err != nil || d != "" {
		t.Errorf("Campaign(%s) (-want +got), %v:\n%s", want.ID, err, d)
	}
}

func testCampaigns(t *testing.T, s Store) {
	ctx := context.Background()
	first := newCampaign("c-first", "tokyo", "TKY-OPEN", at(0))
	noLink := newCampaign("c-nolink", "tokyo", "", at(time.Hour))
	noLink.Opens, noLink.Closes, noLink.TitleEN = time.Time{}, time.Time{}, ""
	tieB := newCampaign("c-tie-b", "tokyo", "", at(2*time.Hour))
	tieA := newCampaign("c-tie-a", "tokyo", "TKY-2", at(2*time.Hour))
	osaka := newCampaign("c-osaka", "osaka", "OSK", at(3*time.Hour))
	createCampaigns(t, s, first, noLink, tieB, tieA, osaka)

	for _, c := range []campaign.Campaign{first, noLink, osaka} {
		campaignIs(t, s, c)
	}
	got, err := s.CampaignByCode(ctx, "TKY-OPEN")
	if d := cmp.Diff(first, got); err != nil || d != "" {
		t.Errorf("CampaignByCode(TKY-OPEN) (-want +got), %v:\n%s", err, d)
	}
	for _, code := range []string{"tky-open", "absent", ""} {
		if _, err := s.CampaignByCode(ctx, code); !errors.Is(err, campaign.ErrNotFound) {
			t.Errorf("CampaignByCode(%q) = %v, want ErrNotFound", code, err)
		}
	}
	if _, err := s.Campaign(ctx, "absent"); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("Campaign(absent) = %v, want ErrNotFound", err)
	}
	for _, c := range []struct {
		chamber string
		want    []campaign.Campaign
	}{
		{"tokyo", []campaign.Campaign{tieA, tieB, noLink, first}}, // newest first, then by id
		{"osaka", []campaign.Campaign{osaka}},
		{"absent", nil},
	} {
		got, err := s.Campaigns(ctx, c.chamber)
		if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); err != nil || d != "" {
			t.Errorf("Campaigns(%s) (-want +got), %v:\n%s", c.chamber, err, d)
		}
	}
}

func testCampaignConflict(t *testing.T, s Store) {
	ctx := context.Background()
	c := newCampaign("c1", "tokyo", "OPEN", at(0))
	createCampaigns(t, s, c, newCampaign("c2", "tokyo", "", at(0)), newCampaign("c3", "osaka", "", at(0)))
	for _, dup := range []campaign.Campaign{
		newCampaign("c1", "osaka", "OTHER", at(time.Hour)), // the id
		newCampaign("c4", "osaka", "OPEN", at(time.Hour)),  // the code, of another chamber's campaign
	} {
		if err := s.CreateCampaign(ctx, dup); !errors.Is(err, campaign.ErrConflict) {
			t.Errorf("CreateCampaign(%s, code %q) = %v, want ErrConflict", dup.ID, dup.Code, err)
		}
	}
	campaignIs(t, s, c)
	if _, err := s.CampaignByCode(ctx, "OTHER"); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("CampaignByCode(OTHER) after its campaign was refused = %v, want ErrNotFound", err)
	}
	if _, err := s.Campaign(ctx, "c4"); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("Campaign(c4) after it was refused = %v, want ErrNotFound", err)
	}
}

func testUpdateCampaign(t *testing.T, s Store) {
	ctx := context.Background()
	c := newCampaign("c1", "tokyo", "OLD", at(0))
	other := newCampaign("c2", "tokyo", "TAKEN", at(0))
	createCampaigns(t, s, c, other)

	want := c
	want.TitleJA, want.TitleEN, want.Code = "改題 𠮷", "Renamed", "NEW"
	want.Opens, want.Closes = at(48*time.Hour), time.Time{}
	in := want
	// What UpdateCampaign never changes.
	in.ChamberID, in.QuestionnaireID, in.Version, in.K, in.CreatedBy, in.CreatedAt = "osaka", "other", 2, 9, "someone", at(time.Hour)
	if err := s.UpdateCampaign(ctx, in); err != nil {
		t.Fatalf("UpdateCampaign: %v", err)
	}
	campaignIs(t, s, want)
	if got, err := s.CampaignByCode(ctx, "NEW"); err != nil || got.ID != "c1" {
		t.Errorf("CampaignByCode(NEW) = %+v, %v; want c1", got, err)
	}
	if _, err := s.CampaignByCode(ctx, "OLD"); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("CampaignByCode(OLD) after the change = %v, want ErrNotFound", err)
	}

	in.Code = "TAKEN"
	if err := s.UpdateCampaign(ctx, in); !errors.Is(err, campaign.ErrConflict) {
		t.Errorf("UpdateCampaign to a code in use = %v, want ErrConflict", err)
	}
	campaignIs(t, s, want)
	campaignIs(t, s, other)

	// The open link removed: its code is free for another campaign.
	want.Code = ""
	if err := s.UpdateCampaign(ctx, want); err != nil {
		t.Fatalf("UpdateCampaign without a code: %v", err)
	}
	campaignIs(t, s, want)
	other.Code = ""
	if err := s.UpdateCampaign(ctx, other); err != nil {
		t.Fatalf("UpdateCampaign of a second campaign without a code: %v", err)
	}
	campaignIs(t, s, other)
	createCampaigns(t, s, newCampaign("c3", "osaka", "NEW", at(time.Hour)), newCampaign("c4", "osaka", "", at(time.Hour)))
	if err := s.UpdateCampaign(ctx, newCampaign("absent", "tokyo", "", at(0))); !errors.Is(err, campaign.ErrNotFound) {
		t.Errorf("UpdateCampaign(absent) = %v, want ErrNotFound", err)
	}
}
