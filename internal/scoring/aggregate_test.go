package scoring_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

func table(t *testing.T, a scoring.Aggregate, q, dim string) (scoring.QuestionTable, map[string]scoring.GroupRow) {
	t.Helper()
	for _, qt := range a.Questions {
		if qt.Question != q {
			continue
		}
		for _, sp := range qt.Splits {
			if sp.Dimension == dim {
				rows := map[string]scoring.GroupRow{}
				for _, r := range sp.Rows {
					rows[r.Group] = r
				}
				return qt, rows
			}
		}
	}
	t.Fatalf("no table %s by %s", q, dim)
	return scoring.QuestionTable{}, nil
}

func cell(r scoring.GroupRow, qt scoring.QuestionTable, col string) *int {
	for i, c := range qt.Columns {
		if c == col {
			return r.Counts[i]
		}
	}
	return nil
}

// TestAggregateKnownShares folds a generated population whose answer shares are known in advance.
func TestAggregateKnownShares(t *testing.T) {
	def := mini(t)
	g := scoring.NewAggregator(def)
	const n = 1000
	for i := range n {
		industry, band := "manufacturing", "sme"
		if i%4 == 0 {
			industry = "retail" // 25%
		}
		if i%2 == 0 {
			band = "large" // 50%
		}
		exports := "no"
		if i%10 < 3 {
			exports = "yes" // 30%
		}
		risks := []any{"taiwan"}
		if i%5 == 0 {
			risks = append(risks, "china_rules") // 20% also choose china_rules
		}
		overall := float64(i % 101)
		g.Add(scoring.Row{Band: band, Sector: industry, Prefecture: "JP-13", Overall: &overall,
			Answers: questionnaire.Answers{"industry": industry, "exports": exports, "gov_risks": risks, "gov_owner": float64(i % 5)}})
	}
	a := g.Result(5)
	if a.N != n {
		t.Fatalf("n = %d", a.N)
	}
	qt, rows := table(t, a, "industry", scoring.DimAll)
	all := rows[scoring.DimAll]
	if *all.Answered != n || *cell(all, qt, "retail") != 250 || *cell(all, qt, "manufacturing") != 750 || *all.Shares[1] != 25 {
		t.Errorf("industry: %+v", all)
	}
	qt, rows = table(t, a, "exports", scoring.DimSizeBand)
	// Among the even i (large), i%10 < 3 holds for i%10 ∈ {0, 2}: 2 of 5 → 200 of 500.
	if got := *cell(rows["large"], qt, "yes"); got != 200 {
		t.Errorf("large exporters = %d, want 200", got)
	}
	if got := *cell(rows["sme"], qt, "yes"); got != 100 {
		t.Errorf("SME exporters = %d, want 100", got)
	}
	qt, rows = table(t, a, "gov_risks", scoring.DimAll)
	if *cell(rows[scoring.DimAll], qt, "taiwan") != 1000 || *cell(rows[scoring.DimAll], qt, "china_rules") != 200 {
		t.Errorf("risks %+v", rows[scoring.DimAll])
	}
	qt, rows = table(t, a, "gov_owner", scoring.DimAll)
	for _, lvl := range []string{"0", "1", "2", "3", "4"} {
		if *cell(rows[scoring.DimAll], qt, lvl) != 200 {
			t.Errorf("gov_owner level %s = %d, want 200", lvl, *cell(rows[scoring.DimAll], qt, lvl))
		}
	}
	for _, st := range a.Scores {
		if st.Metric != "overall" {
			continue
		}
		d := st.Splits[0].Rows[0]
		// i % 101 over 1000 firms: 0..90 appear 10 times, 91..100 nine times, so the 500th and 501st
		// scores are 49 and 50, and 90–100 holds 10 + 10 × 9.
		if *d.N != n || *d.Median != 49.5 || d.Histogram[9] == nil || *d.Histogram[9] != 10+10*9 {
			t.Errorf("overall distribution %+v median %v", d, *d.Median)
		}
	}
}

func TestSuppression(t *testing.T) {
	def := mini(t)
	g := scoring.NewAggregator(def)
	add := func(band, exports string, count int) {
		for range count {
			g.Add(scoring.Row{Band: band, Sector: "manufacturing", Prefecture: "JP-13", Answers: questionnaire.Answers{"exports": exports}})
		}
	}
	add("sme", "yes", 17)
	add("sme", "no", 3)
	add("large", "yes", 6)
	add("large", "no", 4)
	add("small_scale", "yes", 1)
	add("small_scale", "no", 1)
	a := g.Result(5)

	qt, rows := table(t, a, "exports", scoring.DimAll)
	all := rows[scoring.DimAll]
	if *all.Answered != 32 || *cell(all, qt, "yes") != 24 || *cell(all, qt, "no") != 8 {
		t.Fatalf("the all row hides nothing here: %+v", all)
	}
	qt, rows = table(t, a, "exports", scoring.DimSizeBand)
	// small_scale: 2 firms < k → the whole row is hidden.
	if r := rows["small_scale"]; r.Answered != nil || cell(r, qt, "yes") != nil || cell(r, qt, "no") != nil {
		t.Errorf("small-scale row shown: %+v", r)
	}
	// Its count could be recovered as 32 − 20 − 10, so the next smallest row goes too.
	if r := rows["large"]; r.Answered != nil || cell(r, qt, "yes") != nil {
		t.Errorf("large row shown (complementary suppression): %+v", r)
	}
	// SME: "no" = 3 < k is hidden, and so is "yes" (else 20 − 17 gives it away).
	sme := rows["sme"]
	if sme.Answered == nil || *sme.Answered != 20 || cell(sme, qt, "no") != nil || cell(sme, qt, "yes") != nil {
		t.Errorf("SME row: answered %v yes %v no %v", sme.Answered, cell(sme, qt, "yes"), cell(sme, qt, "no"))
	}
	// No shown cell is below k.
	for _, q := range a.Questions {
		for _, sp := range q.Splits {
			for _, r := range sp.Rows {
				for i, c := range r.Counts {
					if c != nil && *c > 0 && *c < a.K {
						t.Errorf("%s/%s/%s: cell %s = %d shown", q.Question, sp.Dimension, r.Group, q.Columns[i], *c)
					}
				}
			}
		}
	}
}

// TestColumnComplement: a lone suppressed cell in a column is protected by hiding a second one,
// also for multiple-choice questions, whose rows do not add up.
func TestColumnComplement(t *testing.T) {
	def := mini(t)
	g := scoring.NewAggregator(def)
	add := func(band string, risks []any, count int) {
		for range count {
			g.Add(scoring.Row{Band: band, Answers: questionnaire.Answers{"gov_risks": risks}})
		}
	}
	add("sme", []any{"taiwan"}, 10)
	add("sme", []any{"taiwan", "china_rules"}, 2)
	add("large", []any{"taiwan", "china_rules"}, 9)
	a := g.Result(5)
	qt, rows := table(t, a, "gov_risks", scoring.DimSizeBand)
	if cell(rows["sme"], qt, "china_rules") != nil {
		t.Error("2 < k shown")
	}
	if cell(rows["large"], qt, "china_rules") != nil {
		t.Error("large china_rules shown: 11 − 9 would give away the SME cell")
	}
	if c := cell(rows["sme"], qt, "taiwan"); c == nil || *c != 12 {
		t.Errorf("SME taiwan = %v; rows of a multiple choice do not add up, so it stays", c)
	}
}

func BenchmarkScore(b *testing.B) {
	def := esr(b)
	a := example(b, "large-firm")
	for b.Loop() {
		scoring.Score(def, a)
	}
}

// BenchmarkPercentile ranks one firm among 100,000 peers in the narrowest cohort with k peers.
func BenchmarkPercentile(b *testing.B) {
	bands := []string{"small_scale", "sme", "large"}
	sectors := []string{"manufacturing", "wholesale", "retail", "services", "construction", "transport", "other"}
	peers := make([]scoring.Peer, 100_000)
	for i := range peers {
		overall := float64((i * 7919) % 1001 / 10)
		peers[i] = scoring.Peer{FirmKey: fmt.Sprint(i), Band: bands[i%3], Sector: sectors[i%7], Overall: &overall,
			Domains: map[string]float64{"governance": overall, "supply_chain": 100 - overall}}
	}
	pop := scoring.NewPopulation(peers)
	r := result("sme", "retail", 42)
	b.ResetTimer()
	for b.Loop() {
		pop.Benchmark(r, "5", scoring.DefaultPeerK)
	}
}

// BenchmarkAggregate folds 100,000 submissions (the three example firms in turn, as a cursor
// would yield them) and suppresses the tables. It reports the heap in use at the end, which
// stays flat however many rows pass through.
func BenchmarkAggregate(b *testing.B) {
	def := esr(b)
	var rows []scoring.Row
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		a := example(b, name)
		r := scoring.Score(def, a)
		domains := map[string]float64{}
		for _, d := range r.Domains {
			if d.Score != nil {
				domains[d.ID] = *d.Score
			}
		}
		rows = append(rows, scoring.Row{Band: r.SizeBand, Sector: r.Sector, Prefecture: r.Prefecture, Answers: a, Overall: r.Overall.Score, Domains: domains})
	}
	var ms runtime.MemStats
	for b.Loop() {
		g := scoring.NewAggregator(def)
		for i := range 100_000 {
			g.Add(rows[i%3])
		}
		g.Result(scoring.DefaultCellK)
		runtime.ReadMemStats(&ms)
	}
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
}

// BenchmarkAggregateDecoded is BenchmarkAggregate with each row's answers decoded from the JSON
// string the store keeps, as a campaign aggregate over the database does.
func BenchmarkAggregateDecoded(b *testing.B) {
	def := esr(b)
	type stored struct {
		answers []byte
		row     scoring.Row
	}
	var rows []stored
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		a := example(b, name)
		raw, _ := json.Marshal(a)
		r := scoring.Score(def, a)
		rows = append(rows, stored{raw, scoring.Row{Band: r.SizeBand, Sector: r.Sector, Prefecture: r.Prefecture, Overall: r.Overall.Score}})
	}
	for b.Loop() {
		g := scoring.NewAggregator(def)
		for i := range 100_000 {
			s := rows[i%3]
			row := s.row
			if err := json.Unmarshal(s.answers, &row.Answers); err != nil {
				b.Fatal(err)
			}
			g.Add(row)
		}
		g.Result(scoring.DefaultCellK)
	}
}
