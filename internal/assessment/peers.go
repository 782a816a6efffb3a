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
type peerCache struct {
	store Storer
	now   func() time.Time
	mu    sync.Mutex
	byQ   map[versionKey]*peerSet
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

func newPeerCache(store Storer, now func() time.Time) *peerCache {
	return &peerCache{store: store, now: now, byQ: map[versionKey]*peerSet{}}
}

func (c *peerCache) set(qid string, version int) *peerSet {
	key := versionKey{qid, version}
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.byQ[key]
	if set == nil {
		set = &peerSet{pop: scoring.NewPopulation(nil), gaps: map[int64]time.Time{}}
		c.byQ[key] = set
	}
	return set
}

// ingest folds a submission this process just stored, so the firm sees itself counted at once.
// Before the population is first loaded there is nothing to fold into: the load reads it.
func (c *peerCache) ingest(row Submission) {
	set := c.set(row.QuestionnaireID, row.Version)
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.loaded {
		set.fold(row, c.now())
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

// fold adds one row, noting the sequences it skips over as gaps. A row already folded is
// ignored, so rows may arrive in any order and more than once.
func (set *peerSet) fold(row Submission, now time.Time) {
	switch {
	case row.Seq > set.high:
		for s := set.high + 1; s < row.Seq; s++ {
			set.gaps[s] = now
		}
		set.high = row.Seq
	case row.Seq > 0:
		if _, missing := set.gaps[row.Seq]; !missing {
			return
		}
		delete(set.gaps, row.Seq)
	}
	set.pop.Add(row.Peer())
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
