package assessment_test

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// TestSubmitRacingSubmit: many submits of one draft at once store it once; every caller gets
// the submitted assessment.
func TestSubmitRacingSubmit(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		svc := newService(t, st, newClock(), 1)
		id, token := draft(t, svc, example(t, "small-sme"))

		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				o, err := svc.Submit(ctx, id, token, "ja", "")
				if err == nil && o.Assessment.Status != assessment.StatusSubmitted {
					err = errors.New("returned a draft")
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("submit %d: %v", i, err)
			}
		}
		rows, err := st.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: latest(t), Limit: 100, Choices: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].AssessmentID != id || rows[0].Seq != 1 {
			t.Fatalf("submission rows = %+v, want one, for %s, seq 1", rows, id)
		}
	})
}

// TestSubmitRacingSaves: saves keep landing while the respondent submits. The submit either
// wins with answers of a saved revision, scored as stored, or reports ErrConflict; no save is
// accepted after the submit, and the stored state is consistent either way.
func TestSubmitRacingSaves(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		svc := newService(t, st, newClock(), 1)
		full := example(t, "mid-exporter")
		id, token := draft(t, svc, full)

		stop := make(chan struct{})
		var saved sync.WaitGroup
		saved.Go(func() { saveUntilSubmitted(t, svc, id, token, full, stop) })
		o, err := svc.Submit(ctx, id, token, "ja", "")
		close(stop)
		saved.Wait()
		if err != nil && !errors.Is(err, assessment.ErrConflict) {
			t.Fatalf("submit: %v", err)
		}
		got, err2 := st.Assessment(ctx, id)
		if err2 != nil {
			t.Fatal(err2)
		}
		rows, _ := st.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: latest(t), Limit: 10, Choices: true})
		if err != nil { // lost every attempt: still a draft, no row
			if got.Status != assessment.StatusDraft || len(rows) != 0 {
				t.Fatalf("after ErrConflict: status %s, %d rows", got.Status, len(rows))
			}
			return
		}
		if got.Status != assessment.StatusSubmitted || got.Revision != o.Assessment.Revision || len(rows) != 1 {
			t.Fatalf("stored %s at revision %d with %d rows; submit returned revision %d", got.Status, got.Revision, len(rows), o.Assessment.Revision)
		}
		def, _ := registry(t).Latest("esr")
		if want := scoring.Score(def, got.Answers); *want.Overall.Score != *got.Result.Overall.Score {
			t.Errorf("stored score %v is not the score of the stored answers (%v)", *got.Result.Overall.Score, *want.Overall.Score)
		}
	})
}

// saveUntilSubmitted saves alternating answer sets as fast as it can until the assessment is
// submitted or stop closes; after a submit every save must be refused.
func saveUntilSubmitted(t *testing.T, svc *assessment.Service, id, token string, full questionnaire.Answers, stop <-chan struct{}) {
	ctx := context.Background()
	other := maps.Clone(full)
	other["prof_respondent_role"] = "corporate_planning"
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		a, _, err := svc.Open(ctx, id, token)
		if err != nil {
			t.Error(err)
			return
		}
		answers := full
		if i%2 == 1 {
			answers = other
		}
		_, err = svc.SaveDraft(ctx, id, token, a.Revision, answers, "ja")
		var stale *assessment.StaleError
		switch {
		case errors.Is(err, assessment.ErrSubmitted):
			return
		case err != nil && !errors.As(err, &stale):
			t.Errorf("save: %v", err)
			return
		case err == nil && a.Status == assessment.StatusSubmitted:
			t.Error("a save was accepted after the submit")
			return
		}
	}
}

// racingStore is the real store with a respondent's second device saving right before every
// submit: each submit attempt finds its revision gone.
type racingStore struct {
	testStore
	svc   func() *assessment.Service
	token string
	saves int
}

func (r *racingStore) MarkSubmitted(ctx context.Context, id string, revision int, res scoring.Result, row assessment.Submission) (int64, error) {
	a, _, err := r.svc().Open(ctx, id, r.token)
	if err != nil {
		return 0, err
	}
	if _, err := r.svc().SaveDraft(ctx, id, r.token, a.Revision, a.Answers, "ja"); err != nil {
		return 0, err
	}
	r.saves++
	return r.testStore.MarkSubmitted(ctx, id, revision, res, row)
}

// TestSubmitGivesUpWithConflict: a submit that loses every attempt to concurrent saves returns
// ErrConflict (the API's 409) after a bounded number of attempts, and stores nothing.
func TestSubmitGivesUpWithConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		var svc *assessment.Service
		rs := &racingStore{testStore: st, svc: func() *assessment.Service { return svc }}
		svc = newService(t, rs, newClock(), 1)
		id, token := draft(t, svc, example(t, "large-firm"))
		rs.token = token

		_, err := svc.Submit(ctx, id, token, "ja", "")
		if !errors.Is(err, assessment.ErrConflict) {
			t.Fatalf("submit losing every race: %v, want ErrConflict", err)
		}
		if rs.saves != 3 {
			t.Errorf("submit made %d attempts, want 3", rs.saves)
		}
		a, _ := st.Assessment(ctx, id)
		rows, _ := st.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: latest(t), Limit: 10, Choices: true})
		if a.Status != assessment.StatusDraft || a.Revision != 4 || len(rows) != 0 {
			t.Errorf("after the lost submit: %s at revision %d with %d rows, want a draft at 4 and none", a.Status, a.Revision, len(rows))
		}
	})
}

// TestSubmittedCacheChecksTheCredential: a submitted assessment kept decoded in memory opens
// only with its own credential, as one read from the store does.
func TestSubmittedCacheChecksTheCredential(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		svc := newService(t, st, newClock(), 1)
		id, token := draft(t, svc, example(t, "small-sme"))
		if _, err := svc.Submit(ctx, id, token, "ja", ""); err != nil {
			t.Fatal(err)
		}
		other, otherToken := draft(t, svc, example(t, "small-sme"))
		for _, tok := range []string{"", otherToken, token + "x"} {
			if _, err := svc.Result(ctx, id, tok); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("result with credential %q: %v, want ErrNotFound", tok, err)
			}
		}
		if o, err := svc.Result(ctx, id, token); err != nil || o.Assessment.ID != id {
			t.Errorf("result with its credential: %v", err)
		}
		if _, err := svc.Result(ctx, other, otherToken); !errors.Is(err, assessment.ErrNotSubmitted) {
			t.Errorf("result of a draft: %v, want ErrNotSubmitted", err)
		}
	})
}
