package scoring

import (
	"math"
	"slices"
	"sync"
)

// metricOverall names the overall score among the metrics of a cohort.
const metricOverall = ""

// Population is the set of peers of one questionnaire version, indexed for quartile lookups.
// Every cohort keeps, per metric, an order-statistic tree of its scores (see counts), so folding
// in a submission and ranking a firm both take O(log) steps per cohort and metric, whatever the
// number of firms. The cohorts hold each firm's latest submission, and of a burst of
// submissions from one client only the last (bursts.go). A Population is safe for concurrent
// use: Benchmark and Len may run while another goroutine calls Add or Remove. The zero value is
// an empty population; a Population must not be copied.
type Population struct {
	mu     sync.RWMutex
	latest map[string]member  // firm key → latest submission
	scores map[string]metrics // cohort key → scores of the firms' latest submissions
	// older keeps the earlier submissions of the firms that have more than one, so that when a
	// firm's latest submission is removed (its assessment deleted) the one before counts again.
	// Only re-assessed firms have an entry.
	older map[string][]member
	// bursts holds, per client, the firms' latest submissions from it in submission order: of
	// those less than BurstWindow apart only the last counts (bursts.go).
	bursts map[client][]burstRef
	names  interned // size bands and sectors
	dims   interned // domain ids
	// key is the secret the firms' tags, and so the dither of the published figures, derive
	// from (release.go); nil in a population built with NewPopulation.
	key []byte
}

// member is a firm's latest submission as the population keeps it: scores as bins and names
// as numbers, so that 100,000 firms are 100,000 map entries and small pointer-free arrays,
// which the garbage collector does not have to trace, rather than half a million objects.
type member struct {
	seq     int64
	at      int64 // SubmittedAt, Unix nanoseconds
	client  client
	tag     uint64 // the firm's tag (tagOf), which its cohorts' seeds fold in
	band    int32  // in names
	sector  int32  // in names
	overall int16  // bin; -1 when absent
	domains []int16
}

// interned numbers strings in the order they first appear.
type interned struct {
	index map[string]int32
	list  []string
}

func (in *interned) id(s string) int32 {
	if i, ok := in.index[s]; ok {
		return i
	}
	if in.index == nil {
		in.index = map[string]int32{}
	}
	in.index[s] = int32(len(in.list))
	in.list = append(in.list, s)
	return int32(len(in.list) - 1)
}

// member compacts a submission.
func (p *Population) member(pr Peer) member {
	m := member{seq: pr.Seq, at: pr.SubmittedAt.UnixNano(), client: clientOf(pr.Client), tag: tagOf(p.key, pr.FirmKey),
		band: p.names.id(pr.Band), sector: p.names.id(pr.Sector), overall: -1}
	if pr.Overall != nil {
		m.overall = int16(scoreBin(*pr.Overall))
	}
	for id, v := range pr.Domains {
		d := int(p.dims.id(id))
		for len(m.domains) <= d {
			m.domains = append(m.domains, -1)
		}
		m.domains[d] = int16(scoreBin(v))
	}
	return m
}

// domain returns the firm's score in a domain, nil when it has none.
func (p *Population) domain(m member, id string) *float64 {
	d, ok := p.dims.index[id]
	if !ok || int(d) >= len(m.domains) || m.domains[d] < 0 {
		return nil
	}
	v := binScore(int(m.domains[d]))
	return &v
}

// same says whether two members are the same row.
func (m member) same(o member) bool {
	return m.seq == o.seq && m.at == o.at && m.client == o.client && m.band == o.band && m.sector == o.sector &&
		m.overall == o.overall && slices.Equal(m.domains, o.domains)
}

// sameSubmission says whether two members are versions of one submission (a row and its
// correction): the same sequence where both have one, else the same time.
func (m member) sameSubmission(o member) bool {
	if m.seq > 0 && o.seq > 0 {
		return m.seq == o.seq
	}
	return m.at == o.at
}

// NewPopulation indexes peers, keeping the latest submission of each firm (see Add).
func NewPopulation(peers []Peer) *Population {
	return NewKeyedPopulation(nil, peers)
}

// NewKeyedPopulation is NewPopulation with a secret key under which the published figures are
// dithered (release.go). Firm keys are random and secret already, so the dither of a cohort is
// unpredictable to whoever does not know them all; the key keeps it so should they leak.
func NewKeyedPopulation(key []byte, peers []Peer) *Population {
	p := &Population{key: key}
	for _, pr := range peers {
		p.Add(pr)
	}
	return p
}

// Add folds one submission into the population and reports whether the population changed.
// Only the latest submission of a firm counts: pr replaces the firm's current one unless it was
// submitted earlier. On equal SubmittedAt the new one wins, so a corrected row replaces the old
// one, while a row read again unchanged is a no-op (Add returns false). A firm may have moved to
// another size band or sector: its old scores leave the cohorts they were in. The submissions a
// firm's latest replaced are kept aside for Remove. A firm's latest submission is counted in
// its cohorts unless another firm's submission from the same client followed it within
// BurstWindow (bursts.go).
//
// Scores are kept to one decimal in 0–100, as round(x, 1) produces them; anything else is rounded
// to the nearest tenth and clamped to that range.
func (p *Population) Add(pr Peer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.latest == nil {
		p.latest, p.scores, p.older, p.bursts = map[string]member{}, map[string]metrics{}, map[string][]member{}, map[client][]burstRef{}
	}
	m := p.member(pr)
	cur, ok := p.latest[pr.FirmKey]
	if ok && (earlier(m, cur) || m.same(cur)) {
		if !m.same(cur) {
			p.keepOlder(pr.FirmKey, m)
		}
		return false
	}
	if ok {
		p.leave(pr.FirmKey, cur)
		if !cur.sameSubmission(m) {
			p.keepOlder(pr.FirmKey, cur)
		}
	}
	p.latest[pr.FirmKey] = m
	p.join(pr.FirmKey, m)
	return true
}

// Remove takes the firm's submission with sequence seq out of the population, as when its
// assessment is deleted, and reports whether the population changed. When it was the firm's
// latest, the firm's latest remaining submission counts in its place, or, with none left, the
// firm leaves the population. Like Add it takes O(log) steps per cohort and metric, plus one
// step per earlier submission of the firm. Removing a submission the population does not hold
// is a no-op; only submissions with a sequence can be removed.
func (p *Population) Remove(firmKey string, seq int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur, ok := p.latest[firmKey]
	if !ok || seq <= 0 {
		return false
	}
	if cur.seq != seq {
		p.dropOlder(firmKey, func(o member) bool { return o.seq == seq })
		return false
	}
	p.leave(firmKey, cur)
	delete(p.latest, firmKey)
	prev, ok := p.latestOlder(firmKey)
	if !ok {
		return true
	}
	p.dropOlder(firmKey, prev.sameSubmission)
	p.latest[firmKey] = prev
	p.join(firmKey, prev)
	return true
}

// keepOlder puts m aside among the firm's earlier submissions, replacing an earlier version
// of the same submission.
func (p *Population) keepOlder(firmKey string, m member) {
	list := p.older[firmKey]
	for i, o := range list {
		if o.sameSubmission(m) {
			list[i] = m
			return
		}
	}
	p.older[firmKey] = append(list, m)
}

// dropOlder removes the firm's earlier submissions that match.
func (p *Population) dropOlder(firmKey string, match func(member) bool) {
	list := slices.DeleteFunc(p.older[firmKey], match)
	if len(list) == 0 {
		delete(p.older, firmKey)
		return
	}
	p.older[firmKey] = list
}

// latestOlder is the latest of the firm's earlier submissions.
func (p *Population) latestOlder(firmKey string) (member, bool) {
	var best member
	found := false
	for _, o := range p.older[firmKey] {
		if !found || earlier(best, o) {
			best, found = o, true
		}
	}
	return best, found
}

// earlier says whether a was submitted before b: by sequence where both have one, else by time.
func earlier(a, b member) bool {
	if a.seq > 0 && b.seq > 0 {
		return a.seq < b.seq
	}
	return a.at < b.at
}

// fold adds (d = 1) or removes (d = −1) the scores of a submission in every cohort of the firm.
func (p *Population) fold(mb member, d int32) {
	for _, key := range cohortKeys(p.names.list[mb.band], p.names.list[mb.sector]) {
		m := p.scores[key]
		if m == nil {
			m = metrics{}
			p.scores[key] = m
		}
		if mb.overall >= 0 {
			m.add(metricOverall, int(mb.overall), d, mb.tag)
		}
		for i, bin := range mb.domains {
			if bin >= 0 {
				m.add(p.dims.list[i], int(bin), d, mb.tag)
			}
		}
	}
}

// metrics are the score trees of one cohort by metric. Trees are not dropped when they empty:
// cohorts and metrics come from the questionnaire, so they are few.
type metrics map[string]*counts

func (m metrics) add(metric string, bin int, d int32, tag uint64) {
	c := m[metric]
	if c == nil {
		c = new(counts)
		m[metric] = c
	}
	c.add(bin, d)
	c.seed += uint64(int64(d)) * tag // wraps: −1 takes the tag out again
}

// Len is the number of firms in the population.
func (p *Population) Len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.latest)
}

// cohortKeys are the cohorts a firm belongs to, narrowest first: size band × sector, size band,
// all firms.
func cohortKeys(band, sector string) []string {
	return []string{band + "|" + sector, band + "|", "|"}
}

// Benchmark places the result among the population: in the narrowest cohort with at least k
// peers other than the firm itself (firmKey; "" when the firm is not in the population). What
// it returns is what may be published (release.go).
func (p *Population) Benchmark(r Result, firmKey string, k int) Benchmark {
	return p.census(r, firmKey, k).release()
}

// census is what the benchmark knows before it publishes anything: exact counts and quartiles.
func (p *Population) census(r Result, firmKey string, k int) benchCensus {
	if k < 1 {
		k = DefaultPeerK
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	self, inPop := p.latest[firmKey]
	inPop = inPop && p.counted(firmKey, self)
	bc := benchCensus{r: r, k: k, chosen: -1}
	for i, key := range cohortKeys(r.SizeBand, r.Sector) {
		m := p.scores[key]
		own := inPop && slices.Contains(cohortKeys(p.names.list[self.band], p.names.list[self.sector]), key)
		c := cohortCensus{cohort: cohortOf(i, r), firms: m[metricOverall].len()}
		c.peers = c.firms - b2i(own && self.overall >= 0)
		bc.tried = append(bc.tried, c)
		if c.peers < k || bc.chosen >= 0 {
			continue
		}
		bc.chosen = i
		overall := m[metricOverall].census(own && self.overall >= 0, key, metricOverall)
		bc.overall = &overall
		for _, d := range r.Domains {
			mine := own && p.domain(self, d.ID) != nil
			dc := domainCensus{id: d.ID, score: d.Score}
			if cs := m[d.ID].census(mine, key, d.ID); cs.peers >= k {
				dc.census = &cs
			}
			bc.domains = append(bc.domains, dc)
		}
	}
	return bc
}

// cohortOf describes the cohort at level i of cohortKeys for the firm of r.
func cohortOf(i int, r Result) Cohort {
	c := Cohort{Label: cohortLabel(i, r.SizeBand, r.SectorLabel)}
	if i < 2 {
		c.Band = r.SizeBand
	}
	if i == 0 {
		c.Sector = r.Sector
	}
	return c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// census summarises the scores of c, the metric of cohort cohortKey, own saying whether one of
// them is the firm's own. A nil c has no scores.
func (c *counts) census(own bool, cohortKey, metric string) metricCensus {
	n := c.len()
	mc := metricCensus{firms: n, peers: n - b2i(own)}
	if n == 0 {
		return mc
	}
	at := func(i int) float64 { return binScore(c.nth(i)) }
	for i, q := range quartileRanks {
		mc.quartiles[i] = smoothedQuantile(n, at, q)
		first, _ := window(n, q)
		mc.dither[i] = dither(c.seed, cohortKey, metric, first)
	}
	return mc
}

// scoreBins is the number of distinct scores: 0.0, 0.1, …, 100.0.
const scoreBins = 1001

// scoreBin is the bin of a score: tenths, clamped to 0–100.
func scoreBin(v float64) int {
	switch x := math.Round(v * 10); {
	case x >= scoreBins-1:
		return scoreBins - 1
	case x > 0:
		return int(x)
	}
	return 0 // also NaN
}

// binScore is the score a bin holds.
func binScore(b int) float64 { return float64(b) / 10 }

// treeSize is scoreBins rounded up to a power of two, so that the descent in nth never leaves
// the tree.
const treeSize = 1024

// counts is a multiset of scores that answers order statistics in O(log) steps: a Fenwick
// (binary indexed) tree of the number of scores in each bin. Its zero value is empty; a nil
// *counts has no scores for len.
type counts struct {
	n int
	// seed is the sum (modulo 2⁶⁴) of the tags of the firms whose scores c holds: it changes
	// whenever one joins or leaves, whatever its score, and only then.
	seed uint64
	// t[i] (1-based) is the number of scores in bins i−(i&−i) … i−1; bins above 1000 stay 0.
	t [treeSize + 1]int32
}

func (c *counts) len() int {
	if c == nil {
		return 0
	}
	return c.n
}

// add changes the number of scores in bin by d.
func (c *counts) add(bin int, d int32) {
	c.n += int(d)
	for i := bin + 1; i <= treeSize; i += i & -i {
		c.t[i] += d
	}
}

// below is the number of scores in the bins under bin (0 ≤ bin ≤ treeSize).
func (c *counts) below(bin int) int {
	var s int32
	for i := bin; i > 0; i -= i & -i {
		s += c.t[i]
	}
	return int(s)
}

// nth is the bin of the i-th smallest score, 0 ≤ i < c.n: a descent from the top of the tree
// to the last bin whose prefix holds at most i scores.
func (c *counts) nth(i int) int {
	pos, rem := 0, int32(i)
	for step := treeSize / 2; step > 0; step /= 2 {
		if c.t[pos+step] <= rem {
			pos += step
			rem -= c.t[pos]
		}
	}
	return pos
}
