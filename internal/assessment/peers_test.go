package assessment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
)

// withPeers says, for each cohort a submitted assessment is compared in, narrowest first (size
// band and sector, size band, all firms), whether the firm has k peers there: with the k = 1
// of these tests, whether it has any. How many is never published; firms counts them.
func withPeers(t *testing.T, svc *assessment.Service, id, token string) []bool {
	t.Helper()
	o, err := svc.Result(context.Background(), id, token)
	if err != nil {
		t.Fatal(err)
	}
	var in []bool
	for _, c := range o.Score.Benchmark.Tried {
		in = append(in, c.Firms != nil)
	}
	return in
}

// firms is the number of firms among the peers of the latest esr as svc holds them now.
func firms(t *testing.T, svc *assessment.Service) int {
	t.Helper()
	n, err := svc.PeerCount(context.Background(), "esr", latest(t))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func submitted(t *testing.T, svc *assessment.Service, answers questionnaire.Answers) (string, string) {
	t.Helper()
	id, token := draft(t, svc, answers)
	if _, err := svc.Submit(context.Background(), id, token, "ja", ""); err != nil {
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
		if got := firms(t, one); got != 1 {
			t.Fatalf("alone: %d firms", got)
		}
		for range 3 {
			submitted(t, two, sme)
		}
		if got := firms(t, one); got != 1 {
			t.Fatalf("within the refresh interval the population is the cached one: %d firms", got)
		}
		c1.Add(6 * time.Second)
		if got := firms(t, one); got != 4 {
			t.Errorf("after the refresh interval: %d firms, want the viewer and the 3 late submissions", got)
		}
		if got := withPeers(t, one, viewer, token); !got[0] {
			t.Errorf("after the refresh interval the viewer has no peers of its size and sector: %v", got)
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
		if got := withPeers(t, svc, viewer, vtoken); !got[1] {
			t.Fatalf("before: peers %v, want the firm among small firms", got)
		}

		c.Add(-time.Hour)
		re, retoken, err := svc.Create(ctx, "esr", 0, "ja", &assessment.Previous{ID: first, Token: ftoken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SaveDraft(ctx, re.ID, retoken, re.Revision, large, "ja"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, re.ID, retoken, "ja", ""); err != nil {
			t.Fatal(err)
		}
		// The firm is now a large firm: it left the small firms' cohorts, and counts once in all.
		if got := withPeers(t, svc, viewer, vtoken); got[1] || !got[2] || firms(t, svc) != 2 {
			t.Errorf("after the re-assessment on a clock set back: peers %v, want only among all firms", got)
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
		for range 4 {
			submitted(t, writer, sme) // seqs 1, 2, 3, 4; the reader sees 1 and 4
		}
		if got := firms(t, reader); got != 2 {
			t.Fatalf("with 2 and 3 hidden: %d firms, want 2 (seqs 1 and 4)", got)
		}
		hs.show(2)
		c.Add(6 * time.Second)
		if got := firms(t, reader); got != 3 {
			t.Fatalf("with 2 visible: %d firms, want 3", got)
		}
		before := hs.askedFor(3)
		c.Add(3 * time.Minute) // past the grace period: 3 is given up
		firms(t, reader)
		c.Add(6 * time.Second)
		firms(t, reader)
		if n := hs.askedFor(3) - before; n != 1 {
			t.Errorf("after the grace period the reader asked for seq 3 %d more times, want once (the last try)", n)
		}
	})
}
