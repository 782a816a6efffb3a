package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCountOf(t *testing.T) {
	tests := []struct {
		n, k int
		want *Count
	}{
		{9, 10, nil},
		{0, 10, nil},
		{10, 10, &Count{Min: 10, Max: 19, Label: "10–19"}},
		{19, 10, &Count{Min: 10, Max: 19, Label: "10–19"}},
		{20, 10, &Count{Min: 20, Max: 49, Label: "20–49"}},
		{49, 10, &Count{Min: 20, Max: 49, Label: "20–49"}},
		{50, 10, &Count{Min: 50, Max: 99, Label: "50–99"}},
		{100, 10, &Count{Min: 100, Label: "100+"}},
		{100_000, 10, &Count{Min: 100, Label: "100+"}},
		{3, 3, &Count{Min: 3, Max: 5, Label: "3–5"}},
		{1, 1, &Count{Min: 1, Max: 1, Label: "1"}},
		{5, 0, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, countOf(tt.n, tt.k)); diff != "" {
			t.Errorf("countOf(%d, %d) (-want +got):\n%s", tt.n, tt.k, diff)
		}
	}
}

func TestQuarter(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	tests := []struct {
		score          *float64
		q1, median, q3 float64
		want           int
	}{
		{nil, 30, 50, 70, 0},
		{v(27.4), 30, 50, 70, 1},
		{v(27.5), 30, 50, 70, 2}, // compared at the precision of the figures: 30
		{v(47.4), 30, 50, 70, 2},
		{v(47.5), 30, 50, 70, 3},
		{v(72.4), 30, 50, 70, 3},
		{v(72.5), 30, 50, 70, 4},
		{v(51.7), 50, 50, 50, 3}, // level with every figure: in the middle, in the upper half
		{v(45), 50, 50, 50, 1},
	}
	for _, tt := range tests {
		if got := quarter(tt.score, tt.q1, tt.median, tt.q3); got != tt.want {
			t.Errorf("quarter(%v; %v, %v, %v) = %d, want %d", tt.score, tt.q1, tt.median, tt.q3, got, tt.want)
		}
	}
}

func TestSmoothedQuantile(t *testing.T) {
	ramp := func(n int) func(int) float64 { return func(i int) float64 { return float64(10 * i) } }
	tests := []struct {
		n    int
		q    float64
		want float64
	}{
		{1, 0.5, 0},
		{3, 0.25, 10},   // fewer than five: the mean of all
		{11, 0.25, 30},  // ranks 1–5: rank 2.5 is as near 0 as 5, and the higher wins
		{11, 0.5, 50},   // ranks 3–7
		{11, 0.75, 80},  // ranks 6–10
		{21, 0.25, 50},  // ranks 3–7 around rank 5
		{21, 0.75, 150}, // ranks 13–17 around rank 15
		{6, 0.75, 30},   // the window stops at the top: ranks 1–5
	}
	for _, tt := range tests {
		if got := smoothedQuantile(tt.n, ramp(tt.n), tt.q); got != tt.want {
			t.Errorf("smoothedQuantile(%d, %v) = %v, want %v", tt.n, tt.q, got, tt.want)
		}
	}
	if got := roundToStep(52.4); got != 50 {
		t.Errorf("roundToStep(52.4) = %v", got)
	}
	if got := roundToStep(52.5); got != 55 {
		t.Errorf("roundToStep(52.5) = %v", got)
	}
}

// TestOneFirmWeighsAFifth: in a cohort of five firms or more, moving one firm's score by d moves
// no unrounded figure by more than d/5, wherever the others are. This is what keeps a firm's
// score from being read back from a published figure (release.go).
func TestOneFirmWeighsAFifth(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for c := range 2000 {
		n := 5 + rng.IntN(30)
		scores := make([]float64, n)
		for i := range scores {
			scores[i] = float64(rng.IntN(1001)) / 10
		}
		moved := slices.Clone(scores)
		j := rng.IntN(n)
		moved[j] = float64(rng.IntN(1001)) / 10
		d := math.Abs(moved[j] - scores[j])
		for _, q := range quartileRanks {
			a, b := figure(scores, q), figure(moved, q)
			if math.Abs(a-b) > d/smoothing+1e-9 {
				t.Fatalf("case %d: moving one of %d scores by %v moved the %v figure from %v to %v", c, n, d, q, a, b)
			}
		}
	}
}

func figure(scores []float64, q float64) float64 {
	s := slices.Clone(scores)
	slices.Sort(s)
	return smoothedQuantile(len(s), func(i int) float64 { return s[i] }, q)
}

func ExampleCount() {
	for _, n := range []int{9, 10, 25, 60, 250} {
		fmt.Println(n, countOf(n, DefaultPeerK))
	}
	// Output:
	// 9 <nil>
	// 10 &{10 19 10–19}
	// 25 &{20 49 20–49}
	// 60 &{50 99 50–99}
	// 250 &{100 0 100+}
}

// TestDither: a published figure is within 7.5 points of the exact one and right on average;
// its dither follows the set of firms in the cohort, not their scores.
func TestDither(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var sum float64
	const n = 20000
	for range n {
		f := 10 + 80*rng.Float64()
		got := roundToStep(f + dither(rng.Uint64(), "sme|", metricOverall, 3))
		if math.Abs(got-f) >= 1.5*publishedStep {
			t.Fatalf("figure %v published as %v", f, got)
		}
		sum += got - f
	}
	if mean := sum / n; math.Abs(mean) > 0.1 {
		t.Errorf("published figures are off by %v on average, want 0", mean)
	}

	pop := NewKeyedPopulation([]byte("k"), nil)
	for i := range 6 {
		pop.Add(Peer{FirmKey: fmt.Sprint("f", i), Band: "sme", Overall: ptr(float64(10 * i)), SubmittedAt: time.Unix(int64(i), 0)})
	}
	dither := func() [3]float64 { return pop.census(Result{SizeBand: "sme"}, "", 1).overall.dither }
	before := dither()
	pop.Add(Peer{FirmKey: "f0", Band: "sme", Overall: ptr(77.7), SubmittedAt: time.Unix(100, 0)})
	if dither() != before {
		t.Error("a firm's new scores changed its cohort's dither")
	}
	pop.Add(Peer{FirmKey: "f6", Band: "sme", Overall: ptr(50.0), SubmittedAt: time.Unix(101, 0)})
	if dither() == before {
		t.Error("another firm joining left the dither as it was")
	}
	small := NewKeyedPopulation([]byte("k"), nil)
	for i := range 5 {
		small.Add(Peer{FirmKey: fmt.Sprint("s", i), Band: "sme", Sector: "retail", Overall: ptr(float64(7 * i)), SubmittedAt: time.Unix(int64(i), 0)})
	}
	for range 50 { // any five firms: one figure, one dither, one published value
		small.Add(Peer{FirmKey: fmt.Sprint("s", rng.IntN(5)), Band: "sme", Sector: "retail", Overall: ptr(float64(rng.IntN(1001)) / 10), SubmittedAt: time.Now()})
		if s := small.Benchmark(Result{SizeBand: "sme", Sector: "retail"}, "", 1).Overall; s.Q1 != s.Median || s.Median != s.Q3 {
			t.Fatalf("five firms, whose quartiles are all the same mean, published as %v, %v, %v", s.Q1, s.Median, s.Q3)
		}
	}
	other := NewKeyedPopulation([]byte("other key"), nil)
	for i := range 6 {
		other.Add(Peer{FirmKey: fmt.Sprint("f", i), Band: "sme", Overall: ptr(float64(10 * i)), SubmittedAt: time.Unix(int64(i), 0)})
	}
	if other.census(Result{SizeBand: "sme"}, "", 1).overall.dither == before {
		t.Error("another key gives the same dither")
	}
}

func ptr[T any](v T) *T { return &v }
