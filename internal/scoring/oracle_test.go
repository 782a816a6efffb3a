package scoring

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/questionnaire"
)

// oraclePopulation is the sort-based Population that the Fenwick trees replaced, kept as it was
// to check them against: per cohort and metric, the ascending scores in a slice.
type oraclePopulation struct {
	latest map[string]Peer
	sorted map[string]map[string][]float64
}

func newOraclePopulation(peers []Peer) *oraclePopulation {
	p := &oraclePopulation{latest: map[string]Peer{}}
	for _, pr := range peers {
		if cur, ok := p.latest[pr.FirmKey]; !ok || pr.SubmittedAt.After(cur.SubmittedAt) {
			p.latest[pr.FirmKey] = pr
		}
	}
	p.sorted = map[string]map[string][]float64{}
	add := func(key, metric string, v float64) {
		m := p.sorted[key]
		if m == nil {
			m = map[string][]float64{}
			p.sorted[key] = m
		}
		m[metric] = append(m[metric], v)
	}
	for _, pr := range p.latest {
		for _, key := range cohortKeys(pr.Band, pr.Sector) {
			if pr.Overall != nil {
				add(key, metricOverall, *pr.Overall)
			}
			for d, v := range pr.Domains {
				add(key, d, v)
			}
		}
	}
	for _, m := range p.sorted {
		for _, s := range m {
			sort.Float64s(s)
		}
	}
	return p
}

func (p *oraclePopulation) Benchmark(r Result, firmKey string, k int) Benchmark {
	if k < 1 {
		k = DefaultPeerK
	}
	self, inPop := p.latest[firmKey]
	b := Benchmark{Source: "published", K: k, Tried: []Cohort{}, Published: []Comparison{}}
	for i, key := range cohortKeys(r.SizeBand, r.Sector) {
		c := Cohort{Label: cohortLabel(i, r.SizeBand, r.SectorLabel)}
		if i < 2 {
			c.Band = r.SizeBand
		}
		if i == 0 {
			c.Sector = r.Sector
		}
		scores := p.sorted[key][metricOverall]
		exclude := inPop && self.Overall != nil && slices.Contains(cohortKeys(self.Band, self.Sector), key)
		c.N = len(scores)
		if exclude {
			c.N--
		}
		b.Tried = append(b.Tried, c)
		if c.N < k || b.Cohort != nil {
			continue
		}
		cohort := c
		b.Cohort, b.Source = &cohort, "peers"
		var selfOverall *float64
		if exclude {
			selfOverall = self.Overall
		}
		b.Overall = oracleStanding(scores, r.Overall.Score, selfOverall)
		for _, d := range r.Domains {
			ds := DomainStanding{ID: d.ID}
			dscores := p.sorted[key][d.ID]
			var selfScore *float64
			if exclude {
				if v, ok := self.Domains[d.ID]; ok {
					selfScore = &v
				}
			}
			n := len(dscores)
			if selfScore != nil {
				n--
			}
			if n >= k {
				ds.Standing = oracleStanding(dscores, d.Score, selfScore)
			}
			b.Domains = append(b.Domains, ds)
		}
	}
	return b
}

func oracleStanding(sorted []float64, score, exclude *float64) *Standing {
	skip := -1
	if exclude != nil {
		if i := sort.SearchFloat64s(sorted, *exclude); i < len(sorted) && sorted[i] == *exclude {
			skip = i
		}
	}
	n := len(sorted)
	if skip >= 0 {
		n--
	}
	at := func(i int) float64 {
		if skip >= 0 && i >= skip {
			return sorted[i+1]
		}
		return sorted[i]
	}
	s := &Standing{Score: score, N: n}
	if n == 0 {
		return s
	}
	s.Q1, s.Median, s.Q3 = round(oracleQuantile(n, at, 0.25), 1), round(oracleQuantile(n, at, 0.5), 1), round(oracleQuantile(n, at, 0.75), 1)
	if score != nil {
		below := sort.SearchFloat64s(sorted, *score)
		upTo := sort.Search(len(sorted), func(i int) bool { return sorted[i] > *score })
		if skip >= 0 {
			switch {
			case *exclude < *score:
				below, upTo = below-1, upTo-1
			case *exclude == *score:
				upTo--
			}
		}
		s.Percentile = round(100*(float64(below)+0.5*float64(upTo-below))/float64(n), 1)
	}
	return s
}

func oracleQuantile(n int, at func(int) float64, q float64) float64 {
	h := q * float64(n-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= n {
		return at(n - 1)
	}
	return at(i) + (h-lo)*(at(i+1)-at(i))
}

var (
	oracleBands   = []string{BandSmallScale, BandSME, BandLarge, ""}
	oracleSectors = []string{"manufacturing", "retail", "it", ""}
	oracleDomains = []string{"governance", "supply_chain", "technology", "data"}
)

// randomPopulation draws peers with many ties, scores of 0 and 100, missing domain scores and
// overall scores, and firms that resubmit, possibly in another band or sector. Submission times
// are distinct, except for exact copies of a row (read twice), so the latest submission of a
// firm does not depend on the order the peers come in.
func randomPopulation(rng *rand.Rand) []Peer {
	score := scoreDraw(rng)
	n := rng.IntN(401)
	firms := 1 + rng.IntN(n+1)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var peers []Peer
	for i := range n {
		pr := Peer{
			FirmKey:     fmt.Sprint("f", rng.IntN(firms)),
			SubmittedAt: base.Add(time.Duration(i) * time.Minute),
			Band:        oracleBands[rng.IntN(len(oracleBands))],
			Sector:      oracleSectors[rng.IntN(len(oracleSectors))],
			Domains:     map[string]float64{},
		}
		if rng.IntN(10) > 0 {
			v := score()
			pr.Overall = &v
		}
		for _, d := range oracleDomains {
			if rng.IntN(5) > 0 {
				pr.Domains[d] = score()
			}
		}
		peers = append(peers, pr)
		if rng.IntN(10) == 0 {
			again := pr
			again.Domains = maps.Clone(pr.Domains)
			peers = append(peers, again)
		}
	}
	rng.Shuffle(len(peers), func(i, j int) { peers[i], peers[j] = peers[j], peers[i] })
	return peers
}

// scoreDraw picks how a population scores: any tenth, a few values with many ties, or mostly
// the ends of the scale.
func scoreDraw(rng *rand.Rand) func() float64 {
	switch rng.IntN(3) {
	case 0:
		return func() float64 { return round(100*rng.Float64(), 1) }
	case 1:
		return func() float64 { return float64(20 * rng.IntN(6)) }
	}
	return func() float64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return 100
		}
		return round(100*rng.Float64(), 1)
	}
}

// randomQuery is a firm's result and key: a firm of the population, often in the cohort of its
// latest submission and with its scores, or a firm outside it.
func randomQuery(rng *rand.Rand, latest map[string]Peer) (Result, string) {
	keys := slices.Sorted(maps.Keys(latest))
	firm := ""
	switch rng.IntN(5) {
	case 0:
	case 1:
		firm = "nobody"
	default:
		if len(keys) > 0 {
			firm = keys[rng.IntN(len(keys))]
		}
	}
	self, ok := latest[firm]
	r := Result{
		SizeBand:    oracleBands[rng.IntN(len(oracleBands))],
		Sector:      oracleSectors[rng.IntN(len(oracleSectors))],
		SectorLabel: questionnaire.Text{JA: "業種", EN: "sector"},
	}
	if ok && rng.IntN(4) > 0 {
		r.SizeBand, r.Sector = self.Band, self.Sector
	}
	scoreOf := func(own *float64) *float64 {
		var v float64
		switch {
		case rng.IntN(8) == 0:
			return nil
		case own != nil && rng.IntN(2) == 0:
			v = *own
		case rng.IntN(4) == 0: // not a tenth, or off the scale
			v = round(110*rng.Float64()-5, 2)
		default:
			v = float64(rng.IntN(1001)) / 10
		}
		return &v
	}
	r.Overall.Score = scoreOf(self.Overall)
	for _, id := range append(slices.Clone(oracleDomains), "unknown") {
		if rng.IntN(4) == 0 {
			continue
		}
		var own *float64
		if v, ok := self.Domains[id]; ok {
			own = &v
		}
		r.Domains = append(r.Domains, Domain{ID: id, Score: scoreOf(own)})
	}
	return r, firm
}

// TestPopulationOracle checks the Fenwick-tree population against the sort-based one on random
// populations, built at once and one submission at a time in another order.
func TestPopulationOracle(t *testing.T) {
	for c := range 300 {
		t.Run(fmt.Sprint("case", c), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2026, uint64(c)))
			peers := randomPopulation(rng)
			oracle := newOraclePopulation(peers)
			shuffled := slices.Clone(peers)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			incremental := NewPopulation(nil)
			checkAt := map[int]bool{rng.IntN(len(peers) + 1): true, rng.IntN(len(peers) + 1): true}
			for i, pr := range shuffled {
				if checkAt[i] { // part-way: the population of the peers added so far
					comparePopulations(t, rng, newOraclePopulation(shuffled[:i]), incremental, 5)
				}
				incremental.Add(pr)
			}
			comparePopulations(t, rng, oracle, NewPopulation(peers), 20)
			comparePopulations(t, rng, oracle, incremental, 20)
		})
	}
}

// TestPopulationRemoveOracle removes random submissions from random populations, firms' latest
// and earlier ones, checking part-way and at the end against the sort-based population of the
// submissions never removed.
func TestPopulationRemoveOracle(t *testing.T) {
	for c := range 200 {
		t.Run(fmt.Sprint("case", c), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2027, uint64(c)))
			peers := randomPopulation(rng)
			for i := range peers { // in submission order, as the store numbers them
				peers[i].Seq = peers[i].SubmittedAt.Unix()
			}
			pop := NewPopulation(peers)
			removed := map[int64]bool{}
			for _, pr := range peers {
				if removed[pr.Seq] || rng.IntN(3) > 0 {
					continue
				}
				want := newOraclePopulation(kept(peers, removed))
				latest := want.latest[pr.FirmKey].Seq == pr.Seq
				removed[pr.Seq] = true
				if got := pop.Remove(pr.FirmKey, pr.Seq); got != latest {
					t.Fatalf("Remove(%s, %d) = %v; the firm's latest: %v", pr.FirmKey, pr.Seq, got, latest)
				}
				if rng.IntN(8) == 0 {
					comparePopulations(t, rng, newOraclePopulation(kept(peers, removed)), pop, 3)
				}
			}
			comparePopulations(t, rng, newOraclePopulation(kept(peers, removed)), pop, 20)
		})
	}
}

// kept returns the peers whose sequence is not removed.
func kept(peers []Peer, removed map[int64]bool) []Peer {
	var out []Peer
	for _, pr := range peers {
		if !removed[pr.Seq] {
			out = append(out, pr)
		}
	}
	return out
}

func comparePopulations(t *testing.T, rng *rand.Rand, want *oraclePopulation, got *Population, queries int) {
	t.Helper()
	if got.Len() != len(want.latest) {
		t.Fatalf("Len() = %d, want %d", got.Len(), len(want.latest))
	}
	for range queries {
		r, firm := randomQuery(rng, want.latest)
		k := 1 + rng.IntN(15)
		if diff := cmp.Diff(want.Benchmark(r, firm, k), got.Benchmark(r, firm, k)); diff != "" {
			t.Fatalf("Benchmark(firm %q, k %d) (-sorted +fenwick):\n%s", firm, k, diff)
		}
	}
}
