package assessment

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/esready/esready/internal/scoring"
)

// peerCache keeps the peer population of each questionnaire version in memory and folds in new
// submissions incrementally: a refresh reads only the compact rows submitted since the last one,
// so ranking a firm among 100,000 peers does not read 100,000 documents per request.
type peerCache struct {
	store Storer
	mu    sync.Mutex
	byQ   map[string]*peerSet
}

type peerSet struct {
	peers    map[string]scoring.Peer // assessment id → peer (a firm's older submissions are dropped by the population)
	since    time.Time               // the latest submission time seen
	pop      *scoring.Population
	fetched  time.Time
	building sync.Mutex
}

// refreshEvery bounds how stale a population may be; submissions from this process are seen
// within it too, as are those of other app servers sharing the database.
const refreshEvery = 5 * time.Second

func newPeerCache(store Storer) *peerCache {
	return &peerCache{store: store, byQ: map[string]*peerSet{}}
}

// invalidate makes the next lookup of a questionnaire version read the rows submitted since the
// last one, so a firm sees its own submission counted at once.
func (c *peerCache) invalidate(qid string, version int) {
	c.mu.Lock()
	set := c.byQ[peerKey(qid, version)]
	c.mu.Unlock()
	if set != nil {
		set.building.Lock()
		set.fetched = time.Time{}
		set.building.Unlock()
	}
}

func (c *peerCache) population(ctx context.Context, qid string, version int) (*scoring.Population, error) {
	key := peerKey(qid, version)
	c.mu.Lock()
	set := c.byQ[key]
	if set == nil {
		set = &peerSet{peers: map[string]scoring.Peer{}}
		c.byQ[key] = set
	}
	c.mu.Unlock()

	set.building.Lock()
	defer set.building.Unlock()
	if set.pop != nil && time.Since(set.fetched) < refreshEvery {
		return set.pop, nil
	}
	fetched := time.Now()
	// Rows at the watermark itself are read again: submissions sharing its timestamp may have
	// arrived after the last read. Keyed by id, they replace themselves.
	rows, err := c.store.Peers(ctx, qid, version, set.since)
	if err != nil {
		return nil, err
	}
	changed := set.pop == nil
	for _, p := range rows {
		if _, seen := set.peers[p.ID]; !seen {
			changed = true
		}
		set.peers[p.ID] = p.Peer
		if p.SubmittedAt.After(set.since) {
			set.since = p.SubmittedAt
		}
	}
	if changed {
		all := make([]scoring.Peer, 0, len(set.peers))
		for _, p := range set.peers {
			all = append(all, p)
		}
		set.pop = scoring.NewPopulation(all)
	}
	set.fetched = fetched
	return set.pop, nil
}

func peerKey(qid string, version int) string { return fmt.Sprintf("%s/%d", qid, version) }
