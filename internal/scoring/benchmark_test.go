package scoring_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/esready/esready/internal/scoring"
)

func peer(key string, band, sector string, overall float64, at int) scoring.Peer {
	return scoring.Peer{FirmKey: key, Band: band, Sector: sector, Overall: &overall,
		Domains: map[string]float64{"governance": overall}, SubmittedAt: time.Date(2026, 1, 1, 0, at, 0, 0, time.UTC)}
}

func result(band, sector string, overall float64) scoring.Result {
	return scoring.Result{SizeBand: band, Sector: sector, Overall: scoring.Overall{Score: &overall},
		Domains: []scoring.Domain{{ID: "governance", Score: &overall}, {ID: "partnerships"}}}
}

func TestPeerBenchmark(t *testing.T) {
	var peers []scoring.Peer
	// 11 SME manufacturers scoring 0, 10, …, 100; 3 SME retailers; 5 large firms.
	for i := range 11 {
		peers = append(peers, peer(fmt.Sprint("m", i), "sme", "manufacturing", float64(10*i), 0))
	}
	for i := range 3 {
		peers = append(peers, peer(fmt.Sprint("r", i), "sme", "retail", 50, 0))
	}
	for i := range 5 {
		peers = append(peers, peer(fmt.Sprint("l", i), "large", "manufacturing", 90, 0))
	}
	// An earlier submission of m0 that its latest one replaces.
	peers = append(peers, peer("m0", "sme", "manufacturing", 100, -5))
	pop := scoring.NewPopulation(peers)
	if pop.Len() != 19 {
		t.Fatalf("population has %d firms, want 19 (latest submission per firm)", pop.Len())
	}

	tens := scoring.Count{Min: 10, Max: 19, Label: "10–19"}
	t.Run("narrowest cohort with k peers", func(t *testing.T) {
		r := result("sme", "manufacturing", 50)
		b := pop.Benchmark(r, "", 10)
		if b.Source != "peers" || b.Cohort.Band != "sme" || b.Cohort.Sector != "manufacturing" || *b.Cohort.Firms != tens {
			t.Fatalf("benchmark %+v", b)
		}
		// Each figure is the mean of five scores around its rank: ranks 1–5 (10…50), 3–7
		// (30…70) and 6–10 (60…100) of the eleven; published dithered and rounded.
		firms, q, _ := scoring.ExactOverall(pop, r, "", 10)
		if firms != 11 || q != [3]float64{30, 50, 80} {
			t.Errorf("exact figures of %d firms %v, want 11 and 30, 50, 80", firms, q)
		}
		checkPublished(t, b.Overall, r.Overall.Score, q, tens)
		checkPublished(t, b.Domains[0].Standing, r.Overall.Score, q, tens)
		if b.Domains[1].Standing != nil {
			t.Errorf("a domain without peer scores got a standing: %+v", b.Domains[1].Standing)
		}
	})
	t.Run("the firm itself is not its own peer", func(t *testing.T) {
		// m5 scored 50; leaving it out leaves 10 peers, enough for k = 10. The figures describe
		// the cohort, m5 included, as every firm of it sees them.
		r := result("sme", "manufacturing", 50)
		b := pop.Benchmark(r, "m5", 10)
		if b.Overall == nil || b.Cohort.Sector != "manufacturing" || *b.Overall != *pop.Benchmark(r, "", 10).Overall {
			t.Fatalf("standing %+v", b.Overall)
		}
		// With k = 11 the size-and-sector cohort is now too small: fall back to the band (14 − 1),
		// and publish nothing of the cohort's size but that it has fewer than k.
		b = pop.Benchmark(r, "m5", 11)
		if b.Cohort == nil || b.Cohort.Sector != "" || *b.Cohort.Firms != (scoring.Count{Min: 11, Max: 21, Label: "11–21"}) || b.Tried[0].Firms != nil {
			t.Fatalf("fallback cohort %+v tried %+v", b.Cohort, b.Tried)
		}
	})
	t.Run("fall back to size band, then all firms", func(t *testing.T) {
		b := pop.Benchmark(result("sme", "retail", 50), "", 10)
		if b.Cohort == nil || b.Cohort.Band != "sme" || b.Cohort.Sector != "" || *b.Cohort.Firms != tens || len(b.Tried) != 3 || b.Tried[0].Firms != nil {
			t.Fatalf("cohort %+v tried %+v", b.Cohort, b.Tried)
		}
		r := result("large", "manufacturing", 95)
		b = pop.Benchmark(r, "", 10)
		if b.Cohort == nil || b.Cohort.Band != "" || *b.Cohort.Firms != tens {
			t.Fatalf("cohort %+v", b.Cohort)
		}
		_, q, _ := scoring.ExactOverall(pop, r, "", 10)
		if q[2] != 90 { // the five scores around Q3's rank are all 90
			t.Errorf("exact Q3 %v", q[2])
		}
		checkPublished(t, b.Overall, r.Overall.Score, q, tens)
	})
	t.Run("published baselines where no cohort has k peers", func(t *testing.T) {
		b := pop.Benchmark(result("large", "manufacturing", 95), "", 20)
		if b.Source != "published" || b.Cohort != nil || b.Overall != nil || len(b.Tried) != 3 {
			t.Fatalf("benchmark %+v", b)
		}
		for _, c := range b.Tried {
			if c.Firms != nil {
				t.Errorf("a cohort of fewer than k peers has its size published: %+v", c)
			}
		}
	})
}

func TestPublishedComparisons(t *testing.T) {
	def := esr(t)
	data, err := readConfig("benchmarks/published.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := scoring.ParseBaselines(data, "published.yaml", def)
	if err != nil {
		t.Fatal(err)
	}
	small := example(t, "small-sme")
	r := scoring.Score(def, small)
	cs := scoring.Compare(bs, def, def.NewEnv(small, r.SizeBand), r.SizeBand)
	byID := map[string]scoring.Comparison{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	c := byID["jcci2023_no_measures"]
	// A small-scale firm is compared with the SME figure; it took no measure.
	if !c.Matched || c.Group != "sme" || c.Figure != 56.5 || c.Text.JA == "" || !containsAll(c.Text.EN, "56.5%", "SMEs", "JCCI 2023") {
		t.Errorf("no-measures comparison %+v", c)
	}
	mid := example(t, "mid-exporter")
	rm := scoring.Score(def, mid)
	for _, c := range scoring.Compare(bs, def, def.NewEnv(mid, rm.SizeBand), rm.SizeBand) {
		if c.ID == "jcci2023_no_measures" && (c.Matched || !containsAll(c.Text.EN, "implemented 2 of these measures", "56.5% of SMEs")) {
			t.Errorf("mid exporter: %+v", c)
		}
	}

	if _, err := scoring.ParseBaselines([]byte("- {id: x, source: s, question: nope, options: [a], figures: {all: 1}, matched: {ja: a, en: a}, unmatched: {ja: a, en: a}}"), "bad.yaml", def); err == nil || !containsAll(err.Error(), "question nope does not exist") {
		t.Errorf("a baseline on a missing question: %v", err)
	}
	if _, err := scoring.ParseBaselines([]byte("- {id: x, source: s, question: gov_measures_jcci, options: [maybe], figures: {all: 1}, matched: {ja: a, en: a}, unmatched: {ja: a, en: a}}"), "bad.yaml", def); err == nil || !containsAll(err.Error(), "option maybe is not an option") {
		t.Errorf("a baseline on a missing option: %v", err)
	}
}

// checkPublished checks a published standing against the exact figures: each a multiple of 5
// within 7.5 points of the exact one, the firm's quarter read off them, the count as a range.
func checkPublished(t *testing.T, s *scoring.Standing, score *float64, exact [3]float64, firms scoring.Count) {
	t.Helper()
	if s == nil {
		t.Fatal("no standing")
	}
	for i, got := range []float64{s.Q1, s.Median, s.Q3} {
		if math.Mod(got, 5) != 0 || math.Abs(got-exact[i]) >= 7.5 {
			t.Errorf("figure %d published as %v, exact %v: want a multiple of 5 within 7.5 points", i, got, exact[i])
		}
	}
	v := math.Round(*score/5) * 5
	want := 3
	switch {
	case v < s.Q1:
		want = 1
	case v > s.Q3:
		want = 4
	case v < s.Median:
		want = 2
	}
	if s.Quarter != want || s.Score != score || s.Firms != firms {
		t.Errorf("standing %+v, want quarter %d, the firm's score %v and %v firms", s, want, *score, firms.Label)
	}
}
