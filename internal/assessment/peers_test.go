package assessment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
)

// cohortSizes returns the sizes of the cohorts a submitted assessment was compared with,
// narrowest first (size band and sector, size band, all firms).
func cohortSizes(t *testing.T, svc *assessment.Service, id, token string) []int {
	t.Helper()
	o, err := svc.Result(context.Background(), id, token)
	if err != nil {
		t.Fatal(err)
	}
	var n []int
	for _, c := range o.Score.Benchmark.Tried {
		n = append(n, c.N)
	}
	return n
}

func submitted(t *testing.T, svc *assessment.Service, answers questionnaire.Answers) (string, string) {
	t.Helper()
	id, token := draft(t, svc, answers)
	if _, err := svc.Submit(context.Background(), id, token, "ja"); err != nil {
		t.Fatal(err)
	}
	return id, token
}

// TestLateCommitIsSeen: a second app server on the same database, its clock an hour behind,
// commits submissions after the first server has read its peers. Their times are older than
// anything the first server has seen, which a time watermark would miss for good; the
// submission sequence does not.
func TestLateCommitIsSeen(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		c1, c2 := newClock(), newClock()
		c2.Add(-time.Hour)
		one, two := newService(t, st, c1, 1), newService(t, st, c2, 1)
		sme := example(t, "small-sme")
		viewer, token := submitted(t, one, sme)
		if got := cohortSizes(t, one, viewer, token); got[2] != 0 {
			t.Fatalf("alone: cohort sizes %v", got)
		}
		for range 3 {
			submitted(t, two, sme)
		}
		if got := cohortSizes(t, one, viewer, token); got[2] != 0 {
			t.Fatalf("within the refresh interval the population is the cached one: %v", got)
		}
		c1.Add(6 * time.Second)
		if got := cohortSizes(t, one, viewer, token); got[0] != 3 || got[2] != 3 {
			t.Errorf("after the refresh interval: cohort sizes %v, want the 3 late submissions", got)
		}
	})
}

// TestClockGoingBack: a firm's re-assessment submitted after the server clock was set back an
// hour still replaces its first submission among the peers, and the cache still refreshes.
func TestClockGoingBack(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		ctx := context.Background()
		c := newClock()
		svc := newService(t, st, c, 1)
		sme, large := example(t, "small-sme"), example(t, "large-firm")
		viewer, vtoken := submitted(t, svc, sme)
		first, ftoken := submitted(t, svc, sme)
		if got := cohortSizes(t, svc, viewer, vtoken); got[1] != 1 {
			t.Fatalf("before: cohort sizes %v, want the firm among small firms", got)
		}

		c.Add(-time.Hour)
		re, retoken, err := svc.Create(ctx, "esr", 0, "ja", &assessment.Previous{ID: first, Token: ftoken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SaveDraft(ctx, re.ID, retoken, re.Revision, large, "ja"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, re.ID, retoken, "ja"); err != nil {
			t.Fatal(err)
		}
		// The firm is now a large firm: it left the small firms' cohorts, and counts once in all.
		if got := cohortSizes(t, svc, viewer, vtoken); got[1] != 0 || got[2] != 1 {
			t.Errorf("after the re-assessment on a clock set back: cohort sizes %v, want [0 0 1]", got)
		}
	})
}

// hidingStore is the real store whose readers do not yet see some sequence numbers, as MongoDB
// readers may not see a submission whose number was taken before a higher one's.
type hidingStore struct {
	assessment.Storer
	mu     sync.Mutex
	hidden map[int64]bool
	asked  map[int64]int // how often a read started right below a sequence
}

func (h *hidingStore) Submissions(ctx context.Context, q assessment.SubmissionQuery) ([]assessment.Submission, error) {
	rows, err := h.Storer.Submissions(ctx, q)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked[q.After+1]++
	out := rows[:0]
	for _, r := range rows {
		if !h.hidden[r.Seq] {
			out = append(out, r)
		}
	}
	return out, err
}

func (h *hidingStore) show(seq int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.hidden, seq)
}

func (h *hidingStore) askedFor(seq int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked[seq]
}

// TestGapsAreWaitedFor: a submission that becomes visible after a higher-numbered one is
// folded in when it appears; one that never appears is given up after the grace period.
func TestGapsAreWaitedFor(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		hs := &hidingStore{Storer: st, hidden: map[int64]bool{2: true, 3: true}, asked: map[int64]int{}}
		c := newClock()
		writer, reader := newService(t, st, c, 1), newService(t, hs, c, 1)
		sme := example(t, "small-sme")
		viewer, token := submitted(t, writer, sme)
		for range 3 {
			submitted(t, writer, sme) // seqs 2, 3, 4; the reader sees only 4
		}
		if got := cohortSizes(t, reader, viewer, token); got[2] != 1 {
			t.Fatalf("with 2 and 3 hidden: cohort sizes %v, want 1 (seq 4)", got)
		}
		hs.show(2)
		c.Add(6 * time.Second)
		if got := cohortSizes(t, reader, viewer, token); got[2] != 2 {
			t.Fatalf("with 2 visible: cohort sizes %v, want 2", got)
		}
		before := hs.askedFor(3)
		c.Add(3 * time.Minute) // past the grace period: 3 is given up
		cohortSizes(t, reader, viewer, token)
		c.Add(6 * time.Second)
		cohortSizes(t, reader, viewer, token)
		if n := hs.askedFor(3) - before; n != 1 {
			t.Errorf("after the grace period the reader asked for seq 3 %d more times, want once (the last try)", n)
		}
	})
}
