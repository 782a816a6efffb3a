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
		r         scoring.Result
		firm      string
		wantPeers []int   // exact peer counts, narrowest cohort first
		wantMean  float64 // the exact overall quartiles of the narrowest cohort with a peer: all the mean, in cohorts this small
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
			{r: result("large", "retail", 50), wantPeers: []int{2, 2, 3}, wantMean: 50},
			{r: result("sme", "manufacturing", 50), wantPeers: []int{1, 1, 3}, wantMean: 60},
			// a is not its own peer where it is now, and is a peer nowhere else; the figures
			// describe the cohort, a included.
			{r: result("sme", "manufacturing", 20), firm: "a", wantPeers: []int{1, 1, 2}, wantMean: 60},
			{r: result("large", "retail", 20), firm: "a", wantPeers: []int{1, 1, 2}, wantMean: 50},
		},
	}, {
		name: "an earlier submission does not replace a later one",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 5), true},
			{peer("a", "large", "retail", 20, 0), false},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 40), wantPeers: []int{1, 1, 1}, wantMean: 40},
			{r: result("large", "retail", 40), wantPeers: []int{0, 0, 1}, wantMean: 40},
		},
	}, {
		name: "with sequences, the later submission wins even when the clock went back",
		steps: []step{
			{withSeq(peer("a", "sme", "manufacturing", 40, 5), 1), true},
			{withSeq(peer("a", "large", "retail", 20, 0), 2), true},
			{withSeq(peer("a", "sme", "manufacturing", 40, 5), 1), false}, // the first, read again
		},
		checks: []check{
			{r: result("large", "retail", 40), wantPeers: []int{1, 1, 1}, wantMean: 20},
			{r: result("sme", "manufacturing", 40), wantPeers: []int{0, 0, 1}, wantMean: 20},
		},
	}, {
		name: "on equal time the new submission wins",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("a", "sme", "manufacturing", 70, 0), true},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 50), wantPeers: []int{1, 1, 1}, wantMean: 70},
		},
	}, {
		name: "the same row read again changes nothing",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("a", "sme", "manufacturing", 40, 0), false},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 40), wantPeers: []int{1, 1, 1}, wantMean: 40},
		},
	}, {
		name: "a resubmission without an overall score leaves the overall cohorts",
		steps: []step{
			{peer("a", "sme", "manufacturing", 40, 0), true},
			{peer("b", "sme", "manufacturing", 60, 0), true},
			{scoring.Peer{FirmKey: "a", Band: "sme", Sector: "manufacturing", SubmittedAt: at(5)}, true},
		},
		checks: []check{
			{r: result("sme", "manufacturing", 50), wantPeers: []int{1, 1, 1}, wantMean: 60},
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
				if diff := cmp.Diff(c.wantPeers, scoring.PeerCounts(pop, c.r, c.firm)); diff != "" {
					t.Errorf("check %d: peer counts (-want +got):\n%s", i, diff)
				}
				_, q, ok := scoring.ExactOverall(pop, c.r, c.firm, 1)
				if want := [3]float64{c.wantMean, c.wantMean, c.wantMean}; !ok || q != want {
					t.Errorf("check %d: quartiles %v (cohort %v), want %v", i, q, ok, want)
				}
			}
		})
	}
}

// TestBursts: the submissions of different firms from one client less than BurstWindow apart
// count as one peer, the last; what is not a burst counts as before.
func TestBursts(t *testing.T) {
	from := func(client string, pr scoring.Peer) scoring.Peer {
		pr.Client = client
		return pr
	}
	const h = 60 // minutes
	tests := []struct {
		name    string
		adds    []scoring.Peer
		remove  []string // firms whose only submission is then removed (sequence = its index + 1 in adds)
		firm    string   // the firm asking
		want    int      // peers of the firm among SMEs in manufacturing
		wantAvg float64  // the mean of their scores (and the firm's own, where it counts)
	}{{
		name: "a burst from one client counts once, as its last submission",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h)),
			from("x", peer("c", "sme", "manufacturing", 90, 2*h))},
		want: 1, wantAvg: 90,
	}, {
		name: "the same, arriving out of order",
		adds: []scoring.Peer{from("x", peer("c", "sme", "manufacturing", 90, 2*h)), from("x", peer("a", "sme", "manufacturing", 10, 0)),
			from("x", peer("b", "sme", "manufacturing", 20, 1*h))},
		want: 1, wantAvg: 90,
	}, {
		name: "a chain of submissions each within the window of the one before is one burst",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 23*h)),
			from("x", peer("c", "sme", "manufacturing", 90, 46*h))},
		want: 1, wantAvg: 90,
	}, {
		name: "a full window apart, submissions count apart",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 24*h)),
			from("x", peer("c", "sme", "manufacturing", 90, 30*h))},
		want: 2, wantAvg: 50,
	}, {
		name: "other clients and rows without a client count apart",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("y", peer("b", "sme", "manufacturing", 20, 1)),
			peer("c", "sme", "manufacturing", 30, 2), peer("d", "sme", "manufacturing", 40, 3)},
		want: 4, wantAvg: 25,
	}, {
		name: "a firm re-assessed from elsewhere leaves the burst, and the one before it counts again",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h)),
			from("y", peer("b", "sme", "manufacturing", 30, 30*h))},
		want: 2, wantAvg: 20,
	}, {
		name: "removing the last of a burst brings the one before back",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h)),
			from("x", peer("c", "sme", "manufacturing", 90, 2*h))},
		remove: []string{"c"},
		want:   1, wantAvg: 20,
	}, {
		name: "removing the middle of a burst changes nothing that counts",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h)),
			from("x", peer("c", "sme", "manufacturing", 90, 2*h))},
		remove: []string{"b"},
		want:   1, wantAvg: 90,
	}, {
		name: "a firm whose submission a later one from its client stands for has that one as a peer",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h))},
		firm: "a", want: 1, wantAvg: 20,
	}, {
		name: "the last of a burst is not its own peer",
		adds: []scoring.Peer{from("x", peer("a", "sme", "manufacturing", 10, 0)), from("x", peer("b", "sme", "manufacturing", 20, 1*h)),
			peer("c", "sme", "manufacturing", 60, 2)},
		firm: "b", want: 1, wantAvg: 40,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pop := scoring.NewPopulation(nil)
			seqs := map[string]int64{}
			for i, pr := range tt.adds {
				pr.Seq = int64(i + 1)
				seqs[pr.FirmKey] = pr.Seq
				pop.Add(pr)
			}
			for _, firm := range tt.remove {
				if !pop.Remove(firm, seqs[firm]) {
					t.Fatalf("Remove(%s) changed nothing", firm)
				}
			}
			r := result("sme", "manufacturing", 50)
			if got := scoring.PeerCounts(pop, r, tt.firm)[0]; got != tt.want {
				t.Errorf("%d peers, want %d", got, tt.want)
			}
			if _, q, _ := scoring.ExactOverall(pop, r, tt.firm, 1); q[1] != tt.wantAvg {
				t.Errorf("median %v, want %v: the wrong submissions count", q[1], tt.wantAvg)
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
			if diff := cmp.Diff(tt.wantTried, scoring.PeerCounts(pop, tt.r, "")); diff != "" {
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
	r := result("sme", "manufacturing", 50)
	for _, metric := range []string{"", "governance"} {
		if _, q, ok := scoring.ExactFigures(pop, r, "", 1, metric); !ok || q != [3]float64{60, 60, 60} {
			t.Errorf("metric %q: exact figures %v (%v), want the new submission's 60 alone", metric, q, ok)
		}
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
				pop.Benchmark(result("sme", "manufacturing", 50), "f3", 5)
				if n := scoring.PeerCounts(pop, result("sme", "manufacturing", 50), "f3"); n[0] > n[1] || n[1] > n[2] || n[2] > pop.Len() {
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
