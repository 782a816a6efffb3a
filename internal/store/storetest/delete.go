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

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
)

// tombstoneOf is the tombstone that deleting the submission row r leaves, numbered seq.
func tombstoneOf(r assessment.Submission, seq int64) assessment.Submission {
	return assessment.Submission{
		Seq: seq, AssessmentID: r.AssessmentID, FirmKey: r.FirmKey, QuestionnaireID: r.QuestionnaireID,
		Version: r.Version, Campaign: r.Campaign, SubmittedAt: r.SubmittedAt, Deleted: true, Replaces: r.Seq,
	}
}

// gone checks that an assessment reads as missing and cannot be deleted again.
func gone(t *testing.T, s Store, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Assessment(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("Assessment(%s) after DeleteAssessment = %v, want ErrNotFound", id, err)
	}
	if _, err := s.DeleteAssessment(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("second DeleteAssessment(%s) = %v, want ErrNotFound", id, err)
	}
}

func testDeleteDraft(t *testing.T, s Store) {
	ctx := context.Background()
	keep, done := draft("keep", 1), draft("done", 1)
	create(t, s, draft("doomed", 1), keep, done)
	row := submit(t, s, done, result(40), at(time.Hour))

	tomb, err := s.DeleteAssessment(ctx, "doomed")
	if err != nil {
		t.Fatalf("DeleteAssessment(draft): %v", err)
	}
	if d := cmp.Diff(assessment.Submission{}, tomb, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("deleting a draft left a tombstone (-want +got):\n%s", d)
	}
	gone(t, s, "doomed")
	if _, err := s.DeleteAssessment(ctx, "absent"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("DeleteAssessment(absent) = %v, want ErrNotFound", err)
	}
	if d := cmp.Diff(keep, get(t, s, "keep")); d != "" {
		t.Errorf("another draft changed (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]assessment.Submission{row}, submissions(t, s, "esr", 1, 0, 10)); d != "" {
		t.Errorf("Submissions after deleting a draft (-want +got):\n%s", d)
	}
}

// testDeleteSubmitted: the deleted submission's row gives way to a tombstone with the next
// sequence, so a reader resuming after the last sequence it read sees it; the row with the
// scores and choices is gone.
func testDeleteSubmitted(t *testing.T, s Store) {
	ctx := context.Background()
	var rows []assessment.Submission
	for i, id := range []string{"a", "b", "c"} {
		a := draft(id, 1)
		create(t, s, a)
		rows = append(rows, submit(t, s, a, result(float64(30+i)), at(time.Duration(i+1)*time.Hour)))
	}
	tomb, err := s.DeleteAssessment(ctx, "b")
	if err != nil {
		t.Fatalf("DeleteAssessment(submitted): %v", err)
	}
	want := tombstoneOf(rows[1], 4)
	if d := cmp.Diff(want, tomb, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("returned tombstone (-want +got):\n%s", d)
	}
	gone(t, s, "b")
	all := []assessment.Submission{rows[0], rows[2], want}
	if d := cmp.Diff(all, submissions(t, s, "esr", 1, 0, 10), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Submissions after the delete (-want +got):\n%s", d)
	}
	if d := cmp.Diff(all[2:], submissions(t, s, "esr", 1, 3, 10), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Submissions after the last sequence read before the delete (-want +got):\n%s", d)
	}
	// Nothing writes to it any more, and the sequence goes on after the tombstone's.
	if err := s.SaveDraft(ctx, "b", 0, answers(), at(5*time.Hour)); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("SaveDraft of a deleted assessment = %v, want ErrConflict", err)
	}
	d := draft("d", 1)
	create(t, s, d)
	if got := submit(t, s, d, result(50), at(6*time.Hour)).Seq; got != 5 {
		t.Errorf("next submission after the tombstone = seq %d, want 5", got)
	}
}

func testDeleteDrafts(t *testing.T, s Store) {
	ctx := context.Background()
	cutoff := at(90 * 24 * time.Hour)
	var stale []string
	for i := range 5 {
		a := draft(fmt.Sprintf("stale%d", i), 1+i%2)
		a.UpdatedAt = cutoff.Add(-time.Duration(i+1) * time.Millisecond)
		create(t, s, a)
		stale = append(stale, a.ID)
	}
	fresh := draft("fresh", 1)
	fresh.UpdatedAt = cutoff // not before the cutoff: kept
	old := draft("old-submitted", 1)
	create(t, s, fresh, old)
	submit(t, s, old, result(50), at(time.Hour)) // never saved since: submitted assessments never expire

	if n, err := s.DeleteDrafts(ctx, cutoff, 0); err != nil || n != 0 {
		t.Errorf("DeleteDrafts with limit 0 = %d, %v; want 0", n, err)
	}
	var counts []int
	for range 4 {
		n, err := s.DeleteDrafts(ctx, cutoff, 2)
		if err != nil {
			t.Fatalf("DeleteDrafts: %v", err)
		}
		counts = append(counts, n)
	}
	if d := cmp.Diff([]int{2, 2, 1, 0}, counts); d != "" {
		t.Errorf("drafts deleted per batch of 2 (-want +got):\n%s", d)
	}
	for _, id := range stale {
		if _, err := s.Assessment(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("Assessment(%s) after expiry = %v, want ErrNotFound", id, err)
		}
	}
	get(t, s, "fresh")
	if a := get(t, s, "old-submitted"); a.Status != assessment.StatusSubmitted {
		t.Errorf("the submitted assessment is %s", a.Status)
	}
	if rows := submissions(t, s, "esr", 1, 0, 10); len(rows) != 1 || rows[0].Deleted {
		t.Errorf("Submissions after expiry = %+v, want the one submission, untouched", rows)
	}
}

// testDeleteRacingSubmit deletes drafts while they are being saved and submitted. However the
// race goes, the assessment ends missing, no row of it with scores or choices remains, and a
// submission that succeeded has been replaced by the tombstone the delete returned.
func testDeleteRacingSubmit(t *testing.T, s Store) {
	const rounds = 12
	won := 0
	for i := range rounds {
		a := draft(fmt.Sprintf("race%02d", i), 1)
		create(t, s, a)
		o := raceDelete(t, s, a, i)
		gone(t, s, a.ID)
		o.check(t, s, a.ID)
		if o.seq > 0 {
			won++
		}
	}
	t.Logf("the submit landed before the delete in %d of %d rounds", won, rounds)
}

// deleteRace is what one round of testDeleteRacingSubmit saw.
type deleteRace struct {
	seq  int64 // of a submission that succeeded; 0 if none did
	tomb assessment.Submission
}

// raceDelete runs a save, a submit and a delete of a at once; the delete starts first, last or
// in between, by round.
func raceDelete(t *testing.T, s Store, a assessment.Assessment, round int) deleteRace {
	ctx := context.Background()
	var o deleteRace
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Go(func() {
		<-start
		err := s.SaveDraft(ctx, a.ID, 0, questionnaire.Answers{"rev": float64(1)}, at(time.Minute))
		if err != nil && !errors.Is(err, assessment.ErrConflict) {
			t.Errorf("SaveDraft racing DeleteAssessment: %v", err)
		}
	})
	wg.Go(func() {
		<-start
		seq, err := s.MarkSubmitted(ctx, a.ID, 0, result(50), row(a, result(50), at(time.Hour)))
		switch {
		case err == nil:
			o.seq = seq
		case !errors.Is(err, assessment.ErrConflict) && !errors.Is(err, assessment.ErrNotFound):
			t.Errorf("MarkSubmitted racing DeleteAssessment: %v", err)
		}
	})
	wg.Go(func() {
		<-start
		for range round % 3 {
			_, _ = s.Assessment(ctx, a.ID) // a little later each round
		}
		var err error
		if o.tomb, err = s.DeleteAssessment(ctx, a.ID); err != nil {
			t.Errorf("DeleteAssessment racing a submit: %v", err)
		}
	})
	close(start)
	wg.Wait()
	return o
}

// check compares what the store holds of the deleted assessment id with what the race saw.
func (o deleteRace) check(t *testing.T, s Store, id string) {
	t.Helper()
	var mine []assessment.Submission
	for _, r := range submissions(t, s, "esr", 1, 0, 100) {
		if r.AssessmentID == id {
			mine = append(mine, r)
		}
	}
	switch {
	case o.seq > 0 && (!o.tomb.Deleted || o.tomb.Replaces != o.seq):
		t.Errorf("%s: submitted as seq %d, but the delete returned %+v", id, o.seq, o.tomb)
	case o.tomb.Deleted && (len(mine) != 1 || !cmp.Equal(o.tomb, mine[0], cmpopts.EquateEmpty())):
		t.Errorf("%s: rows %+v, want only the tombstone returned, %+v", id, mine, o.tomb)
	case !o.tomb.Deleted && len(mine) != 0:
		t.Errorf("%s: deleted as a draft, but rows %+v remain", id, mine)
	}
}
