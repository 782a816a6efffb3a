package scoring_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// The oracle below knows the rows and reads the published tables as an attacker would; it
// shares no code with the suppression.

// gkey is a group of the campaign as a cell fixes it: a band, sector and prefecture, "" for
// summed over (the generated rows have no blank groups).
type gkey struct{ b, s, p string }

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

// randomCampaign draws n firms with skewed sectors and prefectures, so that some groups, and
// many of their crossings, are small.
func randomCampaign(rng *rand.Rand, n int) campaign {
	sw := []float64{3, 40, 1.5, 12, 6, 0.8}
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
		if rng.IntN(10) > 0 {
			r.Overall = f(float64(rng.IntN(1001)) / 10)
			r.Domains = map[string]float64{"governance": float64(rng.IntN(101))}
		}
		for ax, g := range []string{r.Band, r.Sector, r.Prefecture} {
			seen[ax][g] = true
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
		if (id.key.b != "" && r.Band != id.key.b) || (id.key.s != "" && r.Sector != id.key.s) || (id.key.p != "" && r.Prefecture != id.key.p) {
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
		if (key.b == "" || r.Band == key.b) && (key.s == "" || r.Sector == key.s) && (key.p == "" || r.Prefecture == key.p) {
			n++
		}
	}
	return n
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
	p := &publication{k: k, cells: map[cellID]*int{}, n: map[gkey]int{}, tables: map[string]tableCols{}}
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
				key := base
				if ax := dimAxis[sp.Dimension]; ax >= 0 {
					key = key.with(ax, r.Group)
				}
				listed[r.Group] = true
				for i, col := range q.Columns {
					p.record(t, cellID{q.Question, key, col}, r.Counts[i])
				}
				p.record(t, cellID{q.Question, key, "answered"}, r.Answered)
			}
			p.zeros(t, q.Question, base, sp.Dimension, listed, c)
		}
	}
	bands := make([]string, 10)
	for i := range bands {
		bands[i] = fmt.Sprintf("band%d", i)
	}
	for _, st := range a.Scores {
		table := "score:" + st.Metric
		p.tables[table] = tableCols{cols: bands, total: "n", exclusive: true}
		for _, sp := range st.Splits {
			listed := map[string]bool{}
			for _, d := range sp.Rows {
				key := base
				if ax := dimAxis[sp.Dimension]; ax >= 0 {
					key = key.with(ax, d.Group)
				}
				listed[d.Group] = true
				p.record(t, cellID{table, key, "n"}, d.N)
				for i, col := range bands {
					var c *int
					switch {
					case d.N != nil && *d.N == 0:
						c = new(int)
					case d.Histogram != nil:
						c = d.Histogram[i]
					}
					p.record(t, cellID{table, key, col}, c)
				}
			}
			p.zeros(t, table, base, sp.Dimension, listed, c)
		}
	}
}

// zeros records the cells of the groups a split does not list as known zeros.
func (p *publication) zeros(t *testing.T, table string, base gkey, dim string, listed map[string]bool, c campaign) {
	ax := dimAxis[dim]
	if ax < 0 {
		return
	}
	tc := p.tables[table]
	for _, g := range c.groups[ax] {
		if listed[g] {
			continue
		}
		for _, col := range append(slices.Clone(tc.cols), tc.total) {
			p.record(t, cellID{table, base.with(ax, g), col}, new(int))
		}
	}
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
			if !offered {
				a, err := v.Result(viewFilter(base), p.k)
				if !errors.Is(err, scoring.ErrFilterTooSmall) || !reflect.DeepEqual(a, scoring.Aggregate{}) {
					t.Errorf("view %+v not offered, yet Result gives %v and n = %d", base, err, a.N)
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
					t.Errorf("hidden cell %v = %d derived from %v", id, v, r.total)
				} else if v > 0 && v < p.k {
					t.Errorf("unpublished group %v = %d derived from %v", id, v, r.total)
				}
			}
		}
	}
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
		for seed := range 4 {
			t.Run(fmt.Sprintf("k=%d/seed=%d", k, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(k)))
				c := randomCampaign(rng, 150+rng.IntN(300))
				v := scoring.NewViews(def)
				for _, r := range c.rows {
					v.Add(r)
				}
				p := publish(t, v, c, k)
				if len(p.n) < 4 {
					t.Fatalf("%d views offered: the campaign tests nothing", len(p.n))
				}
				p.checkExact(t, c, def)
				p.checkFilters(t, v, c)
				p.attack(t, c)
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
