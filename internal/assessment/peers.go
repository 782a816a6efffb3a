package assessment

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/esready/esready/internal/scoring"
)

// peerCache keeps the peer population of each questionnaire version in memory and folds new
// submissions in one at a time: a refresh reads only the compact rows with a sequence above the
// highest one folded, so ranking a firm among 100,000 peers reads nothing it has read before.
// A submission made through this process is folded at once; those of other app servers sharing
// a MongoDB are read within refreshEvery.
//
// A deleted submission reaches every server the same way: its row is replaced by a tombstone
// with a new sequence (Storer.DeleteAssessment), which the next read folds like any row,
// removing the firm's submission from the population and, through forget, the assessment from
// the server's memory of submitted assessments.
type peerCache struct {
	store  Storer
	now    func() time.Time
	forget func(assessmentID string)
	key    []byte // of the populations' dither (scoring.NewKeyedPopulation)
	mu     sync.Mutex
	byQ    map[versionKey]*peerSet
}

// versionKey names one questionnaire version.
type versionKey struct {
	id      string
	version int
}

// peerSet is the population of one questionnaire version and how far it has read.
type peerSet struct {
	mu      sync.Mutex // serialises refreshes and folds; readers use pop, which locks itself
	pop     *scoring.Population
	loaded  bool
	high    int64               // the highest sequence folded
	gaps    map[int64]time.Time // sequences below high not seen yet, with when first missed
	fetched time.Time
	// deleted are the assessments whose tombstones were folded: a row of one of them arriving
	// late (this process's own submit racing the delete) is not folded.
	deleted map[string]struct{}
	forget  func(assessmentID string)
}

const (
	// refreshEvery bounds how stale a population may be.
	refreshEvery = 5 * time.Second
	// gapGrace is how long a missing sequence is waited for. On MongoDB a submission's number
	// is visible to readers shortly before a lower one commits, and a crash mid-submit can burn
	// a number for good; the embedded store has neither. A late row is still read after the
	// grace by the next process start, which reads everything.
	gapGrace = 2 * time.Minute
	// pageSize is how many rows one read of the store returns.
	pageSize = 5000
)

// newPeerCache returns an empty cache; forget is called with the id of every deleted assessment
// whose tombstone it folds; key is the secret of the populations' dither.
func newPeerCache(store Storer, now func() time.Time, forget func(assessmentID string), key []byte) *peerCache {
	return &peerCache{store: store, now: now, forget: forget, key: key, byQ: map[versionKey]*peerSet{}}
}

func (c *peerCache) set(qid string, version int) *peerSet {
	key := versionKey{qid, version}
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.byQ[key]
	if set == nil {
		set = &peerSet{pop: scoring.NewKeyedPopulation(c.key, nil), gaps: map[int64]time.Time{},
			deleted: map[string]struct{}{}, forget: c.forget}
		c.byQ[key] = set
	}
	return set
}

// ingest folds a row this process just stored (a submission or a tombstone), so the firm sees
// itself counted, or no longer counted, at once. Before the population is first loaded there is
// nothing to fold into: the load reads it.
func (c *peerCache) ingest(row Submission) {
	set := c.set(row.QuestionnaireID, row.Version)
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.loaded {
		set.fold(row, c.now())
	}
}

// unlessDeleted runs keep (which stores a submitted assessment in memory) unless the tombstone
// of the assessment has been folded. It holds the lock tombstones are folded under, so a
// tombstone folded at the same time either stops keep or, through forget, undoes it.
func (c *peerCache) unlessDeleted(a Assessment, keep func()) {
	set := c.set(a.QuestionnaireID, a.Version)
	set.mu.Lock()
	defer set.mu.Unlock()
	if _, gone := set.deleted[a.ID]; !gone {
		keep()
	}
}

// population returns the population of a questionnaire version, reading the rows committed
// since the last read when it is older than refreshEvery.
func (c *peerCache) population(ctx context.Context, qid string, version int) (*scoring.Population, error) {
	set := c.set(qid, version)
	set.mu.Lock()
	defer set.mu.Unlock()
	now := c.now()
	if set.loaded && now.Sub(set.fetched) < refreshEvery && now.Sub(set.fetched) >= 0 {
		return set.pop, nil
	}
	if err := set.readNew(ctx, c.store, qid, version, now); err != nil {
		return nil, err
	}
	if err := set.readGaps(ctx, c.store, qid, version, now); err != nil {
		return nil, err
	}
	set.loaded, set.fetched = true, now
	return set.pop, nil
}

// fold adds one row, or removes the submission a tombstone replaced, noting the sequences it
// skips over as gaps. A row already folded is ignored, so rows may arrive in any order and more
// than once.
func (set *peerSet) fold(row Submission, now time.Time) {
	if !set.advance(row.Seq, now) {
		return
	}
	if row.Deleted {
		set.deleted[row.AssessmentID] = struct{}{}
		set.pop.Remove(row.FirmKey, row.Replaces)
		set.forget(row.AssessmentID)
		return
	}
	if _, gone := set.deleted[row.AssessmentID]; !gone {
		set.pop.Add(row.Peer())
	}
}

// advance records that the row with sequence seq has been read and reports whether it is new.
func (set *peerSet) advance(seq int64, now time.Time) bool {
	switch {
	case seq > set.high:
		for s := set.high + 1; s < seq; s++ {
			set.gaps[s] = now
		}
		set.high = seq
	case seq > 0:
		if _, missing := set.gaps[seq]; !missing {
			return false
		}
		delete(set.gaps, seq)
	}
	return true
}

func (set *peerSet) readNew(ctx context.Context, st Storer, qid string, version int, now time.Time) error {
	for {
		rows, err := st.Submissions(ctx, SubmissionQuery{QuestionnaireID: qid, Version: version, After: set.high, Limit: pageSize})
		if err != nil {
			return err
		}
		for _, r := range rows {
			set.fold(r, now)
		}
		if len(rows) < pageSize {
			return nil
		}
	}
}

// readGaps looks for each missing sequence once more, giving up on those missing for longer
// than gapGrace.
func (set *peerSet) readGaps(ctx context.Context, st Storer, qid string, version int, now time.Time) error {
	missing := make([]int64, 0, len(set.gaps))
	for s := range set.gaps {
		missing = append(missing, s)
	}
	slices.Sort(missing)
	for _, s := range missing {
		if _, still := set.gaps[s]; !still {
			continue // folded by an earlier read of this loop
		}
		rows, err := st.Submissions(ctx, SubmissionQuery{QuestionnaireID: qid, Version: version, After: s - 1, Limit: 1})
		if err != nil {
			return err
		}
		if len(rows) == 1 && rows[0].Seq == s {
			set.fold(rows[0], now)
			continue
		}
		if now.Sub(set.gaps[s]) > gapGrace {
			delete(set.gaps, s)
		}
	}
	return nil
}
