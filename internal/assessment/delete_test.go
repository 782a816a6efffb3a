package assessment_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/scoring"
)

// TestDeleteLeavesEveryServer: two app servers share a database. A firm deleted through one
// leaves its peers at once, and the other's within the refresh interval, as a submission would
// arrive; the other stops serving the deleted assessment it held in memory too.
func TestDeleteLeavesEveryServer(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		c1, c2 := newClock(), newClock()
		one, two := newService(t, st, c1, 1), newService(t, st, c2, 1)
		sme := example(t, "small-sme")
		viewer, vtoken := submitted(t, one, sme)
		doomed, dtoken := submitted(t, two, sme)
		c1.Add(6 * time.Second)
		if got := withPeers(t, one, viewer, vtoken); !got[0] {
			t.Fatalf("before the delete: peers %v, want the doomed firm counted", got)
		}
		if _, err := two.Result(ctx, doomed, dtoken); err != nil { // now held in two's memory
			t.Fatal(err)
		}

		if err := one.Delete(ctx, doomed, dtoken); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if got := withPeers(t, one, viewer, vtoken); got[2] {
			t.Errorf("on the deleting server: peers %v, want the firm gone at once", got)
		}
		c2.Add(6 * time.Second)
		if got := withPeers(t, two, viewer, vtoken); got[2] {
			t.Errorf("on the other server after the refresh interval: peers %v, want the firm gone", got)
		}
		if _, err := two.Result(ctx, doomed, dtoken); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("the other server's result of the deleted assessment: %v, want ErrNotFound", err)
		}
		if err := two.Delete(ctx, doomed, dtoken); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("deleting again: %v, want ErrNotFound", err)
		}
	})
}

// TestDeleteWithWrongCredential: a wrong credential deletes nothing and looks like a missing
// assessment; a draft deletes as well as a submitted assessment.
func TestDeleteWithWrongCredential(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		svc := newService(t, st, newClock(), 1)
		id, token := draft(t, svc, example(t, "small-sme"))
		for _, tok := range []string{"", "wrong", token + "x"} {
			if err := svc.Delete(ctx, id, tok); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("delete with credential %q: %v, want ErrNotFound", tok, err)
			}
		}
		if _, _, err := svc.Open(ctx, id, token); err != nil {
			t.Fatalf("the draft after refused deletes: %v", err)
		}
		if err := svc.Delete(ctx, id, token); err != nil {
			t.Fatalf("delete the draft: %v", err)
		}
		if _, _, err := svc.Open(ctx, id, token); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("open after delete: %v, want ErrNotFound", err)
		}
	})
}

// TestDeleteReassessment: deleting a firm's re-assessment makes its previous submission count
// again, on the running server and after a restart; deleting the previous one leaves the
// re-assessment's result without its progress.
func TestDeleteReassessment(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		c := newClock()
		svc := newService(t, st, c, 1)
		sme, large := example(t, "small-sme"), example(t, "large-firm")
		viewer, vtoken := submitted(t, svc, sme)
		first, ftoken := submitted(t, svc, sme)
		re, retoken := resubmit(t, svc, first, ftoken, large)
		if got := withPeers(t, svc, viewer, vtoken); got[1] || !got[2] {
			t.Fatalf("after the re-assessment: peers %v, want the firm among large firms", got)
		}
		if err := svc.Delete(ctx, re, retoken); err != nil {
			t.Fatal(err)
		}
		if got := withPeers(t, svc, viewer, vtoken); !got[1] {
			t.Errorf("after deleting the re-assessment: peers %v, want the first submission back", got)
		}
		if got := withPeers(t, newService(t, st, c, 1), viewer, vtoken); !got[1] {
			t.Errorf("after a restart: peers %v, want the first submission counted", got)
		}

		again, againToken := resubmit(t, svc, first, ftoken, large)
		if err := svc.Delete(ctx, first, ftoken); err != nil {
			t.Fatal(err)
		}
		o, err := svc.Result(ctx, again, againToken)
		if err != nil || o.Progress != nil {
			t.Errorf("result of a re-assessment whose previous one is deleted: progress %v, %v; want none", o.Progress, err)
		}
		if got := withPeers(t, svc, viewer, vtoken); !got[2] {
			t.Errorf("after deleting the earlier submission: peers %v, want the firm's latest still counted", got)
		}
	})
}

// resubmit submits a re-assessment of prev with answers.
func resubmit(t *testing.T, svc *assessment.Service, prev, prevToken string, answers map[string]any) (string, string) {
	t.Helper()
	ctx := context.Background()
	re, token, err := svc.Create(ctx, "esr", 0, "ja", &assessment.Previous{ID: prev, Token: prevToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveDraft(ctx, re.ID, token, re.Revision, answers, "ja"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, re.ID, token, "ja", ""); err != nil {
		t.Fatal(err)
	}
	return re.ID, token
}

// TestDeleteRacingSubmitAndSave: a respondent deletes an assessment while its other devices
// save and submit it. However the race goes, the assessment is gone from the store, from this
// server's memory and from the peers, here and on a server started afterwards.
func TestDeleteRacingSubmitAndSave(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		c := newClock()
		svc := newService(t, st, c, 1)
		full := example(t, "small-sme")
		viewer, vtoken := submitted(t, svc, full)
		const rounds = 8
		for i := range rounds {
			id, token := draft(t, svc, full)
			raceDeleteSubmitSave(t, svc, id, token, full)
			if _, _, err := svc.Open(ctx, id, token); !errors.Is(err, assessment.ErrNotFound) {
				t.Fatalf("round %d: open after the race: %v, want ErrNotFound", i, err)
			}
			if _, err := st.Assessment(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
				t.Fatalf("round %d: the store still holds it: %v", i, err)
			}
			if got := withPeers(t, svc, viewer, vtoken); got[2] {
				t.Fatalf("round %d: peers %v, want the deleted firm nowhere", i, got)
			}
		}
		if got := withPeers(t, newService(t, st, c, 1), viewer, vtoken); got[2] {
			t.Errorf("after a restart: peers %v, want no deleted firm", got)
		}
	})
}

// deletingStore is the real store with the respondent's other device deleting the assessment
// the moment its submission commits, before the submitting call returns.
type deletingStore struct {
	testStore
	del func(id string)
}

func (d *deletingStore) MarkSubmitted(ctx context.Context, id string, revision int, r scoring.Result, row assessment.Submission) (int64, error) {
	seq, err := d.testStore.MarkSubmitted(ctx, id, revision, r, row)
	if err == nil {
		d.del(id)
	}
	return seq, err
}

// TestDeleteDuringSubmit: the delete's tombstone is folded before the submit gets to fold its
// own row and keep the assessment in memory. The late row must not bring the firm back among
// the peers, nor the assessment back into memory.
func TestDeleteDuringSubmit(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		var svc *assessment.Service
		var id, token string
		ds := &deletingStore{testStore: st, del: func(submitted string) {
			if submitted != id {
				return
			}
			if err := svc.Delete(ctx, id, token); err != nil {
				t.Errorf("delete during the submit: %v", err)
			}
		}}
		svc = newService(t, ds, newClock(), 1)
		sme := example(t, "small-sme")
		viewer, vtoken := submitted(t, svc, sme)
		id, token = draft(t, svc, sme)
		if _, err := svc.Submit(ctx, id, token, "ja", ""); err != nil {
			t.Fatalf("submit: %v", err)
		}
		if _, _, err := svc.Open(ctx, id, token); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("open after the delete: %v, want ErrNotFound", err)
		}
		if got := withPeers(t, svc, viewer, vtoken); got[2] {
			t.Errorf("peers %v, want the deleted firm nowhere", got)
		}
	})
}

// raceDeleteSubmitSave submits, saves and deletes one draft at once, and fails on any outcome
// other than those the race allows.
func raceDeleteSubmitSave(t *testing.T, svc *assessment.Service, id, token string, answers map[string]any) {
	ctx := context.Background()
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Go(func() {
		<-start
		_, err := svc.Submit(ctx, id, token, "ja", "")
		if err != nil && !errors.Is(err, assessment.ErrNotFound) && !errors.Is(err, assessment.ErrConflict) {
			t.Errorf("submit racing a delete: %v", err)
		}
	})
	wg.Go(func() {
		<-start
		_, err := svc.SaveDraft(ctx, id, token, 1, answers, "ja")
		var stale *assessment.StaleError
		if err != nil && !errors.Is(err, assessment.ErrNotFound) && !errors.Is(err, assessment.ErrSubmitted) && !errors.As(err, &stale) {
			t.Errorf("save racing a delete: %v", err)
		}
	})
	wg.Go(func() {
		<-start
		if err := svc.Delete(ctx, id, token); err != nil {
			t.Errorf("delete racing a submit: %v", err)
		}
	})
	close(start)
	wg.Wait()
}

// TestExpireDrafts moves the clock: drafts not saved for longer than the TTL go, a draft saved
// recently and every submitted assessment stay, however old.
func TestExpireDrafts(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		c := newClock()
		svc := newService(t, st, c, 1)
		const ttl = 90 * 24 * time.Hour
		abandoned, atoken := draft(t, svc, example(t, "small-sme"))
		resumed, rtoken := draft(t, svc, example(t, "small-sme"))
		old, otoken := submitted(t, svc, example(t, "small-sme"))

		c.Add(60 * 24 * time.Hour)
		if _, err := svc.SaveDraft(ctx, resumed, rtoken, 1, example(t, "mid-exporter"), "ja"); err != nil {
			t.Fatal(err)
		}
		c.Add(30*24*time.Hour - time.Second)
		if n, err := svc.ExpireDrafts(ctx, ttl); err != nil || n != 0 {
			t.Fatalf("a second before the TTL: expired %d, %v; want none", n, err)
		}
		c.Add(2 * time.Second)
		if n, err := svc.ExpireDrafts(ctx, ttl); err != nil || n != 1 {
			t.Fatalf("past the TTL: expired %d, %v; want the abandoned draft", n, err)
		}
		if _, _, err := svc.Open(ctx, abandoned, atoken); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("the abandoned draft: %v, want ErrNotFound", err)
		}
		for id, token := range map[string]string{resumed: rtoken, old: otoken} {
			if _, _, err := svc.Open(ctx, id, token); err != nil {
				t.Errorf("%s should stay: %v", id, err)
			}
		}
	})
}

// TestRunDraftExpiry runs the periodic job on a short interval: it deletes an abandoned draft,
// logs the count and nothing of the draft, and stops when its context ends.
func TestRunDraftExpiry(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx, cancel := context.WithCancel(context.Background())
		c := newClock()
		svc := newService(t, st, c, 1)
		id, _ := draft(t, svc, map[string]any{"prof_industry": "manufacturing"})
		c.Add(25 * time.Hour)
		var log logBuffer
		done := make(chan struct{})
		go func() {
			defer close(done)
			svc.RunDraftExpiry(ctx, 24*time.Hour, 5*time.Millisecond, slog.New(slog.NewTextHandler(&log, nil)))
		}()
		waitFor(t, "the draft to expire", func() bool {
			_, err := st.Assessment(context.Background(), id)
			return errors.Is(err, assessment.ErrNotFound)
		})
		cancel()
		<-done
		got := log.String()
		if !strings.Contains(got, "deleted abandoned drafts") || !strings.Contains(got, "deleted=1") {
			t.Errorf("the log does not count the expired draft:\n%s", got)
		}
		if strings.Contains(got, id) || strings.Contains(got, "manufacturing") {
			t.Errorf("the log names the draft or its answers:\n%s", got)
		}
	})
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// logBuffer is a log the job writes while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
