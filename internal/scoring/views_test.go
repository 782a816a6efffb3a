package scoring_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// The oracle below knows the rows and reads the published tables as an attacker would; it
// shares no code with the suppression.

// gkey is a group of the campaign as a cell fixes it: a band, sector and prefecture, "" for
// summed over, blank for a row's empty group (which no view lists).
type gkey struct{ b, s, p string }

const blank = "(blank)"

// groupOf is the group a row's value stands for in a key.
func groupOf(v string) string {
	if v == "" {
		return blank
	}
	return v
}

func (k gkey) fixed() int {
	n := 0
	for _, x := range []string{k.b, k.s, k.p} {
		if x != "" {
			n++
		}
	}
	return n
}

// with returns k with axis ax (0 band, 1 sector, 2 prefecture) set to g.
func (k gkey) with(ax int, g string) gkey {
	switch ax {
	case 0:
		k.b = g
	case 1:
		k.s = g
	default:
		k.p = g
	}
	return k
}

// holds says whether a row is in the group.
func (k gkey) holds(r scoring.Row) bool {
	return (k.b == "" || groupOf(r.Band) == k.b) && (k.s == "" || groupOf(r.Sector) == k.s) && (k.p == "" || groupOf(r.Prefecture) == k.p)
}

func (k gkey) at(ax int) string { return [...]string{k.b, k.s, k.p}[ax] }

// cellID names a cell: a table (question id or "score:" metric), a group and a column
// ("answered" or "n" for a row's total).
type cellID struct {
	table string
	key   gkey
	col   string
}

// campaign is a generated campaign: its rows and its groups per axis.
type campaign struct {
	rows   []scoring.Row
	groups [3][]string
}

var (
	testSectors = []string{"construction", "manufacturing", "other", "retail", "services", "transport"}
	testPrefs   = []string{"JP-11", "JP-12", "JP-13", "JP-14", "JP-27"}
)

// randomCampaign draws n firms with skewed prefectures, so that some groups, and many of their
// crossings, are small. Sectors are skewed too, and a few rows lack a group; or, even, every
// sector is large and no row lacks a group, so that the sector views add up to the whole view.
func randomCampaign(rng *rand.Rand, n int, even bool) campaign {
	sw := []float64{3, 40, 1.5, 12, 6, 0.8}
	if even {
		sw = []float64{10, 30, 8, 12, 10, 6}
	}
	pw := []float64{8, 2, 50, 1, 4}
	pick := func(names []string, w []float64) string {
		total := 0.0
		for _, x := range w {
			total += x
		}
		r := rng.Float64() * total
		for i, x := range w {
			if r -= x; r < 0 {
				return names[i]
			}
		}
		return names[len(names)-1]
	}
	var c campaign
	seen := [3]map[string]bool{{}, {}, {}}
	for range n {
		band := "sme"
		if rng.IntN(10) < 3 {
			band = "large"
		}
		r := scoring.Row{Band: band, Sector: pick(testSectors, sw), Prefecture: pick(testPrefs, pw), Answers: randomAnswers(rng)}
		if !even {
			blankOne(rng, &r)
		}
		if rng.IntN(10) > 0 {
			r.Overall = f(float64(rng.IntN(1001)) / 10)
			r.Domains = map[string]float64{"governance": float64(rng.IntN(101))}
		}
		for ax, g := range []string{r.Band, r.Sector, r.Prefecture} {
			seen[ax][groupOf(g)] = true
		}
		c.rows = append(c.rows, r)
	}
	for ax := range seen {
		for g := range seen[ax] {
			c.groups[ax] = append(c.groups[ax], g)
		}
		slices.Sort(c.groups[ax])
	}
	return c
}

// blankOne empties one group of a row now and then.
func blankOne(rng *rand.Rand, r *scoring.Row) {
	switch rng.IntN(100) {
	case 0:
		r.Band = ""
	case 1:
		r.Sector = ""
	case 2:
		r.Prefecture = ""
	}
}

// randomAnswers answers the mini questionnaire's choice and scale questions, skipping some.
func randomAnswers(rng *rand.Rand) questionnaire.Answers {
	a := questionnaire.Answers{}
	maybe := func(id string, v any) {
		if rng.IntN(8) > 0 {
			a[id] = v
		}
	}
	maybe("industry", []string{"manufacturing", "manufacturing", "retail"}[rng.IntN(3)])
	maybe("exports", []string{"yes", "no", "no", "no", "no"}[rng.IntN(5)])
	owner := []any{0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, questionnaire.DontKnow}[rng.IntN(8)]
	maybe("gov_owner", owner)
	cp := []any{0.0, 1.0, 3.0, 4.0, questionnaire.NA, questionnaire.NA}[rng.IntN(6)]
	maybe("gov_cp", cp)
	multi := func(id string, opts []string, p float64) {
		var picked []any
		for _, o := range opts {
			if rng.Float64() < p {
				picked = append(picked, o)
			}
		}
		if len(picked) > 0 {
			maybe(id, picked)
		}
	}
	multi("materials", []string{"magnets", "batteries"}, 0.4)
	multi("gov_measures", []string{"info", "bcp", "section"}, 0.3)
	multi("gov_risks", []string{"taiwan", "china_rules"}, 0.5)
	return a
}

// truth counts a cell from the rows: the firms of the group whose answer counts in the column
// (or that answered, or have the score, for the total).
func (c campaign) truth(id cellID, def *questionnaire.Definition) int {
	n := 0
	for _, r := range c.rows {
		if !id.key.holds(r) {
			continue
		}
		cols, ok := rowColumns(r, id.table, def)
		if ok && (id.col == "answered" || id.col == "n" || slices.Contains(cols, id.col)) {
			n++
		}
	}
	return n
}

// firms counts the rows of a group.
func (c campaign) firms(key gkey) int {
	n := 0
	for _, r := range c.rows {
		if key.holds(r) {
			n++
		}
	}
	return n
}

// mean is the group's mean score (each rounded to whole points, as the histograms keep them),
// to one decimal; false when no row has the score.
func (c campaign) mean(key gkey, metric string) (float64, bool) {
	sum, n := 0.0, 0
	for _, r := range c.rows {
		v := r.Overall
		if d, ok := r.Domains[metric]; metric != "overall" {
			v = nil
			if ok {
				v = &d
			}
		}
		if key.holds(r) && v != nil {
			sum += math.Round(*v)
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return math.Round(10*sum/float64(n)) / 10, true
}

// rowColumns returns the columns a row counts in for a table, and whether it counts at all.
func rowColumns(r scoring.Row, table string, def *questionnaire.Definition) ([]string, bool) {
	if metric, ok := strings.CutPrefix(table, "score:"); ok {
		v := r.Overall
		if metric != "overall" {
			d, ok := r.Domains[metric]
			if !ok {
				return nil, false
			}
			v = &d
		}
		if v == nil {
			return nil, false
		}
		bin := int(math.Round(math.Max(0, math.Min(100, *v))))
		return []string{fmt.Sprintf("band%d", min(bin/10, 9))}, true
	}
	q, _ := def.Question(table)
	var cols []string
	switch x := r.Answers[table].(type) {
	case string:
		cols = append(cols, x)
	case float64:
		cols = append(cols, fmt.Sprint(int(x)))
	case []any:
		for _, o := range x {
			cols = append(cols, o.(string))
		}
	}
	var valid []string
	for _, col := range cols {
		if q != nil && validColumn(q, col) {
			valid = append(valid, col)
		}
	}
	return valid, len(valid) > 0
}

func validColumn(q *questionnaire.Question, col string) bool {
	switch {
	case col == questionnaire.DontKnow:
		return q.DontKnow
	case col == questionnaire.NA:
		return q.AllowNA
	case q.Type == questionnaire.TypeScale:
		return len(col) == 1 && col[0] >= '0' && col[0] <= '4'
	}
	for _, o := range q.Options {
		if o.ID == col {
			return true
		}
	}
	return false
}

// publication is what a reader sees: every cell of the whole view and of every filtered view
// offered, a row a view does not list being known zeros.
type publication struct {
	k      int
	cells  map[cellID]*int // nil: hidden
	listed map[cellID]bool // the cells of rows a view lists (the others are implied zeros)
	n      map[gkey]int    // per view (the zero key: the whole view)
	tables map[string]tableCols
}

// tableCols is a table's columns; exclusive when each firm counts in one, so that they add up
// to the total.
type tableCols struct {
	cols      []string
	total     string
	exclusive bool
}

func filterKey(f scoring.Filter) gkey {
	if f.Dimension == scoring.DimSector {
		return gkey{s: f.Group}
	}
	return gkey{p: f.Group}
}

func viewFilter(k gkey) scoring.Filter {
	switch {
	case k.s != "":
		return scoring.Filter{Dimension: scoring.DimSector, Group: k.s}
	case k.p != "":
		return scoring.Filter{Dimension: scoring.DimPrefecture, Group: k.p}
	}
	return scoring.Filter{}
}

var dimAxis = map[string]int{scoring.DimAll: -1, scoring.DimSizeBand: 0, scoring.DimSector: 1, scoring.DimPrefecture: 2}

// publish reads the whole view and every view Filters offers.
func publish(t *testing.T, v *scoring.Views, c campaign, k int) *publication {
	t.Helper()
	p := &publication{k: k, cells: map[cellID]*int{}, listed: map[cellID]bool{}, n: map[gkey]int{}, tables: map[string]tableCols{}}
	bases := []gkey{{}}
	for _, f := range v.Filters(k) {
		bases = append(bases, filterKey(f))
	}
	for _, base := range bases {
		a, err := v.Result(viewFilter(base), k)
		if err != nil {
			t.Fatalf("view %+v: %v", base, err)
		}
		p.n[base] = a.N
		p.read(t, a, base, c)
	}
	return p
}

// read records the cells of one view.
func (p *publication) read(t *testing.T, a scoring.Aggregate, base gkey, c campaign) {
	t.Helper()
	for _, q := range a.Questions {
		p.tables[q.Question] = tableCols{cols: q.Columns, total: "answered", exclusive: q.Type != questionnaire.TypeMulti}
		for _, sp := range q.Splits {
			listed := map[string]bool{}
			for _, r := range sp.Rows {
				key := rowKey(base, sp.Dimension, r.Group)
				listed[r.Group] = true
				for i, col := range q.Columns {
					p.list(t, cellID{q.Question, key, col}, r.Counts[i])
				}
				p.list(t, cellID{q.Question, key, "answered"}, r.Answered)
			}
			p.zeros(t, q.Question, base, sp.Dimension, listed, c)
		}
	}
	for _, st := range a.Scores {
		p.readScores(t, st, base, c)
	}
}

// readScores records the distributions of one score: n, and the histogram bands as columns.
func (p *publication) readScores(t *testing.T, st scoring.ScoreTable, base gkey, c campaign) {
	t.Helper()
	bands := make([]string, 10)
	for i := range bands {
		bands[i] = fmt.Sprintf("band%d", i)
	}
	table := "score:" + st.Metric
	p.tables[table] = tableCols{cols: bands, total: "n", exclusive: true}
	for _, sp := range st.Splits {
		listed := map[string]bool{}
		for _, d := range sp.Rows {
			key := rowKey(base, sp.Dimension, d.Group)
			listed[d.Group] = true
			if want, ok := c.mean(key, st.Metric); d.Mean != nil && (!ok || *d.Mean != want) {
				t.Errorf("%s %+v: mean %v, the rows give %v", table, key, *d.Mean, want)
			}
			p.list(t, cellID{table, key, "n"}, d.N)
			for i, col := range bands {
				var n *int
				switch {
				case d.N != nil && *d.N == 0:
					n = new(int)
				case d.Histogram != nil:
					n = d.Histogram[i]
				}
				p.list(t, cellID{table, key, col}, n)
			}
		}
		p.zeros(t, table, base, sp.Dimension, listed, c)
	}
}

// rowKey is the group of a view's row.
func rowKey(base gkey, dim, group string) gkey {
	if ax := dimAxis[dim]; ax >= 0 {
		return base.with(ax, group)
	}
	return base
}

// zeros records the cells of the groups a split does not list as known zeros.
func (p *publication) zeros(t *testing.T, table string, base gkey, dim string, listed map[string]bool, c campaign) {
	ax := dimAxis[dim]
	if ax < 0 {
		return
	}
	tc := p.tables[table]
	for _, g := range c.groups[ax] {
		if listed[g] || g == blank {
			continue
		}
		for _, col := range append(slices.Clone(tc.cols), tc.total) {
			p.record(t, cellID{table, base.with(ax, g), col}, new(int))
		}
	}
}

// list records a cell of a row a view lists.
func (p *publication) list(t *testing.T, id cellID, v *int) {
	t.Helper()
	if p.listed != nil {
		p.listed[id] = true
	}
	p.record(t, id, v)
}

// record adds a cell; a cell two views show must have one fate and one value.
func (p *publication) record(t *testing.T, id cellID, v *int) {
	t.Helper()
	prev, seen := p.cells[id]
	switch {
	case !seen:
		p.cells[id] = v
	case (prev == nil) != (v == nil):
		t.Errorf("%v is shown in one view and hidden in another", id)
	case prev != nil && *prev != *v:
		t.Errorf("%v is %d in one view and %d in another", id, *prev, *v)
	}
}

// relation is a linear relation among cells: the total is the sum of the parts.
type relation struct {
	total cellID
	parts []cellID
}

// relations lists, per table and column, each group's row against its total (where the columns
// add up) and each line of the cube: a group of at most one fixed axis against its split by
// another axis (the whole view's "all" row against its rows, a sector view's rows against the
// whole view's across sectors, a view against its complement...).
func (p *publication) relations(c campaign) []relation {
	var rels []relation
	var keys []gkey
	keys = append(keys, gkey{})
	for ax := range 3 {
		for _, g := range c.groups[ax] {
			keys = append(keys, gkey{}.with(ax, g))
		}
	}
	for table, tc := range p.tables {
		cols := append(slices.Clone(tc.cols), tc.total)
		for _, key := range keys {
			for ax := range 3 {
				if key.at(ax) != "" {
					continue
				}
				for _, col := range cols {
					r := relation{total: cellID{table, key, col}}
					for _, g := range c.groups[ax] {
						r.parts = append(r.parts, cellID{table, key.with(ax, g), col})
					}
					rels = append(rels, r)
				}
			}
		}
		if !tc.exclusive {
			continue
		}
		for id := range p.cells {
			if id.table == table && id.col == tc.total {
				r := relation{total: id}
				for _, col := range tc.cols {
					r.parts = append(r.parts, cellID{table, id.key, col})
				}
				rels = append(rels, r)
			}
		}
	}
	return rels
}

// checkExact compares every shown cell, and every view's n, with a count over the rows.
func (p *publication) checkExact(t *testing.T, c campaign, def *questionnaire.Definition) {
	t.Helper()
	for id, v := range p.cells {
		if v != nil && p.listed[id] && c.truth(cellID{id.table, id.key, p.tables[id.table].total}, def) < p.k {
			t.Errorf("%v = %d shown in a row of fewer than k firms", id, *v)
		}
		if v == nil {
			continue
		}
		if *v > 0 && *v < p.k {
			t.Errorf("%v = %d shown, below k = %d", id, *v, p.k)
		}
		if want := c.truth(id, def); *v != want {
			t.Errorf("%v = %d, the rows hold %d", id, *v, want)
		}
	}
	for base, n := range p.n {
		if want := c.firms(base); n != want {
			t.Errorf("view %+v: n = %d, want %d", base, n, want)
		}
	}
}

// checkFilters checks the views offered hold k firms, as do their complements and, per
// dimension, the firms of the groups not offered; and that every other filter is refused.
func (p *publication) checkFilters(t *testing.T, v *scoring.Views, c campaign) {
	t.Helper()
	whole := len(c.rows)
	rest := map[int]int{1: whole, 2: whole}
	for ax := 1; ax <= 2; ax++ {
		for _, g := range c.groups[ax] {
			base := gkey{}.with(ax, g)
			n, offered := p.n[base]
			if g == blank {
				base = gkey{}.with(ax, "")
			}
			if !offered {
				f := viewFilter(base)
				if g == blank {
					f = scoring.Filter{Dimension: [...]string{"", scoring.DimSector, scoring.DimPrefecture}[ax]}
				}
				a, err := v.Result(f, p.k)
				if !errors.Is(err, scoring.ErrFilterTooSmall) || !reflect.DeepEqual(a, scoring.Aggregate{}) {
					t.Errorf("view %+v not offered, yet Result gives %v and n = %d", f, err, a.N)
				}
				continue
			}
			if n < p.k || whole-n < p.k {
				t.Errorf("view %+v offered with n = %d of %d", base, n, whole)
			}
			rest[ax] -= n
		}
		if rest[ax] > 0 && rest[ax] < p.k {
			t.Errorf("the groups not offered by %d hold %d firms, which the views' n give away", ax, rest[ax])
		}
	}
	for _, f := range []scoring.Filter{{Dimension: scoring.DimSizeBand, Group: "sme"}, {Dimension: scoring.DimSector, Group: "mining"}} {
		if _, err := v.Result(f, p.k); !errors.Is(err, scoring.ErrFilterTooSmall) {
			t.Errorf("filter %+v: %v", f, err)
		}
	}
}

// attack derives what it can. With one relation and shown cells: the parts of a shown total
// that are not shown hold 0 or at least k firms together, and so does the total less any one
// shown part (the whole view less a filtered one). Chaining single relations, a derived cell
// counting as known for the next: no hidden cell, and no unpublished group of 1 to k−1 firms,
// is ever derived.
func (p *publication) attack(t *testing.T, c campaign) {
	t.Helper()
	rels := p.relations(c)
	known := map[cellID]int{}
	for id, v := range p.cells {
		if v != nil {
			known[id] = *v
		}
	}
	for _, r := range rels {
		total, ok := known[r.total]
		if !ok {
			continue
		}
		rest := total
		for _, m := range r.parts {
			if v, ok := known[m]; ok {
				rest -= v
				if d := total - v; d > 0 && d < p.k {
					t.Errorf("%v less %v gives %d firms", r.total, m, d)
				}
			}
		}
		if rest > 0 && rest < p.k {
			t.Errorf("the parts of %v not shown hold %d firms", r.total, rest)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, r := range rels {
			if id, v, ok := derive(r, known); ok {
				known[id], changed = v, true
				if _, published := p.cells[id]; published {
					t.Errorf("hidden cell %v = %d derived by the relation on %v", id, v, r.total)
				} else if v > 0 && v < p.k {
					t.Errorf("unpublished group %v = %d derived by the relation on %v", id, v, r.total)
				}
			}
		}
	}
}

// bound propagates bounds through the relations, every count being non-negative (a hundred
// rounds: enough for a pin to show, which travels a few relations; a creep around a cycle may
// take longer and narrows nothing to a point). No hidden cell of firms may be pinned to one
// value, as a hidden cell beside a row of zeros would be.
func (p *publication) bound(t *testing.T, c campaign, def *questionnaire.Definition) {
	t.Helper()
	b := bounds{lo: map[cellID]int{}, hi: map[cellID]int{}}
	rels := p.relations(c)
	for _, r := range rels {
		for _, m := range append([]cellID{r.total}, r.parts...) {
			b.lo[m], b.hi[m] = 0, unbounded
			if v := p.cells[m]; v != nil {
				b.lo[m], b.hi[m] = *v, *v
			}
		}
	}
	for round, changed := 0, true; changed && round < 100; round++ {
		changed = false
		for _, r := range rels {
			changed = b.tighten(r) || changed
		}
	}
	for id, v := range p.cells {
		if v == nil && b.lo[id] == b.hi[id] && c.truth(id, def) > 0 {
			t.Errorf("hidden cell %v is pinned to %d by non-negativity", id, b.lo[id])
		}
	}
}

const unbounded = math.MaxInt

// bounds holds what a reader knows of each cell: lo ≤ cell ≤ hi.
type bounds struct{ lo, hi map[cellID]int }

// tighten narrows the bounds of a relation's members; it reports whether any moved.
func (b bounds) tighten(r relation) bool {
	sumLo, sumHi, open := 0, 0, 0 // open: parts without an upper bound
	for _, m := range r.parts {
		sumLo += b.lo[m]
		if b.hi[m] == unbounded {
			open++
		} else {
			sumHi += b.hi[m]
		}
	}
	changed := false
	set := func(m cellID, lo, hi int) {
		if lo > b.lo[m] {
			b.lo[m], changed = lo, true
		}
		if hi < b.hi[m] {
			b.hi[m], changed = hi, true
		}
	}
	if open == 0 {
		set(r.total, sumLo, sumHi)
	} else {
		set(r.total, sumLo, unbounded)
	}
	for _, m := range r.parts {
		lo, hi := 0, unbounded
		if own := b.hi[m] == unbounded; open == 0 || (open == 1 && own) {
			others := sumHi
			if !own {
				others -= b.hi[m]
			}
			lo = max(0, b.lo[r.total]-others)
		}
		if b.hi[r.total] != unbounded {
			hi = b.hi[r.total] - (sumLo - b.lo[m])
		}
		set(m, lo, hi)
	}
	return changed
}

// derive returns the one unknown member of a relation and its value, if there is one.
func derive(r relation, known map[cellID]int) (cellID, int, bool) {
	var unknown []cellID
	sum := 0
	for _, m := range r.parts {
		if v, ok := known[m]; ok {
			sum += v
		} else {
			unknown = append(unknown, m)
		}
	}
	total, ok := known[r.total]
	switch {
	case ok && len(unknown) == 1:
		return unknown[0], total - sum, true
	case !ok && len(unknown) == 0:
		return r.total, sum, true
	}
	return cellID{}, 0, false
}

// TestViewsOracle publishes the whole view and every filtered view offered of random campaigns
// and attacks them.
func TestViewsOracle(t *testing.T) {
	def := mini(t)
	for _, k := range []int{5, 10} {
		for seed := range 6 {
			even := seed >= 4
			t.Run(fmt.Sprintf("k=%d/seed=%d", k, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(k)))
				c := randomCampaign(rng, 150+rng.IntN(300), even)
				v := scoring.NewViews(def)
				for _, r := range c.rows {
					v.Add(r)
				}
				if v.N() != len(c.rows) {
					t.Errorf("N = %d, want %d", v.N(), len(c.rows))
				}
				p := publish(t, v, c, k)
				if len(p.n) < 4 {
					t.Fatalf("%d views offered: the campaign tests nothing", len(p.n))
				}
				for _, g := range c.groups[1] {
					if _, ok := p.n[gkey{s: g}]; even && !ok {
						t.Fatalf("sector %s not offered: the sector views do not add up to the whole", g)
					}
				}
				p.checkExact(t, c, def)
				p.checkFilters(t, v, c)
				p.attack(t, c)
				p.bound(t, c, def)
				shown := 0
				for _, v := range p.cells {
					if v != nil && *v > 0 {
						shown++
					}
				}
				t.Logf("%d rows, %d views, %d of %d cells shown non-zero", len(c.rows), len(p.n), shown, len(p.cells))
			})
		}
	}
}

// prime is the modulus of the audit's elimination: exact for these 0/1 systems (a false "in the
// span" would need the prime to divide a minor).
const prime = 1<<31 - 1

// span is an echelon basis of linear forms over the atoms, modulo prime.
type span struct {
	rows   [][]int64
	pivots []int
}

// reduce eliminates the basis from v, in place, and returns the first non-zero entry or -1.
func (s *span) reduce(v []int64) int {
	for i, row := range s.rows {
		if f := v[s.pivots[i]]; f != 0 {
			for j, x := range row {
				if x != 0 {
					v[j] = ((v[j]-f*x)%prime + prime) % prime
				}
			}
		}
	}
	return slices.IndexFunc(v, func(x int64) bool { return x != 0 })
}

// add puts a form in the basis.
func (s *span) add(v []int64) {
	p := s.reduce(v)
	if p < 0 {
		return
	}
	inv := modInverse(v[p])
	for j := range v {
		v[j] = v[j] * inv % prime
	}
	s.rows, s.pivots = append(s.rows, v), append(s.pivots, p)
}

func modInverse(a int64) int64 {
	r, e, b := int64(1), int64(prime-2), a%prime
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r * b % prime
		}
		b = b * b % prime
	}
	return r
}

// system is one set of unknowns: the atoms of one table, per column when the columns add up to
// the total, else for one column.
type system struct {
	c     campaign
	cols  []string // the columns with unknowns
	total string
	atoms []gkey
}

// form is the linear form of a cell: a 1 for each unknown it sums.
func (s system) form(id cellID) []int64 {
	v := make([]int64, len(s.atoms)*len(s.cols))
	for a, at := range s.atoms {
		if (id.key.b != "" && id.key.b != at.b) || (id.key.s != "" && id.key.s != at.s) || (id.key.p != "" && id.key.p != at.p) {
			continue // at is an atom: its groups are never summed
		}
		for j, col := range s.cols {
			if id.col == col || id.col == s.total {
				v[a*len(s.cols)+j] = 1
			}
		}
	}
	return v
}

// covers says whether a cell is a form of this system.
func (s system) covers(col string) bool { return col == s.total || slices.Contains(s.cols, col) }

// audit solves each system of a publication and checks nothing sensitive is in the span of
// what is shown.
func (p *publication) audit(t testing.TB, c campaign, def *questionnaire.Definition) {
	t.Helper()
	var atoms []gkey
	for _, b := range c.groups[0] {
		for _, s := range c.groups[1] {
			for _, pr := range c.groups[2] {
				atoms = append(atoms, gkey{b, s, pr})
			}
		}
	}
	for table, tc := range p.tables {
		var systems []system
		if tc.exclusive {
			systems = append(systems, system{c, tc.cols, tc.total, atoms})
		} else {
			for _, col := range append(slices.Clone(tc.cols), tc.total) {
				systems = append(systems, system{c, []string{col}, "", atoms})
			}
		}
		for _, sys := range systems {
			var known span
			for id, v := range p.cells {
				if id.table == table && v != nil && sys.covers(id.col) {
					known.add(sys.form(id))
				}
			}
			for _, target := range p.targets(table, sys, c, def) {
				if known.reduce(target.form) < 0 {
					t.Errorf("%s: %s = %d follows from the shown cells", table, target.name, target.value)
				}
			}
		}
	}
}

// target is a linear form that must not follow from the shown cells.
type target struct {
	name  string
	value int
	form  []int64
}

// targets lists, for a system: every hidden cell; every group the views never show of 1 to k−1
// firms (atoms and margins alike); every cell of a filtered view less the whole view's cell of
// 1 to k−1 firms (the complement); and the groups not offered on an axis, taken together,
// where they hold 1 to k−1 firms.
func (p *publication) targets(table string, sys system, c campaign, def *questionnaire.Definition) []target {
	var out []target
	small := func(n int) bool { return n > 0 && n < p.k }
	cols := append(slices.Clone(sys.cols), sys.total)
	for _, key := range allKeys(c) {
		for _, col := range cols {
			if col == "" {
				continue
			}
			id := cellID{table, key, col}
			v, published := p.cells[id]
			if n := c.truth(id, def); (published && v == nil) || (!published && small(n)) {
				out = append(out, target{fmt.Sprintf("%v %s", key, col), n, sys.form(id)})
			}
			for ax := 1; ax <= 2; ax++ {
				base := gkey{}.with(ax, key.at(ax))
				if _, offered := p.n[base]; !offered || key.at(ax) == "" {
					continue
				}
				whole := cellID{table, key.with(ax, ""), col}
				if n := c.truth(whole, def) - c.truth(id, def); small(n) {
					out = append(out, target{fmt.Sprintf("%v less %v %s", whole.key, key, col), n, minus(sys.form(whole), sys.form(id))})
				}
			}
		}
	}
	return append(out, p.unoffered(table, sys, c, def)...)
}

// unoffered lists the groups not offered on an axis, taken together within each group of the
// whole view, where they hold 1 to k−1 firms.
func (p *publication) unoffered(table string, sys system, c campaign, def *questionnaire.Definition) []target {
	var out []target
	for ax := 1; ax <= 2; ax++ {
		for _, key := range allKeys(c) {
			if key.fixed() > 1 || key.at(ax) != "" {
				continue
			}
			for _, col := range append(slices.Clone(sys.cols), sys.total) {
				if col == "" {
					continue
				}
				var form []int64
				n := 0
				for _, g := range c.groups[ax] {
					if _, offered := p.n[gkey{}.with(ax, g)]; offered {
						continue
					}
					id := cellID{table, key.with(ax, g), col}
					n += c.truth(id, def)
					if form == nil {
						form = sys.form(id)
					} else {
						form = plus(form, sys.form(id))
					}
				}
				if form != nil && n > 0 && n < p.k {
					out = append(out, target{fmt.Sprintf("the groups not offered by %d within %v %s", ax, key, col), n, form})
				}
			}
		}
	}
	return out
}

// allKeys lists every group: each axis fixed or summed.
func allKeys(c campaign) []gkey {
	keys := []gkey{{}}
	for ax := range 3 {
		var more []gkey
		for _, k := range keys {
			for _, g := range c.groups[ax] {
				more = append(more, k.with(ax, g))
			}
		}
		keys = append(keys, more...)
	}
	return keys
}

func plus(a, b []int64) []int64 {
	out := make([]int64, len(a))
	for i := range a {
		out[i] = (a[i] + b[i]) % prime
	}
	return out
}

func minus(a, b []int64) []int64 {
	out := make([]int64, len(a))
	for i := range a {
		out[i] = ((a[i]-b[i])%prime + prime) % prime
	}
	return out
}

// TestViewsLinearAudit solves the attacker's whole linear system: every cell shown by any view
// offered is an equation on the atoms.
func TestViewsLinearAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("solves large linear systems")
	}
	def := mini(t)
	for _, k := range []int{5, 10} {
		for seed := range 2 {
			t.Run(fmt.Sprintf("k=%d/seed=%d", k, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(seed)+100, uint64(k)))
				c := randomCampaign(rng, 150+rng.IntN(300), seed == 1)
				v := scoring.NewViews(def)
				for _, r := range c.rows {
					v.Add(r)
				}
				p := publish(t, v, c, k)
				p.audit(t, c, def)
			})
		}
	}
}

// TestViewsFilters: which views are offered, for campaigns built to sit on each edge.
func TestViewsFilters(t *testing.T) {
	def := mini(t)
	type group struct {
		sector, pref string
		n            int
	}
	sector := func(g string) scoring.Filter { return scoring.Filter{Dimension: scoring.DimSector, Group: g} }
	pref := func(g string) scoring.Filter { return scoring.Filter{Dimension: scoring.DimPrefecture, Group: g} }
	cases := []struct {
		name   string
		groups []group
		k      int
		want   []scoring.Filter
	}{
		{"a group of k firms and a complement of k", []group{{"retail", "JP-13", 5}, {"services", "JP-13", 5}}, 5,
			[]scoring.Filter{sector("retail"), sector("services")}},
		{"a complement below k", []group{{"retail", "JP-13", 30}, {"services", "JP-14", 4}}, 5, nil},
		{"a group below k", []group{{"retail", "JP-13", 30}, {"services", "JP-13", 20}, {"transport", "JP-13", 4}}, 5,
			// transport's 4 firms would be the whole less retail and services: services joins them.
			[]scoring.Filter{sector("retail")}},
		{"groups not offered of k firms together", []group{{"retail", "JP-13", 30}, {"services", "JP-13", 20}, {"transport", "JP-13", 3}, {"other", "JP-13", 2}}, 5,
			[]scoring.Filter{sector("retail"), sector("services")}},
		{"blank groups are never offered", []group{{"retail", "JP-13", 30}, {"", "JP-14", 20}, {"services", "", 6}}, 5,
			[]scoring.Filter{pref("JP-13"), pref("JP-14"), sector("retail"), sector("services")}},
		{"blank groups count with those not offered", []group{{"retail", "JP-13", 30}, {"", "JP-14", 20}, {"services", "", 2}}, 5,
			[]scoring.Filter{pref("JP-13"), sector("retail")}},
		{"k below 1 is the default", []group{{"retail", "JP-13", 4}, {"services", "JP-14", 4}}, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := scoring.NewViews(def)
			for _, g := range tc.groups {
				for range g.n {
					v.Add(scoring.Row{Band: "sme", Sector: g.sector, Prefecture: g.pref})
				}
			}
			got := v.Filters(tc.k)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Filters (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if _, err := v.Result(f, tc.k); err != nil {
					t.Errorf("offered %v: %v", f, err)
				}
			}
			for _, g := range tc.groups {
				for _, f := range []scoring.Filter{sector(g.sector), pref(g.pref)} {
					if _, err := v.Result(f, tc.k); !slices.Contains(got, f) && !errors.Is(err, scoring.ErrFilterTooSmall) {
						t.Errorf("%v is not offered, yet Result gives %v", f, err)
					}
				}
			}
		})
	}
}

// BenchmarkViews folds 100,000 submissions (the three example firms, spread over seven sectors
// and ten prefectures, skewed so that small groups and crossings exist) and produces the whole
// view and one filtered view. It reports the heap in use at the end, flat however many rows
// pass through.
func BenchmarkViews(b *testing.B) {
	def := esr(b)
	var firms []scoring.Row
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		a := example(b, name)
		r := scoring.Score(def, a)
		domains := map[string]float64{}
		for _, d := range r.Domains {
			if d.Score != nil {
				domains[d.ID] = *d.Score
			}
		}
		firms = append(firms, scoring.Row{Answers: a, Overall: r.Overall.Score, Domains: domains})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	sectors := []string{"manufacturing", "wholesale", "retail", "services", "construction", "transport", "other"}
	rows := make([]scoring.Row, 100_000)
	for i := range rows {
		r := firms[rng.IntN(len(firms))]
		r.Band = []string{"sme", "sme", "sme", "large"}[rng.IntN(4)]
		r.Sector = sectors[min(int(rng.ExpFloat64()*1.5), len(sectors)-1)]
		r.Prefecture = fmt.Sprintf("JP-%02d", 13+min(int(rng.ExpFloat64()*1.2), 9))
		rows[i] = r
	}
	var ms runtime.MemStats
	b.ReportAllocs()
	for b.Loop() {
		v := scoring.NewViews(def)
		for _, r := range rows {
			v.Add(r)
		}
		if _, err := v.Result(scoring.Filter{}, scoring.DefaultCellK); err != nil {
			b.Fatal(err)
		}
		if _, err := v.Result(scoring.Filter{Dimension: scoring.DimSector, Group: "retail"}, scoring.DefaultCellK); err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&ms)
	}
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
}
