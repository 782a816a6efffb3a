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

// oraclePopulation is the sort-based Population that the Fenwick trees replaced, kept to check
// them against: per cohort and metric, the ascending scores in a slice, and the bursts of one
// client found by sorting each client's submissions.
type oraclePopulation struct {
	latest  map[string]Peer
	counted map[string]bool // firms whose latest submission no later one from its client stands for
	sorted  map[string]map[string][]float64
	seeds   map[string]map[string]uint64 // the sum of the tags of the firms in sorted
}

func newOraclePopulation(peers []Peer) *oraclePopulation {
	p := &oraclePopulation{latest: map[string]Peer{}, counted: map[string]bool{}}
	for _, pr := range peers {
		if cur, ok := p.latest[pr.FirmKey]; !ok || pr.SubmittedAt.After(cur.SubmittedAt) {
			p.latest[pr.FirmKey] = pr
		}
	}
	p.countBursts()
	p.sorted, p.seeds = map[string]map[string][]float64{}, map[string]map[string]uint64{}
	add := func(key, metric, firm string, v float64) {
		if p.sorted[key] == nil {
			p.sorted[key], p.seeds[key] = map[string][]float64{}, map[string]uint64{}
		}
		p.sorted[key][metric] = append(p.sorted[key][metric], v)
		p.seeds[key][metric] += tagOf(nil, firm)
	}
	for firm, pr := range p.latest {
		if !p.counted[firm] {
			continue
		}
		for _, key := range cohortKeys(pr.Band, pr.Sector) {
			if pr.Overall != nil {
				add(key, metricOverall, firm, *pr.Overall)
			}
			for d, v := range pr.Domains {
				add(key, d, firm, v)
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

// countBursts marks the firms that count: those without a client, and of each client's
// submissions in time order, those not followed by another within BurstWindow.
func (p *oraclePopulation) countBursts() {
	byClient := map[string][]Peer{}
	for firm, pr := range p.latest {
		if pr.Client == "" {
			p.counted[firm] = true
			continue
		}
		byClient[pr.Client] = append(byClient[pr.Client], pr)
	}
	for _, list := range byClient {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if !a.SubmittedAt.Equal(b.SubmittedAt) {
				return a.SubmittedAt.Before(b.SubmittedAt)
			}
			if a.Seq != b.Seq {
				return a.Seq < b.Seq
			}
			return a.FirmKey < b.FirmKey
		})
		for i, pr := range list {
			p.counted[pr.FirmKey] = i == len(list)-1 || list[i+1].SubmittedAt.Sub(pr.SubmittedAt) >= BurstWindow
		}
	}
}

func (p *oraclePopulation) census(r Result, firmKey string, k int) benchCensus {
	if k < 1 {
		k = DefaultPeerK
	}
	self, inPop := p.latest[firmKey]
	inPop = inPop && p.counted[firmKey]
	bc := benchCensus{r: r, k: k, chosen: -1}
	for i, key := range cohortKeys(r.SizeBand, r.Sector) {
		own := inPop && slices.Contains(cohortKeys(self.Band, self.Sector), key)
		scores := p.sorted[key][metricOverall]
		c := cohortCensus{cohort: cohortOf(i, r), firms: len(scores)}
		if own && self.Overall != nil {
			c.peers = c.firms - 1
		} else {
			c.peers = c.firms
		}
		bc.tried = append(bc.tried, c)
		if c.peers < k || bc.chosen >= 0 {
			continue
		}
		bc.chosen = i
		overall := oracleCensus(scores, own && self.Overall != nil, p.seeds[key][metricOverall], key, metricOverall)
		bc.overall = &overall
		for _, d := range r.Domains {
			_, has := self.Domains[d.ID]
			dc := domainCensus{id: d.ID, score: d.Score}
			if mc := oracleCensus(p.sorted[key][d.ID], own && has, p.seeds[key][d.ID], key, d.ID); mc.peers >= k {
				dc.census = &mc
			}
			bc.domains = append(bc.domains, dc)
		}
	}
	return bc
}

func oracleCensus(sorted []float64, own bool, seed uint64, cohortKey, metric string) metricCensus {
	mc := metricCensus{firms: len(sorted), peers: len(sorted)}
	if own {
		mc.peers--
	}
	if len(sorted) == 0 {
		return mc
	}
	for i, q := range quartileRanks {
		var first int
		mc.quartiles[i], first = oracleSmoothed(sorted, q)
		mc.dither[i] = dither(seed, cohortKey, metric, first)
	}
	return mc
}

// oracleSmoothed averages the five values (or all, if fewer) whose ranks are nearest the
// q-quantile's rank, a tie going to the higher rank, summed in ascending order; it returns the
// lowest of those ranks too.
func oracleSmoothed(sorted []float64, q float64) (float64, int) {
	h := q * float64(len(sorted)-1)
	ranks := make([]int, len(sorted))
	for i := range ranks {
		ranks[i] = i
	}
	sort.Slice(ranks, func(a, b int) bool {
		da, db := math.Abs(float64(ranks[a])-h), math.Abs(float64(ranks[b])-h)
		if da != db {
			return da < db
		}
		return ranks[a] > ranks[b]
	})
	chosen := ranks[:min(5, len(ranks))]
	slices.Sort(chosen)
	var sum float64
	for _, i := range chosen {
		sum += sorted[i]
	}
	return sum / float64(len(chosen)), chosen[0]
}

var (
	oracleBands   = []string{BandSmallScale, BandSME, BandLarge, ""}
	oracleSectors = []string{"manufacturing", "retail", "it", ""}
	oracleDomains = []string{"governance", "supply_chain", "technology", "data"}
)

// randomPopulation draws peers with many ties, scores of 0 and 100, missing domain scores and
// overall scores, firms that resubmit, possibly in another band or sector, and clients that
// submit for several firms, in bursts and apart. Submission times
// are distinct, except for exact copies of a row (read twice), so the latest submission of a
// firm does not depend on the order the peers come in.
func randomPopulation(rng *rand.Rand) []Peer {
	score := scoreDraw(rng)
	n := rng.IntN(401)
	firms := 1 + rng.IntN(n+1)
	clients := 1 + rng.IntN(40)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var peers []Peer
	for range n {
		// Some minutes to some hours apart: a client's submissions come in bursts and alone.
		at = at.Add(time.Duration(1+rng.IntN(240)) * time.Minute)
		pr := Peer{
			FirmKey:     fmt.Sprint("f", rng.IntN(firms)),
			SubmittedAt: at,
			Band:        oracleBands[rng.IntN(len(oracleBands))],
			Sector:      oracleSectors[rng.IntN(len(oracleSectors))],
			Domains:     map[string]float64{},
		}
		if rng.IntN(3) > 0 { // the others from before clients were recorded
			pr.Client = fmt.Sprint("c", rng.IntN(clients))
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
	for c := range oracleCases(300) {
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
	for c := range oracleCases(200) {
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
		wantCensus, gotCensus := want.census(r, firm, k), got.census(r, firm, k)
		if diff := cmp.Diff(wantCensus, gotCensus, cmp.AllowUnexported(benchCensus{}, cohortCensus{}, metricCensus{}, domainCensus{})); diff != "" {
			t.Fatalf("census(firm %q, k %d) (-sorted +fenwick):\n%s", firm, k, diff)
		}
		if diff := cmp.Diff(wantCensus.release(), got.Benchmark(r, firm, k)); diff != "" {
			t.Fatalf("Benchmark(firm %q, k %d) (-sorted +fenwick):\n%s", firm, k, diff)
		}
	}
}

// oracleCases is n, or a quarter of it under the race detector (raceEnabled).
func oracleCases(n int) int {
	if raceEnabled {
		return max(1, n/4)
	}
	return n
}
