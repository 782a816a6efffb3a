// Package storetest is the one conformance suite of the storage backends (dexidp/dex's
// storage/conformance is the model): every backend's tests call RunTests with a function that
// opens a fresh, empty store, and every case runs on every backend. Only tests import it.
//
// Times in the cases are whole milliseconds, the precision MongoDB keeps.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// Store is what the suite exercises.
type Store interface {
	assessment.Storer
	auth.Storer
	campaign.Storer
	Ping(ctx context.Context) error
}

// Options adapt the suite to a backend.
type Options struct {
	// Skip maps the name of a case (as in Cases) to the reason this backend cannot pass it,
	// which the skip message shows. Only for a test server's known gaps (FerretDB), never
	// for a production backend.
	Skip map[string]string
}

// Case is one conformance case.
type Case struct {
	Name string
	Run  func(t *testing.T, s Store)
}

// Cases lists the suite, in the order RunTests runs it.
var Cases = []Case{
	{"Ping", testPing},
	{"AssessmentRoundTrip", testAssessmentRoundTrip},
	{"AssessmentMissing", testAssessmentMissing},
	{"AssessmentDuplicate", testAssessmentDuplicate},
	{"SaveDraft", testSaveDraft},
	{"SaveDraftConflict", testSaveDraftConflict},
	{"MarkSubmitted", testMarkSubmitted},
	{"MarkSubmittedConflict", testMarkSubmittedConflict},
	{"ConcurrentSubmits", testConcurrentSubmits},
	{"ConcurrentSaveAndSubmit", testConcurrentSaveAndSubmit},
	{"SubmissionsPaging", testSubmissionsPaging},
	{"SubmissionCodes", testSubmissionCodes},
	{"DeleteDraft", testDeleteDraft},
	{"DeleteSubmitted", testDeleteSubmitted},
	{"DeleteDrafts", testDeleteDrafts},
	{"DeleteRacingSubmit", testDeleteRacingSubmit},
	{"Users", testUsers},
	{"UserEmailTaken", testUserEmailTaken},
	{"UserMissing", testUserMissing},
	{"Chambers", testChambers},
	{"UsersOfChamber", testUsersOfChamber},
	{"UpdateUser", testUpdateUser},
	{"UserByInvite", testUserByInvite},
	{"RefreshRotation", testRefreshRotation},
	{"RefreshExpired", testRefreshExpired},
	{"RefreshRevocation", testRefreshRevocation},
	{"ConcurrentRotation", testConcurrentRotation},
	{"Campaigns", testCampaigns},
	{"CampaignConflict", testCampaignConflict},
	{"UpdateCampaign", testUpdateCampaign},
	{"AddInvitations", testAddInvitations},
	{"InvitationByToken", testInvitationByToken},
	{"MarkInvitationsSent", testMarkInvitationsSent},
	{"Responses", testResponses},
	{"SetConsent", testSetConsent},
	{"CampaignSubmissions", testCampaignSubmissions},
	{"ManySubmissions", testManySubmissions},
}

// RunTests runs every case as a subtest on a store from open, which must be fresh and empty
// for each call; open closes it when t ends (t.Cleanup).
func RunTests(t *testing.T, open func(t *testing.T) Store, opts Options) {
	known := map[string]bool{}
	for _, c := range Cases {
		known[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			if why, ok := opts.Skip[c.Name]; ok {
				t.Skip(why)
			}
			c.Run(t, open(t))
		})
	}
	for name := range opts.Skip {
		if !known[name] {
			t.Errorf("Options.Skip names %q, which is no case of the suite", name)
		}
	}
}

// t0 is a whole millisecond in Japan Standard Time: stores keep times in UTC.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.FixedZone("JST", 9*60*60))

func at(d time.Duration) time.Time { return t0.Add(d) }

func ptr[T any](v T) *T { return &v }

// answers holds a value of every JSON shape an answer takes (DESIGN.md, Answer values),
// decoded as encoding/json decodes them.
func answers() questionnaire.Answers {
	return questionnaire.Answers{
		"prof_industry":  "manufacturing",
		"gov_measures":   []any{"board_oversight", "risk_register", "training"},
		"gov_none":       []any{},
		"gov_maturity":   float64(3),
		"prof_capital":   12.5,
		"prof_employees": float64(0),
		"sup_china_pct":  float64(100),
		"sup_shares":     map[string]any{"CN": float64(60), "VN": 25.5, "JP": 14.5},
		"sup_notes":      "𠮷野家の仕入先 🍣🏭, \"quoted\" <b>&amp;</b>\n二行目\tタブ",
		"exp_controlled": "na",
		"exp_unknown":    "dont_know",
	}
}

// choices are the answers a submission row keeps: single, multiple choice and scale.
func choices(a questionnaire.Answers) questionnaire.Answers {
	out := questionnaire.Answers{}
	for _, id := range []string{"prof_industry", "gov_measures", "gov_none", "gov_maturity", "exp_controlled", "rev"} {
		if v, ok := a[id]; ok {
			out[id] = v
		}
	}
	return out
}

func result(overall float64) scoring.Result {
	return scoring.Result{
		ScoringVersion: 3, QuestionnaireID: "esr", Version: 1, Hash: "sha256:0f1e2d",
		Size:     scoring.Size{Band: "sme", Rule: questionnaire.Text{JA: "製造業: 資本金3億円以下", EN: "Manufacturing: capital up to ¥300m"}},
		SizeBand: "sme", Sector: "manufacturing", SectorLabel: questionnaire.Text{JA: "製造業", EN: "Manufacturing"},
		Prefecture: "aichi",
		Overall: scoring.Overall{Score: ptr(overall), Level: 3, Capped: true, CappedBy: []string{"gov_owner"},
			Description: questionnaire.Text{JA: "部分的に整備", EN: "Partly in place"}},
		Domains: []scoring.Domain{
			{ID: "governance", Title: questionnaire.Text{JA: "体制", EN: "Governance"}, Score: ptr(62.5), Coverage: 1,
				Points: 25, MaxPoints: 40, Contributions: []scoring.Contribution{
					{Question: "gov_maturity", Answer: float64(3), State: "scored", Points: 3, Max: 4, Tier: "core", Weight: 2},
					{Question: "gov_measures", Answer: []any{"training"}, State: "scored", Points: 1, Max: 3, Tier: "basic", Weight: 1},
				}},
			{ID: "supply", Title: questionnaire.Text{JA: "供給網", EN: "Supply chain"}, Coverage: 0.25, Insufficient: true,
				Contributions: []scoring.Contribution{}},
		},
		Exposure: scoring.Exposure{
			Level: "high",
			Materials: []scoring.Material{{ID: "rare_earths", Label: questionnaire.Text{JA: "レアアース", EN: "Rare earths"},
				HHI: 4462, Concentration: "moderate", TopCountry: "CN", TopShare: 60, Known: 100, ChinaShare: 60}},
			ChinaProcurement: ptr(100.0),
			Flags:            scoring.Flags{ControlledItems: true, FDIDesignated: true},
			Reasons:          []questionnaire.Text{{JA: "中国からの調達が100%", EN: "100% of procurement from China"}},
		},
		FindOut: []string{"exp_unknown"},
	}
}

// draft returns a new draft of questionnaire esr version v.
func draft(id string, v int) assessment.Assessment {
	return assessment.Assessment{
		ID: id, QuestionnaireID: "esr", Version: v, Hash: fmt.Sprintf("sha256:v%d", v), Lang: "ja",
		Status: assessment.StatusDraft, Answers: answers(), TokenHash: "th-" + id,
		CreatedAt: at(0), UpdatedAt: at(0), FirmKey: id,
	}
}

// row returns the submission row of a as assessment.NewSubmission builds it, with a campaign,
// and the client hash Service.Submit adds. Its choice codes, opaque to a store, are bytes of
// every value that name the assessment.
func row(a assessment.Assessment, r scoring.Result, submitted time.Time) assessment.Submission {
	domains := map[string]float64{}
	for _, d := range r.Domains {
		if d.Score != nil {
			domains[d.ID] = *d.Score
		}
	}
	return assessment.Submission{
		AssessmentID: a.ID, FirmKey: a.FirmKey, QuestionnaireID: a.QuestionnaireID, Version: a.Version,
		Campaign: "nagoya-2026", SizeBand: r.SizeBand, Sector: r.Sector, Prefecture: r.Prefecture,
		SubmittedAt: submitted, Client: "c0ffee" + a.ID, Overall: r.Overall.Score, Domains: domains, Choices: choices(a.Answers),
		Codes: []byte("\x01\x00\xff" + a.ID),
	}
}

func create(t *testing.T, s Store, as ...assessment.Assessment) {
	t.Helper()
	for _, a := range as {
		if err := s.CreateAssessment(context.Background(), a); err != nil {
			t.Fatalf("CreateAssessment(%s): %v", a.ID, err)
		}
	}
}

func get(t *testing.T, s Store, id string) assessment.Assessment {
	t.Helper()
	a, err := s.Assessment(context.Background(), id)
	if err != nil {
		t.Fatalf("Assessment(%s): %v", id, err)
	}
	for name, tm := range map[string]time.Time{"CreatedAt": a.CreatedAt, "UpdatedAt": a.UpdatedAt, "SubmittedAt": a.SubmittedAt} {
		if tm.Location() != time.UTC {
			t.Errorf("Assessment(%s).%s = %v, want UTC", id, name, tm)
		}
	}
	return a
}

// submit marks a submitted with the row built by row, and returns the row with its sequence.
func submit(t *testing.T, s Store, a assessment.Assessment, r scoring.Result, when time.Time) assessment.Submission {
	t.Helper()
	sub := row(a, r, when)
	seq, err := s.MarkSubmitted(context.Background(), a.ID, a.Revision, r, sub)
	if err != nil {
		t.Fatalf("MarkSubmitted(%s, %d): %v", a.ID, a.Revision, err)
	}
	sub.Seq = seq
	return sub
}

// submissions reads the rows of a questionnaire version after a sequence, as query does.
func submissions(t *testing.T, s Store, qid string, version int, after int64, limit int) []assessment.Submission {
	t.Helper()
	return query(t, s, assessment.SubmissionQuery{QuestionnaireID: qid, Version: version, After: after, Limit: limit})
}

// query reads the rows q selects with their choices, and checks that the same query with codes
// instead returns the same rows, the choices left out of those with codes, and that the query
// without either returns them without both.
func query(t *testing.T, s Store, q assessment.SubmissionQuery) []assessment.Submission {
	t.Helper()
	q.Choices = true
	rows, err := s.Submissions(context.Background(), q)
	if err != nil {
		t.Fatalf("Submissions(%+v): %v", q, err)
	}
	for _, r := range rows {
		if r.SubmittedAt.Location() != time.UTC {
			t.Errorf("Submissions: row %d SubmittedAt = %v, want UTC", r.Seq, r.SubmittedAt)
		}
	}
	for _, codes := range []bool{true, false} {
		q.Choices, q.Codes = false, codes
		lean, err := s.Submissions(context.Background(), q)
		if err != nil {
			t.Fatalf("Submissions(%+v): %v", q, err)
		}
		want := make([]assessment.Submission, len(rows))
		for i, r := range rows {
			if !codes || len(r.Codes) > 0 {
				r.Choices = nil
			}
			if !codes {
				r.Codes = nil
			}
			want[i] = r
		}
		if d := cmp.Diff(want, lean, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("Submissions without choices, codes %t (-want +got):\n%s", codes, d)
		}
	}
	return rows
}

// testSubmissionCodes: a row's choice codes read back as written; a row written without them
// (before codes were) reads back with its choices when codes are asked for; a tombstone has
// neither.
func testSubmissionCodes(t *testing.T, s Store) {
	ctx := context.Background()
	coded, old, doomed := draft("coded", 1), draft("old", 1), draft("doomed", 1)
	create(t, s, coded, old, doomed)
	newRow := submit(t, s, coded, result(40), at(time.Hour))
	oldRow := row(old, result(50), at(2*time.Hour))
	oldRow.Codes = nil
	seq, err := s.MarkSubmitted(ctx, old.ID, old.Revision, result(50), oldRow)
	if err != nil {
		t.Fatalf("MarkSubmitted without codes: %v", err)
	}
	oldRow.Seq = seq
	doomedRow := submit(t, s, doomed, result(60), at(3*time.Hour))
	tomb, err := s.DeleteAssessment(ctx, doomed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tomb.Codes) > 0 {
		t.Errorf("DeleteAssessment returned a tombstone with codes %q", tomb.Codes)
	}
	newRow.Choices = nil
	want := []assessment.Submission{newRow, oldRow, tombstoneOf(doomedRow, 4)}
	for _, campaignID := range []string{"", "nagoya-2026"} {
		got, err := s.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10,
			Campaign: campaignID, Codes: true})
		if err != nil {
			t.Fatalf("Submissions with codes: %v", err)
		}
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("Submissions with codes, campaign %q (-want +got):\n%s", campaignID, d)
		}
	}
	query(t, s, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10})
}

func testPing(t *testing.T, s Store) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testAssessmentRoundTrip(t *testing.T, s Store) {
	full := draft("full", 1)
	full.Lang = "en"
	full.Status = assessment.StatusSubmitted
	full.Revision = 7
	full.UpdatedAt = at(2 * time.Hour)
	full.SubmittedAt = at(3*time.Hour + time.Millisecond)
	full.FirmKey = "firm-0001"
	full.PreviousID = "earlier"
	full.Result = ptr(result(57.25))
	full.Campaign, full.Invitation, full.Consent = "nagoya-2026", "inv-0001", true

	empty := draft("empty", 2)
	empty.Answers = questionnaire.Answers{}

	for _, a := range []assessment.Assessment{full, draft("draft", 1), empty} {
		t.Run(a.ID, func(t *testing.T) {
			create(t, s, a)
			if d := cmp.Diff(a, get(t, s, a.ID)); d != "" {
				t.Errorf("Assessment(%s) after CreateAssessment (-want +got):\n%s", a.ID, d)
			}
		})
	}
}

func testAssessmentMissing(t *testing.T, s Store) {
	create(t, s, draft("present", 1))
	_, err := s.Assessment(context.Background(), "absent")
	if !errors.Is(err, assessment.ErrNotFound) {
		t.Fatalf("Assessment(absent) = %v, want ErrNotFound", err)
	}
}

func testAssessmentDuplicate(t *testing.T, s Store) {
	first := draft("dup", 1)
	create(t, s, first)
	second := draft("dup", 2)
	second.Answers = questionnaire.Answers{"other": "value"}
	second.TokenHash = "another credential"
	err := s.CreateAssessment(context.Background(), second)
	if !errors.Is(err, assessment.ErrConflict) {
		t.Fatalf("second CreateAssessment(dup) = %v, want ErrConflict", err)
	}
	if d := cmp.Diff(first, get(t, s, "dup")); d != "" {
		t.Errorf("the first assessment changed (-want +got):\n%s", d)
	}
}

func testSaveDraft(t *testing.T, s Store) {
	ctx := context.Background()
	want := draft("a", 1)
	create(t, s, want)
	steps := []questionnaire.Answers{
		{"prof_industry": "retail", "sup_shares": map[string]any{"CN": float64(10)}}, // others removed
		{},
		answers(),
	}
	for i, ans := range steps {
		now := at(time.Duration(i+1) * time.Minute)
		if err := s.SaveDraft(ctx, want.ID, want.Revision, ans, now); err != nil {
			t.Fatalf("SaveDraft #%d at revision %d: %v", i+1, want.Revision, err)
		}
		want.Revision++
		want.Answers = ans
		want.UpdatedAt = now
		if d := cmp.Diff(want, get(t, s, want.ID)); d != "" {
			t.Errorf("after SaveDraft #%d (-want +got):\n%s", i+1, d)
		}
	}
}

func testSaveDraftConflict(t *testing.T, s Store) {
	ctx := context.Background()
	a := draft("a", 1)
	create(t, s, a)
	for range 2 {
		if err := s.SaveDraft(ctx, a.ID, a.Revision, answers(), at(time.Minute)); err != nil {
			t.Fatal(err)
		}
		a.Revision++
	}
	sub := draft("sub", 1)
	create(t, s, sub)
	submit(t, s, sub, result(50), at(time.Hour))

	for _, c := range []struct {
		name     string
		id       string
		revision int
	}{
		{"stale revision", "a", a.Revision - 1},
		{"first revision", "a", 0},
		{"future revision", "a", a.Revision + 1},
		{"submitted", "sub", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := get(t, s, c.id)
			err := s.SaveDraft(ctx, c.id, c.revision, questionnaire.Answers{"x": "lost"}, at(2*time.Hour))
			if !errors.Is(err, assessment.ErrConflict) {
				t.Fatalf("SaveDraft(%s, %d) = %v, want ErrConflict", c.id, c.revision, err)
			}
			if d := cmp.Diff(before, get(t, s, c.id)); d != "" {
				t.Errorf("a conflicting SaveDraft changed the assessment (-before +after):\n%s", d)
			}
		})
	}
	if rows := submissions(t, s, "esr", 1, 0, 10); len(rows) != 1 {
		t.Errorf("Submissions after conflicting saves: %d rows, want 1", len(rows))
	}
}

func testMarkSubmitted(t *testing.T, s Store) {
	ctx := context.Background()
	// Submissions of two versions of esr and of another questionnaire, interleaved: each
	// questionnaire version counts from 1.
	order := []struct {
		id      string
		qid     string
		version int
		seq     int64
	}{
		{"v1-a", "esr", 1, 1}, {"v2-a", "esr", 2, 1}, {"v1-b", "esr", 1, 2}, {"other-a", "other", 1, 1},
		{"v1-c", "esr", 1, 3}, {"v2-b", "esr", 2, 2},
	}
	want := map[string][]assessment.Submission{}
	for i, o := range order {
		a := draft(o.id, o.version)
		a.QuestionnaireID = o.qid
		create(t, s, a)
		if i%2 == 0 { // some saved first, some submitted at revision 0
			if err := s.SaveDraft(ctx, a.ID, 0, a.Answers, at(time.Minute)); err != nil {
				t.Fatal(err)
			}
			a.Revision, a.UpdatedAt = 1, at(time.Minute)
		}
		r := result(float64(10 * i))
		r.QuestionnaireID, r.Version = o.qid, o.version
		when := at(time.Duration(i+1) * time.Hour)
		sub := row(a, r, when)
		seq, err := s.MarkSubmitted(ctx, a.ID, a.Revision, r, sub)
		if err != nil {
			t.Fatalf("MarkSubmitted(%s): %v", a.ID, err)
		}
		if seq != o.seq {
			t.Errorf("MarkSubmitted(%s) = seq %d, want %d", a.ID, seq, o.seq)
		}
		sub.Seq = o.seq
		key := fmt.Sprintf("%s/%d", o.qid, o.version)
		want[key] = append(want[key], sub)

		a.Status, a.SubmittedAt, a.UpdatedAt, a.Result = assessment.StatusSubmitted, when, when, &r
		if d := cmp.Diff(a, get(t, s, a.ID)); d != "" {
			t.Errorf("Assessment(%s) after MarkSubmitted (-want +got):\n%s", a.ID, d)
		}
	}
	for _, v := range []struct {
		qid     string
		version int
	}{{"esr", 1}, {"esr", 2}, {"other", 1}, {"esr", 3}, {"absent", 1}} {
		key := fmt.Sprintf("%s/%d", v.qid, v.version)
		got := submissions(t, s, v.qid, v.version, 0, 100)
		if d := cmp.Diff(want[key], got, cmpEmpty); d != "" {
			t.Errorf("Submissions(%s) (-want +got):\n%s", key, d)
		}
	}
}

// cmpEmpty treats a nil slice as an empty one: a store may return either for no rows.
var cmpEmpty = cmp.FilterValues(func(x, y []assessment.Submission) bool {
	return len(x) == 0 && len(y) == 0
}, cmp.Comparer(func(x, y []assessment.Submission) bool { return true }))

func testMarkSubmittedConflict(t *testing.T, s Store) {
	ctx := context.Background()
	a := draft("a", 1)
	create(t, s, a)
	if err := s.SaveDraft(ctx, a.ID, 0, answers(), at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	a.Revision = 1
	done := draft("done", 1)
	create(t, s, done)
	first := submit(t, s, done, result(40), at(time.Hour))

	for _, c := range []struct {
		name     string
		id       string
		revision int
	}{
		{"stale revision", "a", 0},
		{"future revision", "a", 2},
		{"second submit", "done", 0},
		{"missing", "absent", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _ := s.Assessment(ctx, c.id)
			x := draft(c.id, 1)
			seq, err := s.MarkSubmitted(ctx, c.id, c.revision, result(99), row(x, result(99), at(2*time.Hour)))
			if !errors.Is(err, assessment.ErrConflict) {
				t.Fatalf("MarkSubmitted(%s, %d) = %d, %v; want ErrConflict", c.id, c.revision, seq, err)
			}
			after, _ := s.Assessment(ctx, c.id)
			if d := cmp.Diff(before, after); d != "" {
				t.Errorf("a conflicting MarkSubmitted changed the assessment (-before +after):\n%s", d)
			}
			if d := cmp.Diff([]assessment.Submission{first}, submissions(t, s, "esr", 1, 0, 10)); d != "" {
				t.Errorf("Submissions after a conflicting MarkSubmitted (-want +got):\n%s", d)
			}
		})
	}
	// The sequence continues where it was: a conflict takes no number.
	if got := submit(t, s, a, result(70), at(3*time.Hour)).Seq; got != 2 {
		t.Errorf("next MarkSubmitted after conflicts = seq %d, want 2", got)
	}
}

func testConcurrentSubmits(t *testing.T, s Store) {
	const n = 16
	var drafts []assessment.Assessment
	for i := range n {
		drafts = append(drafts, draft(fmt.Sprintf("c%02d", i), 1))
	}
	create(t, s, drafts...)
	other := draft("other-version", 2)
	create(t, s, other)

	seqs := make([]int64, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, a := range drafts {
		wg.Go(func() {
			<-start
			seqs[i], errs[i] = s.MarkSubmitted(context.Background(), a.ID, 0, result(50), row(a, result(50), at(time.Hour)))
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("MarkSubmitted(%s): %v", drafts[i].ID, err)
		}
	}
	got := slices.Sorted(slices.Values(seqs))
	var want []int64
	for i := range n {
		want = append(want, int64(i+1))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sequences of %d concurrent submissions (-want +got):\n%s", n, d)
	}
	rows := submissions(t, s, "esr", 1, 0, 100)
	bySeq := map[int64]string{}
	for _, r := range rows {
		bySeq[r.Seq] = r.AssessmentID
	}
	for i, seq := range seqs {
		if bySeq[seq] != drafts[i].ID {
			t.Errorf("row with seq %d is of %q, want %s", seq, bySeq[seq], drafts[i].ID)
		}
	}
	// Another version's counter is untouched.
	if got := submit(t, s, other, result(50), at(time.Hour)).Seq; got != 1 {
		t.Errorf("first submission of version 2 = seq %d, want 1", got)
	}
}

// testConcurrentSaveAndSubmit races autosaves and submissions of one draft: exactly one
// submission wins, at the revision it read, with the answers of that revision.
func testConcurrentSaveAndSubmit(t *testing.T, s Store) {
	const workers = 8
	a := draft("race", 1)
	create(t, s, a)
	r := &saveSubmitRace{s: s, id: a.ID}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			r.worker(t, w)
		})
	}
	close(start)
	wg.Wait()
	t.Logf("%d saves, %d conflicts", r.saves, r.losses)
	if len(r.wins) != 1 {
		t.Fatalf("%d submissions won, want exactly 1: %+v", len(r.wins), r.wins)
	}
	w := r.wins[0]
	got := get(t, s, a.ID)
	if got.Status != assessment.StatusSubmitted || got.Revision != w.revision {
		t.Errorf("stored: status %s at revision %d, want submitted at revision %d", got.Status, got.Revision, w.revision)
	}
	if d := cmp.Diff(w.answers, got.Answers); d != "" {
		t.Errorf("stored answers are not those of the submitted revision %d (-submitted +stored):\n%s", w.revision, d)
	}
	rows := submissions(t, s, "esr", 1, 0, 10)
	if len(rows) != 1 || rows[0].Seq != w.seq || rows[0].AssessmentID != a.ID {
		t.Fatalf("Submissions = %+v, want one row of %s with seq %d", rows, a.ID, w.seq)
	}
	if d := cmp.Diff(choices(got.Answers), rows[0].Choices); d != "" {
		t.Errorf("row choices differ from the stored answers (-stored +row):\n%s", d)
	}
}

// saveSubmitRace is what the workers of testConcurrentSaveAndSubmit share.
type saveSubmitRace struct {
	s      Store
	id     string
	mu     sync.Mutex
	wins   []raceWin
	saves  int
	losses int
}

type raceWin struct {
	revision int
	answers  questionnaire.Answers
	seq      int64
}

// worker reads the draft, saves it a few times (0 to 3, by worker), then tries to submit,
// until the draft is submitted.
func (r *saveSubmitRace) worker(t *testing.T, w int) {
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		cur, err := r.s.Assessment(ctx, r.id)
		if err != nil {
			t.Errorf("worker %d: Assessment: %v", w, err)
			return
		}
		if cur.Status == assessment.StatusSubmitted {
			return
		}
		if i < 1+w%4 {
			ans := questionnaire.Answers{"worker": float64(w), "rev": float64(cur.Revision + 1), "prof_industry": "retail"}
			err := r.s.SaveDraft(ctx, r.id, cur.Revision, ans, at(time.Minute))
			r.record(t, w, "SaveDraft", err, func() { r.saves++ })
			continue
		}
		seq, err := r.s.MarkSubmitted(ctx, r.id, cur.Revision, result(50), row(cur, result(50), at(time.Hour)))
		r.record(t, w, "MarkSubmitted", err, func() { r.wins = append(r.wins, raceWin{cur.Revision, cur.Answers, seq}) })
	}
}

// record counts one write's outcome: won calls ok, a conflict is a loss, anything else fails.
func (r *saveSubmitRace) record(t *testing.T, w int, call string, err error, ok func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		ok()
	case errors.Is(err, assessment.ErrConflict):
		r.losses++
	default:
		t.Errorf("worker %d: %s: %v", w, call, err)
	}
}

func testSubmissionsPaging(t *testing.T, s Store) {
	var all []assessment.Submission
	for i := range 7 {
		a := draft(fmt.Sprintf("p%d", i), 1)
		a.Answers["gov_maturity"] = float64(i % 5)
		create(t, s, a)
		all = append(all, submit(t, s, a, result(float64(i)), at(time.Duration(i)*time.Second)))
		// Noise: another version and another questionnaire, and a draft.
		b := draft(fmt.Sprintf("q%d", i), 2)
		create(t, s, b)
		submit(t, s, b, result(1), at(time.Second))
		c := draft(fmt.Sprintf("r%d", i), 1)
		c.QuestionnaireID = "other"
		create(t, s, c)
		submit(t, s, c, result(1), at(time.Second))
	}
	create(t, s, draft("still-draft", 1))

	for _, c := range []struct {
		after int64
		limit int
		want  []assessment.Submission
	}{
		{0, 3, all[0:3]},
		{3, 3, all[3:6]},
		{6, 3, all[6:7]},
		{7, 3, nil},
		{2, 100, all[2:]},
		{0, 1, all[:1]},
		{5, 2, all[5:7]},
		{100, 10, nil},
	} {
		t.Run(fmt.Sprintf("after=%d,limit=%d", c.after, c.limit), func(t *testing.T) {
			got := submissions(t, s, "esr", 1, c.after, c.limit)
			if d := cmp.Diff(c.want, got, cmpEmpty); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func testUsers(t *testing.T, s Store) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		in   auth.User
	}{
		{"chamber analyst", auth.User{Email: "  Analyst@Chamber.Example.JP ", Name: "山田 花子 𠮷", Role: auth.RoleAnalyst,
			ChamberID: "tokyo", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", CreatedAt: at(time.Hour)}},
		{"admin with its own id", auth.User{ID: "admin-1", Email: "root@example.jp", Name: "Admin", Role: auth.RoleAdmin,
			PasswordHash: "$2a$12$abc", CreatedAt: at(2 * time.Hour)}},
		{"invited chamber admin, disabled", auth.User{Email: "new@chamber.example.jp", Name: "New", Role: auth.RoleChamberAdmin,
			ChamberID: "osaka", CreatedAt: at(3 * time.Hour), InviteHash: "9f86d081884c7d659a2feaa0c55ad015",
			InviteExpires: at(75 * time.Hour), Disabled: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			created, err := s.CreateUser(ctx, c.in)
			if err != nil {
				t.Fatalf("CreateUser: %v", err)
			}
			if created.ID == "" || (c.in.ID != "" && created.ID != c.in.ID) {
				t.Fatalf("CreateUser gave id %q for %q", created.ID, c.in.ID)
			}
			want := c.in
			want.ID = created.ID
			want.Email = strings.ToLower(strings.TrimSpace(c.in.Email))
			if d := cmp.Diff(want, created); d != "" {
				t.Errorf("CreateUser returned (-want +got):\n%s", d)
			}
			for _, lookup := range []struct {
				name string
				find func() (auth.User, error)
			}{
				{"UserByID", func() (auth.User, error) { return s.UserByID(ctx, created.ID) }},
				{"UserByEmail as stored", func() (auth.User, error) { return s.UserByEmail(ctx, want.Email) }},
				{"UserByEmail as given", func() (auth.User, error) { return s.UserByEmail(ctx, c.in.Email) }},
				{"UserByEmail in upper case", func() (auth.User, error) { return s.UserByEmail(ctx, strings.ToUpper(want.Email)) }},
			} {
				got, err := lookup.find()
				if err != nil {
					t.Fatalf("%s: %v", lookup.name, err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", lookup.name, d)
				}
				if got.CreatedAt.Location() != time.UTC {
					t.Errorf("%s: CreatedAt %v, want UTC", lookup.name, got.CreatedAt)
				}
			}
		})
	}
}

func testUserEmailTaken(t *testing.T, s Store) {
	ctx := context.Background()
	first, err := s.CreateUser(ctx, auth.User{Email: "a@example.jp", Role: auth.RoleAdmin, CreatedAt: at(0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.jp", " A@EXAMPLE.jp", "a@Example.JP\t"} {
		_, err := s.CreateUser(ctx, auth.User{Email: email, Role: auth.RoleChamberAdmin, ChamberID: "osaka", CreatedAt: at(time.Hour)})
		if !errors.Is(err, auth.ErrEmailTaken) {
			t.Errorf("CreateUser(%q) = %v, want ErrEmailTaken", email, err)
		}
	}
	got, err := s.UserByEmail(ctx, "a@example.jp")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first, got); d != "" {
		t.Errorf("the first user changed (-want +got):\n%s", d)
	}
}

func testUserMissing(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, auth.User{Email: "present@example.jp", Role: auth.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByID(ctx, "absent"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByID(absent) = %v, want ErrNotFound", err)
	}
	if _, err := s.UserByEmail(ctx, "absent@example.jp"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByEmail(absent) = %v, want ErrNotFound", err)
	}
}

// testManySubmissions submits 2,000 assessments from 8 goroutines and pages through them.
func testManySubmissions(t *testing.T, s Store) {
	const n, workers, page = 2000, 8, 128
	ctx := context.Background()
	ids := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range ids {
				a := draft(id, 1)
				if err := s.CreateAssessment(ctx, a); err != nil {
					t.Errorf("CreateAssessment(%s): %v", id, err)
					continue
				}
				if _, err := s.MarkSubmitted(ctx, id, 0, result(50), row(a, result(50), at(time.Hour))); err != nil {
					t.Errorf("MarkSubmitted(%s): %v", id, err)
				}
			}
		})
	}
	for i := range n {
		ids <- fmt.Sprintf("m%04d", i)
	}
	close(ids)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	var seqs []int64
	seen := map[string]bool{}
	var after int64
	for pages := 0; ; pages++ {
		if pages > n/page+1 {
			t.Fatalf("more than %d pages", pages)
		}
		rows := submissions(t, s, "esr", 1, after, page)
		if len(rows) == 0 {
			break
		}
		if len(rows) > page {
			t.Fatalf("page after %d has %d rows, limit %d", after, len(rows), page)
		}
		for _, r := range rows {
			if seen[r.AssessmentID] {
				t.Errorf("assessment %s listed twice", r.AssessmentID)
			}
			seen[r.AssessmentID] = true
			seqs = append(seqs, r.Seq)
		}
		after = rows[len(rows)-1].Seq
	}
	if !sort.SliceIsSorted(seqs, func(i, j int) bool { return seqs[i] < seqs[j] }) {
		t.Errorf("sequences not ascending across pages")
	}
	if len(seqs) != n || seqs[0] != 1 || seqs[len(seqs)-1] != n {
		t.Errorf("paged %d rows, sequences %d..%d; want %d rows numbered 1..%d", len(seqs), first(seqs), last(seqs), n, n)
	}
	if len(seen) != n {
		t.Errorf("%d distinct assessments listed, want %d", len(seen), n)
	}
}

func first(s []int64) int64 {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

func last(s []int64) int64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}
