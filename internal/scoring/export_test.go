package scoring

// PeerCounts returns the exact number of the firm's peers in each cohort Benchmark tries,
// narrowest first, as the population counts them: what Benchmark never publishes.
func PeerCounts(p *Population, r Result, firmKey string) []int {
	var n []int
	for _, c := range p.census(r, firmKey, 1).tried {
		n = append(n, c.peers)
	}
	return n
}

// ExactOverall returns the exact overall figures of the cohort the firm is ranked in with k:
// the number of firms with a score and the quartiles before dither and rounding; ok is false
// without a cohort.
func ExactOverall(p *Population, r Result, firmKey string, k int) (firms int, quartiles [3]float64, ok bool) {
	return ExactFigures(p, r, firmKey, k, "")
}

// ExactFigures is ExactOverall for a domain (metric "" for the overall score).
func ExactFigures(p *Population, r Result, firmKey string, k int, metric string) (firms int, quartiles [3]float64, ok bool) {
	bc := p.census(r, firmKey, k)
	mc := bc.overall
	for _, d := range bc.domains {
		if metric != metricOverall && d.id == metric {
			mc = d.census
		}
	}
	if mc == nil || (metric != metricOverall && mc == bc.overall) {
		return 0, quartiles, false
	}
	return mc.firms, mc.quartiles, true
}

// OracleCases is how many random cases an oracle test draws (fewer under -race).
var OracleCases = oracleCases
