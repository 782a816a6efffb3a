package scoring_test

import (
	"fmt"
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

	t.Run("narrowest cohort with k peers", func(t *testing.T) {
		b := pop.Benchmark(result("sme", "manufacturing", 50), "", 10)
		if b.Source != "peers" || b.Cohort.Band != "sme" || b.Cohort.Sector != "manufacturing" || b.Cohort.N != 11 {
			t.Fatalf("benchmark %+v", b)
		}
		// 5 peers below 50, one tie: (5 + 0.5) / 11.
		o := b.Overall
		if o.Percentile != 50 || o.Median != 50 || o.Q1 != 25 || o.Q3 != 75 || o.N != 11 {
			t.Errorf("overall standing %+v", o)
		}
		if b.Domains[0].Standing == nil || b.Domains[0].Standing.Percentile != 50 {
			t.Errorf("governance standing %+v", b.Domains[0].Standing)
		}
		if b.Domains[1].Standing != nil {
			t.Errorf("a domain without peer scores got a standing: %+v", b.Domains[1].Standing)
		}
	})
	t.Run("the firm itself is not its own peer", func(t *testing.T) {
		// m5 scored 50; leaving it out leaves 10 peers, 5 below and none tied.
		b := pop.Benchmark(result("sme", "manufacturing", 50), "m5", 10)
		if b.Overall == nil || b.Overall.N != 10 || b.Overall.Percentile != 50 || b.Overall.Median != 50 || b.Overall.Q1 != 22.5 {
			t.Fatalf("standing %+v", b.Overall)
		}
		// With k = 11 the size-and-sector cohort is now too small: fall back to the band (14 − 1).
		b = pop.Benchmark(result("sme", "manufacturing", 50), "m5", 11)
		if b.Cohort == nil || b.Cohort.Sector != "" || b.Cohort.N != 13 {
			t.Fatalf("fallback cohort %+v tried %+v", b.Cohort, b.Tried)
		}
	})
	t.Run("fall back to size band, then all firms", func(t *testing.T) {
		b := pop.Benchmark(result("sme", "retail", 50), "", 10)
		if b.Cohort == nil || b.Cohort.Band != "sme" || b.Cohort.Sector != "" || b.Cohort.N != 14 || len(b.Tried) != 3 || b.Tried[0].N != 3 {
			t.Fatalf("cohort %+v tried %+v", b.Cohort, b.Tried)
		}
		b = pop.Benchmark(result("large", "manufacturing", 95), "", 10)
		if b.Cohort == nil || b.Cohort.Band != "" || b.Cohort.N != 19 {
			t.Fatalf("cohort %+v", b.Cohort)
		}
		if b.Overall.Percentile != 94.7 { // 18 of 19 peers below: only m10 (100) is above
			t.Errorf("percentile = %v", b.Overall.Percentile)
		}
	})
	t.Run("published baselines where no cohort has k peers", func(t *testing.T) {
		b := pop.Benchmark(result("large", "manufacturing", 95), "", 20)
		if b.Source != "published" || b.Cohort != nil || b.Overall != nil || len(b.Tried) != 3 {
			t.Fatalf("benchmark %+v", b)
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
