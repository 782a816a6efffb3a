package scoring_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/scoring"
)

func TestPopulationAdd(t *testing.T) {
	type step struct {
		peer        scoring.Peer
		wantChanged bool
	}
	type check struct {
		r           scoring.Result
		firm        string
		wantTried   []int             // cohort sizes, narrowest first, with k = 1
		wantOverall *scoring.Standing // in the narrowest cohort with a peer
	}
	standing := func(score, pct, q1, median, q3 float64, n int) *scoring.Standing {
		return &scoring.Standing{Score: &score, Percentile: pct, Q1: q1, Median: median, Q3: q3, N: n}
	}
	tests := []struct {
		name   string
		steps  []step
		checks []check
	}{{
		name: "a firm that moved to another band and sector leaves its old cohorts",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("b", "sme", "manufacturing", 60, 0), true},
			{peer("c", "large", "retail", 80, 0), true},
			{peer("a", "large", "retail", 20, 5), true},
		},
		checks: []check{
			{r: result("large", "retail", 50), wantTried: []int{2, 2, 3}, wantOverall: standing(50, 50, 35, 50, 65, 2)},
			{r: result("sme", "manufacturing", 50), wantTried: []int{1, 1, 3}, wantOverall: standing(50, 0, 60, 60, 60, 1)},
			// a's own score is left out where a is now, not where it was.
			{r: result("sme", "manufacturing", 20), firm: "a", wantTried: []int{1, 1, 2}, wantOverall: standing(20, 0, 60, 60, 60, 1)},
			{r: result("large", "retail", 20), firm: "a", wantTried: []int{1, 1, 2}, wantOverall: standing(20, 0, 80, 80, 80, 1)},
		},
	}, {
		name: "an earlier submission does not replace a later one",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 5), true},
			{peer("a", "large", "retail", 20, 0), false},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 40), wantTried: []int{1, 1, 1}, wantOverall: standing(40, 50, 40, 40, 40, 1)},
			{r: result("large", "retail", 40), wantTried: []int{0, 0, 1}, wantOverall: standing(40, 50, 40, 40, 40, 1)},
		},
	}, {
		name: "with sequences, the later submission wins even when the clock went back",
		steps: []step{
			{withSeq(peer("a", "sme", "manufacturing", 40, 5), 1), true},
			{withSeq(peer("a", "large", "retail", 20, 0), 2), true},
			{withSeq(peer("a", "sme", "manufacturing", 40, 5), 1), false}, // the first, read again
		},
		checks: []check{
			{r: result("large", "retail", 40), wantTried: []int{1, 1, 1}, wantOverall: standing(40, 100, 20, 20, 20, 1)},
			{r: result("sme", "manufacturing", 40), wantTried: []int{0, 0, 1}, wantOverall: standing(40, 100, 20, 20, 20, 1)},
		},
	}, {
		name: "on equal time the new submission wins",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("a", "sme", "manufacturing", 70, 0), true},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 50), wantTried: []int{1, 1, 1}, wantOverall: standing(50, 0, 70, 70, 70, 1)},
		},
	}, {
		name: "the same row read again changes nothing",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("a", "sme", "manufacturing", 40, 0), false},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 40), wantTried: []int{1, 1, 1}, wantOverall: standing(40, 50, 40, 40, 40, 1)},
		},
	}, {
		name: "a resubmission without an overall score leaves the overall cohorts",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("b", "sme", "manufacturing", 60, 0), true},
			{scoring.Peer{FirmKey: "a", Band: "sme", Sector: "manufacturing", SubmittedAt: at(5)}, true},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 50), wantTried: []int{1, 1, 1}, wantOverall: standing(50, 0, 60, 60, 60, 1)},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pop := scoring.NewPopulation(nil)
			for i, s := range tt.steps {
				if got := pop.Add(s.peer); got != s.wantChanged {
					t.Errorf("step %d: Add = %v, want %v", i, got, s.wantChanged)
				}
			}
			for i, c := range tt.checks {
				b := pop.Benchmark(c.r, c.firm, 1)
				var tried []int
				for _, co := range b.Tried {
					tried = append(tried, co.N)
				}
				if diff := cmp.Diff(c.wantTried, tried); diff != "" {
					t.Errorf("check %d: cohort sizes (-want +got):\n%s", i, diff)
				}
				if diff := cmp.Diff(c.wantOverall, b.Overall); diff != "" {
					t.Errorf("check %d: overall standing (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func withSeq(p scoring.Peer, seq int64) scoring.Peer {
	p.Seq = seq
	return p
}

func at(minute int) time.Time { return time.Date(2026, 1, 1, 0, minute, 0, 0, time.UTC) }

// TestPopulationRemove takes submissions out as deleted assessments do: a firm whose only
// submission goes leaves every cohort, one whose re-assessment goes counts with its previous
// submission again, and removing what the population does not hold changes nothing.
func TestPopulationRemove(t *testing.T) {
	type removal struct {
		firm        string
		seq         int64
		wantChanged bool
	}
	tests := []struct {
		name      string
		adds      []scoring.Peer
		removals  []removal
		r         scoring.Result
		wantTried []int // cohort sizes, narrowest first, with k = 1
		wantLen   int
	}{{
		name:      "a firm's only submission",
		adds:      []scoring.Peer{withSeq(peer("a", "sme", "manufacturing", 40, 0), 1), withSeq(peer("b", "sme", "manufacturing", 60, 0), 2)},
		removals:  []removal{{"a", 1, true}, {"a", 1, false}},
		r:         result("sme", "manufacturing", 50),
		wantTried: []int{1, 1, 1}, wantLen: 1,
	}, {
		name: "a re-assessment: the previous submission counts again, where it was",
		adds: []scoring.Peer{
			withSeq(peer("a", "sme", "manufacturing", 40, 0), 1),
			withSeq(peer("a", "large", "retail", 80, 5), 3),
			withSeq(peer("a", "sme", "manufacturing", 40, 0), 1), // the first, read again
		},
		removals:  []removal{{"a", 3, true}},
		r:         result("sme", "manufacturing", 50),
		wantTried: []int{1, 1, 1}, wantLen: 1,
	}, {
		name: "an earlier submission: the latest stays, and does not fall back to it later",
		adds: []scoring.Peer{
			withSeq(peer("a", "sme", "manufacturing", 40, 0), 1),
			withSeq(peer("a", "large", "retail", 80, 5), 3),
		},
		removals:  []removal{{"a", 1, false}, {"a", 3, true}},
		r:         result("sme", "manufacturing", 50),
		wantTried: []int{0, 0, 0}, wantLen: 0,
	}, {
		name:      "what the population does not hold",
		adds:      []scoring.Peer{withSeq(peer("a", "sme", "manufacturing", 40, 0), 1)},
		removals:  []removal{{"b", 1, false}, {"a", 2, false}, {"a", 0, false}},
		r:         result("sme", "manufacturing", 50),
		wantTried: []int{1, 1, 1}, wantLen: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pop := scoring.NewPopulation(tt.adds)
			for i, rm := range tt.removals {
				if got := pop.Remove(rm.firm, rm.seq); got != rm.wantChanged {
					t.Errorf("removal %d: Remove(%s, %d) = %v, want %v", i, rm.firm, rm.seq, got, rm.wantChanged)
				}
			}
			var tried []int
			for _, c := range pop.Benchmark(tt.r, "", 1).Tried {
				tried = append(tried, c.N)
			}
			if diff := cmp.Diff(tt.wantTried, tried); diff != "" {
				t.Errorf("cohort sizes (-want +got):\n%s", diff)
			}
			if pop.Len() != tt.wantLen {
				t.Errorf("Len() = %d, want %d", pop.Len(), tt.wantLen)
			}
		})
	}
}

// TestPopulationKeepsItsCopy changes a peer after adding it: replacing the submission later must
// still take out the scores that were added.
func TestPopulationKeepsItsCopy(t *testing.T) {
	pop := scoring.NewPopulation(nil)
	pr := peer("a", "sme", "manufacturing", 40, 0)
	pop.Add(pr)
	*pr.Overall, pr.Domains["governance"] = 90, 90
	pop.Add(peer("a", "sme", "manufacturing", 60, 5))
	b := pop.Benchmark(result("sme", "manufacturing", 50), "", 1)
	want := &scoring.Standing{Score: b.Overall.Score, Q1: 60, Median: 60, Q3: 60, N: 1}
	if diff := cmp.Diff(want, b.Overall); diff != "" {
		t.Errorf("overall (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, b.Domains[0].Standing); diff != "" {
		t.Errorf("governance (-want +got):\n%s", diff)
	}
}

// TestPopulationConcurrent adds submissions while other goroutines rank firms; run with -race.
func TestPopulationConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var peers []scoring.Peer
	for i := range 2000 {
		band := []string{"small_scale", "sme", "large"}[rng.IntN(3)]
		sector := []string{"manufacturing", "retail"}[rng.IntN(2)]
		peers = append(peers, peer(fmt.Sprint("f", rng.IntN(500)), band, sector, float64(rng.IntN(1001))/10, i))
	}
	pop := scoring.NewPopulation(peers[:100])
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				b := pop.Benchmark(result("sme", "manufacturing", 50), "f3", 5)
				if n := b.Tried; n[0].N > n[1].N || n[1].N > n[2].N || n[2].N > pop.Len() {
					t.Errorf("cohort sizes out of order: %+v", n)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	for _, pr := range peers[100:] {
		pop.Add(pr)
	}
	close(done)
	wg.Wait()
	want := scoring.NewPopulation(peers)
	for _, firm := range []string{"", "f3", "f7"} {
		r := result("sme", "manufacturing", 50)
		if diff := cmp.Diff(want.Benchmark(r, firm, 5), pop.Benchmark(r, firm, 5)); diff != "" {
			t.Errorf("firm %q: built at once (-) and added concurrently (+):\n%s", firm, diff)
		}
	}
}

var (
	benchBands   = []string{"small_scale", "sme", "large"}
	benchSectors = []string{"agriculture", "construction", "manufacturing", "utilities", "it", "transport", "wholesale", "retail", "finance", "real_estate", "services", "other"}
	benchDomains = []string{"governance", "risk_intelligence", "supply_chain", "technology_protection", "regulatory_compliance", "partnerships"}
)

// benchPeer is a submission of firm at minute, in a random band and sector, scoring in every
// domain.
func benchPeer(rng *rand.Rand, firm string, minute int) scoring.Peer {
	pr := scoring.Peer{
		FirmKey:     firm,
		SubmittedAt: at(minute),
		Band:        benchBands[rng.IntN(len(benchBands))],
		Sector:      benchSectors[rng.IntN(len(benchSectors))],
		Domains:     map[string]float64{},
	}
	var sum float64
	for _, d := range benchDomains {
		v := float64(rng.IntN(1001)) / 10
		pr.Domains[d] = v
		sum += v
	}
	overall := float64(int(sum/float64(len(benchDomains))*10+0.5)) / 10
	pr.Overall = &overall
	return pr
}

const benchFirms = 100_000

func benchPopulation(rng *rand.Rand) ([]scoring.Peer, *scoring.Population) {
	peers := make([]scoring.Peer, benchFirms)
	for i := range peers {
		peers[i] = benchPeer(rng, strconv.Itoa(i), 0)
	}
	return peers, scoring.NewPopulation(peers)
}

// BenchmarkPopulationAdd folds one submission into a population of 100,000 firms: a firm's
// resubmission in another cohort, or a new firm.
func BenchmarkPopulationAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	_, pop := benchPopulation(rng)
	next := make([]scoring.Peer, 4096)
	for i := range next {
		next[i] = benchPeer(rng, strconv.Itoa(rng.IntN(benchFirms)), 0)
	}
	i := 0 // submissions so far: each one is later than the last
	b.Run("resubmission", func(b *testing.B) {
		for b.Loop() {
			i++
			pr := next[i%len(next)]
			pr.SubmittedAt = at(i)
			pop.Add(pr)
		}
	})
	b.Run("new firm", func(b *testing.B) {
		for b.Loop() {
			i++
			pr := next[i%len(next)]
			pr.FirmKey, pr.SubmittedAt = "new"+strconv.Itoa(i), at(i)
			pop.Add(pr)
		}
	})
}

// BenchmarkPopulationBenchmark ranks a firm of the population among 100,000 firms.
func BenchmarkPopulationBenchmark(b *testing.B) {
	peers, pop := benchPopulation(rand.New(rand.NewPCG(1, 2)))
	self := peers[42]
	r := scoring.Result{SizeBand: self.Band, Sector: self.Sector, Overall: scoring.Overall{Score: self.Overall}}
	for _, d := range benchDomains {
		v := self.Domains[d]
		r.Domains = append(r.Domains, scoring.Domain{ID: d, Score: &v})
	}
	for b.Loop() {
		pop.Benchmark(r, self.FirmKey, scoring.DefaultPeerK)
	}
}

// BenchmarkNewPopulation builds a population of 100,000 firms at once.
func BenchmarkNewPopulation(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	peers := make([]scoring.Peer, benchFirms)
	for i := range peers {
		peers[i] = benchPeer(rng, strconv.Itoa(i), 0)
	}
	for b.Loop() {
		scoring.NewPopulation(peers)
	}
}
