package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/campaign"
)

// campaignDraft returns a draft of esr version v answering campaign (through invitation
// when not ""), created at created.
func campaignDraft(id string, v int, campaignID, invitation string, created time.Time) assessment.Assessment {
	a := draft(id, v)
	a.Campaign, a.Invitation, a.CreatedAt, a.UpdatedAt = campaignID, invitation, created, created
	return a
}

// submitAs submits a with a row of its campaign whose size band and sector are band and
// sector, which differ from those of the result: what tracking reads is the row's.
func submitAs(t *testing.T, s Store, a assessment.Assessment, band, sector string, when time.Time) assessment.Submission {
	t.Helper()
	sub := row(a, result(50), when)
	sub.Campaign, sub.SizeBand, sub.Sector = a.Campaign, band, sector
	seq, err := s.MarkSubmitted(context.Background(), a.ID, a.Revision, result(50), sub)
	if err != nil {
		t.Fatalf("MarkSubmitted(%s): %v", a.ID, err)
	}
	sub.Seq = seq
	return sub
}

func setConsent(t *testing.T, s Store, id string, consent bool) {
	t.Helper()
	if err := s.SetConsent(context.Background(), id, consent); err != nil {
		t.Fatalf("SetConsent(%s, %t): %v", id, consent, err)
	}
}

func testResponses(t *testing.T, s Store) {
	ctx := context.Background()
	open := campaignDraft("r-open", 1, "c1", "", at(0))
	drft := campaignDraft("r-draft", 1, "c1", "inv-1", at(time.Hour))
	invited := campaignDraft("r-invited", 1, "c1", "inv-2", at(2*time.Hour))
	gone := campaignDraft("r-gone", 1, "c1", "inv-3", at(30*time.Minute))
	goneDraft := campaignDraft("r-gone-draft", 1, "c1", "", at(30*time.Minute))
	other := campaignDraft("r-other", 1, "c2", "inv-9", at(0))
	create(t, s, open, drft, invited, gone, goneDraft, other, draft("r-none", 1))
	submitAs(t, s, open, "small_scale", "construction", at(3*time.Hour))
	submitAs(t, s, invited, "large", "retail", at(4*time.Hour))
	submitAs(t, s, gone, "large", "retail", at(4*time.Hour))
	setConsent(t, s, "r-open", true)
	for _, id := range []string{"r-gone", "r-gone-draft"} {
		if _, err := s.DeleteAssessment(ctx, id); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		campaign string
		want     []campaign.Response
	}{
		{"c1", []campaign.Response{ // by creation
			{AssessmentID: "r-open", Status: assessment.StatusSubmitted, Consent: true, CreatedAt: at(0),
				SubmittedAt: at(3 * time.Hour), SizeBand: "small_scale", Sector: "construction"},
			{AssessmentID: "r-draft", Invitation: "inv-1", Status: assessment.StatusDraft, CreatedAt: at(time.Hour)},
			{AssessmentID: "r-invited", Invitation: "inv-2", Status: assessment.StatusSubmitted, CreatedAt: at(2 * time.Hour),
				SubmittedAt: at(4 * time.Hour), SizeBand: "large", Sector: "retail"},
		}},
		{"c2", []campaign.Response{{AssessmentID: "r-other", Invitation: "inv-9", Status: assessment.StatusDraft, CreatedAt: at(0)}}},
		{"absent", nil},
		{"", nil}, // assessments outside a campaign are no campaign's responses
	} {
		got, err := s.Responses(ctx, c.campaign)
		if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); err != nil || d != "" {
			t.Errorf("Responses(%q) (-want +got), %v:\n%s", c.campaign, err, d)
		}
		for _, r := range got {
			if r.CreatedAt.Location() != time.UTC || r.SubmittedAt.Location() != time.UTC {
				t.Errorf("Responses(%q): %s: times not in UTC", c.campaign, r.AssessmentID)
			}
		}
	}
}

// testSetConsent: consent is given and withdrawn on drafts and submitted assessments alike,
// and changes nothing else.
func testSetConsent(t *testing.T, s Store) {
	ctx := context.Background()
	d := campaignDraft("d", 1, "c1", "inv-1", at(0))
	sub := campaignDraft("s", 1, "c1", "", at(0))
	create(t, s, d, sub, campaignDraft("other", 1, "c1", "", at(0)))
	row := submitAs(t, s, sub, "sme", "retail", at(time.Hour))
	submitted := get(t, s, "s")

	for _, c := range []struct {
		id      string
		consent bool
		before  assessment.Assessment
	}{
		{"d", true, d}, {"d", false, d}, {"s", true, submitted}, {"s", false, submitted}, {"s", true, submitted},
	} {
		setConsent(t, s, c.id, c.consent)
		want := c.before
		want.Consent = c.consent
		if diff := cmp.Diff(want, get(t, s, c.id)); diff != "" {
			t.Errorf("after SetConsent(%s, %t) (-want +got):\n%s", c.id, c.consent, diff)
		}
	}
	if got := get(t, s, "other"); got.Consent {
		t.Error("SetConsent changed another assessment")
	}
	if diff := cmp.Diff([]assessment.Submission{row}, submissions(t, s, "esr", 1, 0, 10)); diff != "" {
		t.Errorf("SetConsent changed the submission rows (-want +got):\n%s", diff)
	}
	if _, err := s.DeleteAssessment(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"absent", "s"} {
		if err := s.SetConsent(ctx, id, true); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("SetConsent(%s) = %v, want ErrNotFound", id, err)
		}
	}
}

// testCampaignSubmissions reads the rows of one campaign, tombstones included, as the
// campaign's aggregates do.
func testCampaignSubmissions(t *testing.T, s Store) {
	ctx := context.Background()
	as := []assessment.Assessment{
		campaignDraft("a", 1, "c1", "", at(0)), campaignDraft("c", 1, "c2", "", at(0)), campaignDraft("b", 1, "c1", "", at(0)),
		campaignDraft("e", 1, "", "", at(0)), campaignDraft("d", 1, "c1", "", at(0)), campaignDraft("f", 2, "c1", "", at(0)),
	}
	create(t, s, as...)
	rows := map[string]assessment.Submission{}
	for i, a := range as {
		rows[a.ID] = submitAs(t, s, a, "sme", "retail", at(time.Duration(i+1)*time.Hour))
	}
	tomb, err := s.DeleteAssessment(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if tomb.Campaign != "c1" {
		t.Errorf("the tombstone of b has campaign %q, want c1", tomb.Campaign)
	}
	q := func(campaignID string, version int, after int64, limit int) assessment.SubmissionQuery {
		return assessment.SubmissionQuery{QuestionnaireID: "esr", Version: version, After: after, Limit: limit, Campaign: campaignID}
	}
	for _, c := range []struct {
		name string
		q    assessment.SubmissionQuery
		want []assessment.Submission
	}{
		{"c1", q("c1", 1, 0, 10), []assessment.Submission{rows["a"], rows["d"], tomb}},
		{"c1 after a", q("c1", 1, rows["a"].Seq, 1), []assessment.Submission{rows["d"]}},
		{"c1 after d", q("c1", 1, rows["d"].Seq, 10), []assessment.Submission{tomb}},
		{"c1 version 2", q("c1", 2, 0, 10), []assessment.Submission{rows["f"]}},
		{"c2", q("c2", 1, 0, 10), []assessment.Submission{rows["c"]}},
		{"absent", q("absent", 1, 0, 10), nil},
		{"every campaign", q("", 1, 0, 10), []assessment.Submission{rows["a"], rows["c"], rows["e"], rows["d"], tomb}},
	} {
		if d := cmp.Diff(c.want, query(t, s, c.q), cmpopts.EquateEmpty()); d != "" {
			t.Errorf("Submissions of %s (-want +got):\n%s", c.name, d)
		}
	}
}
