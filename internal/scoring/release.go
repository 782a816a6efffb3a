package scoring

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
)

// What the peer benchmark publishes, and why it is safe to publish.
//
// Assessments are free to create and submit, so anyone can plant firms with scores of their
// choosing in a cohort and read what the benchmark says about it. Exact statistics would then
// give away a firm that sits in a cohort among planted ones: with the others known, an exact
// median, quartile, percentile or count solves for the one unknown score. So the benchmark
// keeps exact figures to itself (the census types below) and publishes only these:
//
//   - Cohort sizes as ranges from k upwards (countOf), never below k. A count moves by one when
//     one firm joins; a range moves only at its edges.
//   - Quartiles and median of the whole cohort, the firm included and so the same for every firm
//     in it, each the mean of the five scores nearest its rank (smoothedQuantile), plus a random
//     dither of up to ±5 points (dither), rounded to a multiple of 5: never more than 7.5 points
//     off, right on average. One firm weighs at most a fifth in any of them, so a published
//     figure places that firm's score only within ±37.5 points however the other four were
//     planted. Plain rounding would not do: a planted cohort can put the firm exactly at a
//     quartile's rank, where the rounded quartile is its score to ±2.5. Nor would smoothing with
//     plain rounding, or with a dither of one step only: each firm the attacker adds makes a new
//     cohort, whose figures cut the target's score at other, known places; eight planted firms
//     (TestBenchmarkRevealsNoFirm in internal/httpapi) pinned it to within 2 points with plain
//     rounding, and in one run of forty to within 5 with a dither of one step. The
//     dither is random but not fresh for each read: it follows from the set of firms in the
//     cohort (a keyed hash of their ids, never their scores), so reading again, or re-submitting
//     a planted firm with other scores, gives the same dither; only a cohort of other firms
//     gives a new one.
//   - The firm's quarter (quarter), read off the published quartiles: it tells the firm where it
//     stands and tells nobody anything the quartiles do not. An exact percentile would: a
//     planted firm just below a boundary learns whether the unknown firm is above it.
//
// Planting from one address does not form a cohort at all (BurstWindow). What remains possible
// to an adversary with many addresses is to make many different cohorts around the firm
// (planting, deleting, moving planted firms between cohorts by re-assessing them) and to
// average what they say, narrowing a lone firm's score a little with each; README (Scoring →
// Benchmark) says so.

// quartileRanks are the ranks the published figures describe: Q1, median, Q3.
var quartileRanks = [3]float64{0.25, 0.5, 0.75}

// smoothing is how many scores each published quartile averages.
const smoothing = 5

// publishedStep is the step published quartiles are rounded to.
const publishedStep = 5

// countSteps are the edges of the published count ranges, in multiples of k.
var countSteps = []int{1, 2, 5, 10}

// benchCensus is what a population knows about one firm's benchmark before anything is
// published: exact, and never returned by the API as it is.
type benchCensus struct {
	r      Result
	k      int
	tried  []cohortCensus // narrowest first
	chosen int            // index in tried of the cohort the firm is ranked in; −1 for none
	// overall and domains are in the chosen cohort; a domain's census is nil where it has fewer
	// than k peer scores.
	overall *metricCensus
	domains []domainCensus
}

// cohortCensus is one cohort considered, with its exact size.
type cohortCensus struct {
	cohort Cohort
	firms  int // firms with an overall score, the firm itself included
	peers  int // the same without the firm itself
}

// metricCensus is one score in one cohort.
type metricCensus struct {
	firms     int        // scores in the cohort, the firm's own included
	peers     int        // scores of other firms
	quartiles [3]float64 // smoothedQuantile at quartileRanks, unrounded
	dither    [3]float64 // added to each before rounding, in [−publishedStep, publishedStep)
}

// domainCensus is one domain of the firm's result in the chosen cohort.
type domainCensus struct {
	id     string
	score  *float64
	census *metricCensus
}

// release turns the census into what may be published.
func (bc benchCensus) release() Benchmark {
	b := Benchmark{Source: "published", K: bc.k, Tried: []Cohort{}, Published: []Comparison{}}
	for _, c := range bc.tried {
		co := c.cohort
		if c.peers >= bc.k {
			co.Firms = countOf(c.firms, bc.k)
		}
		b.Tried = append(b.Tried, co)
	}
	if bc.chosen < 0 {
		return b
	}
	cohort := b.Tried[bc.chosen]
	b.Cohort, b.Source = &cohort, "peers"
	b.Overall = bc.overall.release(bc.r.Overall.Score, bc.k)
	for _, d := range bc.domains {
		ds := DomainStanding{ID: d.id}
		if d.census != nil {
			ds.Standing = d.census.release(d.score, bc.k)
		}
		b.Domains = append(b.Domains, ds)
	}
	return b
}

// release publishes one score's standing: the firm's own score, its quarter, the rounded
// quartiles and the range of the number of firms.
func (mc metricCensus) release(score *float64, k int) *Standing {
	var fig [3]float64
	for i, q := range mc.quartiles {
		fig[i] = min(100, max(0, roundToStep(q+mc.dither[i])))
	}
	s := &Standing{Score: score, Q1: fig[0], Median: fig[1], Q3: fig[2]}
	if c := countOf(mc.firms, k); c != nil {
		s.Firms = *c
	}
	s.Quarter = quarter(score, s.Q1, s.Median, s.Q3)
	return s
}

// smoothedQuantile is the mean of the smoothing scores (all of them, when there are fewer)
// whose ranks are nearest to the q-quantile's rank among n ascending values (the rank of
// Hyndman & Fan type 7, as R and NumPy use by default).
func smoothedQuantile(n int, at func(int) float64, q float64) float64 {
	first, w := window(n, q)
	var sum float64
	for i := first; i < first+w; i++ {
		sum += at(i)
	}
	return sum / float64(w)
}

// dither is the dither of a figure of metric in a cohort whose firms' tags sum to seed, the
// figure averaging the scores from rank first: uniform over two rounding steps, [−publishedStep,
// publishedStep), which keeps the rounded figure right on average. (Over one step, the least
// that does, the figures of a few cohorts together still narrowed a planted firm's neighbour
// to a few points.) Figures that average the same scores (all three, in a cohort of five firms
// or fewer) get the same dither: independent dithers of one value would, together, narrow it.
func dither(seed uint64, cohortKey, metric string, first int) float64 {
	h := uint64(14695981039346656037) // FNV-1a of cohortKey, a zero byte and metric
	for _, s := range []string{cohortKey, "\x00", metric} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	x := mix(seed ^ h ^ uint64(first+1)*0x9E3779B97F4A7C15)
	return (2*float64(x>>11)/(1<<53) - 1) * publishedStep
}

// mix is the SplitMix64 finaliser: every bit of the result depends on every bit of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}

// tagOf is a firm's tag: 64 bits of SHA-256 of the key and the firm key.
func tagOf(key []byte, firmKey string) uint64 {
	h := sha256.New()
	h.Write(key)
	h.Write([]byte{0})
	h.Write([]byte(firmKey))
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// window is the ranks smoothedQuantile averages for q among n: w of them from first.
func window(n int, q float64) (first, w int) {
	w = min(smoothing, n)
	first = int(math.Round(q*float64(n-1) - float64(w-1)/2))
	return max(0, min(first, n-w)), w
}

// roundToStep rounds a score to the nearest publishedStep points.
func roundToStep(v float64) float64 {
	return math.Round(v/publishedStep) * publishedStep
}

// quarter places score, rounded as they are, among published quartiles: a firm level with the
// median (at that precision) is in the upper half, one level with a quartile in the middle half.
func quarter(score *float64, q1, median, q3 float64) int {
	if score == nil {
		return 0
	}
	switch v := roundToStep(*score); {
	case v < q1:
		return 1
	case v > q3:
		return 4
	case v < median:
		return 2
	}
	return 3
}

// countOf is the published range of n firms; nil below k.
func countOf(n, k int) *Count {
	if k < 1 || n < k {
		return nil
	}
	last := len(countSteps) - 1
	for i := last; i >= 0; i-- {
		lo := countSteps[i] * k
		if n < lo {
			continue
		}
		if i == last {
			return &Count{Min: lo, Label: fmt.Sprintf("%d+", lo)}
		}
		hi := countSteps[i+1]*k - 1
		if hi == lo {
			return &Count{Min: lo, Max: hi, Label: fmt.Sprint(lo)}
		}
		return &Count{Min: lo, Max: hi, Label: fmt.Sprintf("%d–%d", lo, hi)}
	}
	return nil
}
