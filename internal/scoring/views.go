package scoring

import (
	"fmt"
	"os"
	"cmp"
	"errors"
	"slices"

	"github.com/esready/esready/internal/questionnaire"
)

// Filter selects the firms of one group of one dimension (DimSector or DimPrefecture); the zero
// Filter is the whole campaign.
type Filter struct{ Dimension, Group string }

// ErrFilterTooSmall is returned for a filtered view that is not offered: the view or its
// complement within the campaign has fewer than k firms (or the filter is by neither sector nor
// prefecture).
var ErrFilterTooSmall = errors.New("scoring: the filtered view or its complement has fewer than k firms")

// The axes of the atom cube.
const (
	axisBand = iota
	axisSector
	axisPref
	numAxes
)

// axisDims names the dimension of each axis.
var axisDims = [numAxes]string{DimSizeBand, DimSector, DimPrefecture}

// Views serves a campaign's tables whole and filtered by one sector or one prefecture. One
// suppression pattern covers the whole view and every filtered view offered, so that no
// combination of them gives away a count of 1 to k−1 firms or a suppressed cell. The whole view
// must therefore be published from Views (Result with the zero Filter), not from an Aggregator:
// it may hide more.
//
// Views counts per atom: per size band × sector × prefecture, the answers to each column and
// the score histograms. Every table of every view is a sum of atoms (a margin of the cube), so
// memory depends on the number of groups met, never on the number of rows. Filters lists the
// views that may be offered: a sector or prefecture with at least k firms whose complement in
// the campaign also holds k; and if the firms of the groups not offered (blank ones included)
// then number 1 to k−1, which the n of the views would give away by subtraction, the smallest
// offered group is withdrawn too.
//
// The rule, applied per question (and per score, its ten histogram bands as columns and n as
// total) to all published cells at once; a cell of a view is identified by what it fixes (size
// band, sector, prefecture) and its column, so that the "all" row of sector X's view and row X of
// the whole view's sector split, or row p of sector X's view and row X of prefecture p's view,
// are one cell with one fate:
//
//  1. Primary: a cell of 1 to k−1 firms is hidden; a row whose total is below k is hidden whole.
//  2. Lines: where a total is shown, the parts of it that are not shown (hidden cells and
//     unpublished margins, such as a sector not offered) must hold 0 or at least k firms
//     together; else the smallest shown non-zero part is hidden. The lines are a row against its
//     total, and each column of a split against its row in the coarser table: the whole view's
//     rows against its "all" row, a sector view's size-band rows against the whole view's
//     size-band rows over all sectors, and so on. Since a shown part holds 0 or k firms, this
//     also makes every derived "whole minus filtered" cell, and every sum of parts one can
//     subtract from a total, 0 or at least k.
//  3. Witnesses: every hidden cell, and every unpublished group (a margin of a sector or
//     prefecture not offered, an atom) of 1 to k−1 firms, must have a witness: a change of the
//     atoms by ±1 on the corners of a box (per axis, either two groups with opposite signs, so
//     that the sum over the axis stays, or one group) that leaves every shown cell and every
//     published n as it is, keeps every count within its bounds (non-negative; a multiple-choice
//     column within its answered firms), and changes the cell. The box's other cells are hidden
//     with it; that is the complementary suppression. Of the candidate boxes the one that hides
//     the fewest further cells is taken.
//
// Rules 2 and 3 are repeated until nothing changes. A witness proves the cell cannot be
// recovered: it is another table, as plausible as the true one, that agrees with everything
// published. No combination of shown cells, however many views and relations it uses (row and
// column totals, whole = filtered + complement, the sector views adding up to the whole view),
// can then compute it. This is stricter than closing each relation on its own (a hidden cell with
// a partner in its row and column can still be the only unknown of a sum of relations, and a
// pair hidden in one sector view must be matched in another sector or in a group not offered);
// the difference is paid in more hidden cells. The means and quartiles of a shown distribution
// are not in the model: a distribution shows them with its n, as an Aggregator does.
//
// A Views is not safe for concurrent use.
type Views struct {
	layout
	groups [numAxes]map[string]int // per axis: group name → number, in order of first appearance
	names  [numAxes][]string
	atomOf map[[numAxes]string]int
	atomAt [][numAxes]int // per atom: its group on each axis
	cells  [][]int        // per atom: the counts, laid out by offset and hist
	firms  []int          // per atom: the rows folded
	offset []int          // per question: where its columns start in cells; answered firms follow
	hist   int            // where the score histograms start in cells (101 bins per metric)
	stride int
	n      int
	cached *joint
}

// NewViews returns empty views over def's choice and scale questions and scores.
func NewViews(def *questionnaire.Definition) *Views {
	v := &Views{layout: newLayout(def), atomOf: map[[numAxes]string]int{}}
	for ax := range numAxes {
		v.groups[ax] = map[string]int{}
	}
	for _, cols := range v.columns {
		v.offset = append(v.offset, v.stride)
		v.stride += len(cols) + 1
	}
	v.hist = v.stride
	v.stride += 101 * len(v.metrics)
	return v
}

// Add folds one submission into the whole view and into the views of its sector and of its
// prefecture: it counts into the row's atom, of which each view is a sum.
func (v *Views) Add(r Row) {
	a := v.atom(r)
	v.n++
	v.firms[a]++
	c := v.cells[a]
	var hits [16]int
	for qi, q := range v.questions {
		val, ok := r.Answers[q.ID]
		if !ok || val == nil {
			continue
		}
		hit := v.hitColumns(qi, val, hits[:0])
		if len(hit) == 0 {
			continue
		}
		off := v.offset[qi]
		for _, h := range hit {
			c[off+h]++
		}
		c[off+len(v.columns[qi])]++
	}
	for m := range v.metrics {
		if bin, ok := v.scoreBin(r, m); ok {
			c[v.hist+101*m+bin]++
		}
	}
}

// atom returns the number of the row's atom, adding the atom and its groups when new.
func (v *Views) atom(r Row) int {
	names := [numAxes]string{r.Band, r.Sector, r.Prefecture}
	if a, ok := v.atomOf[names]; ok {
		return a
	}
	var g [numAxes]int
	for ax, name := range names {
		i, ok := v.groups[ax][name]
		if !ok {
			i = len(v.names[ax])
			v.groups[ax][name] = i
			v.names[ax] = append(v.names[ax], name)
		}
		g[ax] = i
	}
	a := len(v.atomAt)
	v.atomOf[names] = a
	v.atomAt = append(v.atomAt, g)
	v.cells = append(v.cells, make([]int, v.stride))
	v.firms = append(v.firms, 0)
	return a
}

// N returns the number of rows folded.
func (v *Views) N() int { return v.n }

// Filters returns the filtered views that may be offered with cell size k, sorted by dimension
// and group.
func (v *Views) Filters(k int) []Filter {
	k = cellK(k)
	var out []Filter
	for _, ax := range []int{axisSector, axisPref} {
		for g, ok := range v.offered(ax, k) {
			if ok {
				out = append(out, Filter{Dimension: axisDims[ax], Group: v.names[ax][g]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Filter) int {
		return cmp.Or(cmp.Compare(a.Dimension, b.Dimension), cmp.Compare(a.Group, b.Group))
	})
	return out
}

// offered says, per group of an axis, whether its view is offered. A view needs k firms and a
// complement of k firms; the firms of the groups not offered, which the views' n give away as
// the whole n less theirs, must number 0 or at least k, so when they do not the smallest
// offered group joins them (one is enough: it holds k firms).
func (v *Views) offered(ax, k int) []bool {
	firms := make([]int, len(v.names[ax]))
	for a, g := range v.atomAt {
		firms[g[ax]] += v.firms[a]
	}
	off := make([]bool, len(firms))
	rest, smallest := v.n, -1
	for g, n := range firms {
		if v.names[ax][g] == "" || n < k || v.n-n < k {
			continue
		}
		off[g] = true
		rest -= n
		if smallest < 0 || n < firms[smallest] || (n == firms[smallest] && v.names[ax][g] < v.names[ax][smallest]) {
			smallest = g
		}
	}
	if rest > 0 && rest < k && smallest >= 0 {
		off[smallest] = false
	}
	return off
}

// Result returns the tables of one view with cell size k: the whole campaign for the zero
// Filter, else the firms of one sector or prefecture, split by size band and by the other of
// the two. A filter Filters does not offer is ErrFilterTooSmall, with no numbers.
func (v *Views) Result(f Filter, k int) (Aggregate, error) {
	k = cellK(k)
	ax, g := -1, -1
	if f != (Filter{}) {
		ax = slices.Index(axisDims[:], f.Dimension)
		if ax == axisBand {
			ax = -1
		}
		i, ok := 0, false
		if ax >= 0 {
			i, ok = v.groups[ax][f.Group]
		}
		if !ok || !v.offered(ax, k)[i] {
			return Aggregate{}, ErrFilterTooSmall
		}
		g = i
	}
	if v.cached == nil || v.cached.k != k || v.cached.n != v.n {
		v.cached = v.suppressAll(k)
	}
	return v.view(v.cached, ax, g), nil
}

func cellK(k int) int {
	if k < 1 {
		return DefaultCellK
	}
	return k
}

// joint is the suppression of all views offered with one k, for the rows folded so far.
type joint struct {
	k, n   int
	space  *keyspace
	hidden [][]bool // per question, then per metric: key × column (the total last)
}

// suppressAll decides, for every question and score, which cells of all the views offered are
// hidden.
func (v *Views) suppressAll(k int) *joint {
	sp := v.keyspace(k)
	j := &joint{k: k, n: v.n, space: sp}
	for qi, cols := range v.columns {
		c := newCube(sp, len(cols)+1, v.questions[qi].Type != questionnaire.TypeMulti)
		off := v.offset[qi]
		c.fill(func(a int, vals []int) { copy(vals, v.cells[a][off:off+len(vals)]) })
		j.hidden = append(j.hidden, c.suppress())
	}
	for m := range v.metrics {
		c := newCube(sp, 11, true) // ten bands and n
		off := v.hist + 101*m
		c.fill(func(a int, vals []int) {
			for bin, n := range v.cells[a][off : off+101] {
				vals[min(bin/10, 9)] += n
				vals[10] += n
			}
		})
		j.hidden = append(j.hidden, c.suppress())
	}
	return j
}

// Kinds of key. A key fixes each axis to one group or sums over it; a cell is a key and a column.
const (
	virtual   uint8 = iota // not published: an atom, or a margin of a group not offered or blank
	published              // a row of a view
	empty                  // a row a view would have but lists not, having no firm: known zeros
)

// keyspace numbers the keys of the cube (the index of a summed axis is -1) and says which are
// published, given the views offered.
type keyspace struct {
	k       int
	size    [numAxes]int
	stride  [numAxes]int
	keys    int
	coord   [][numAxes]int // per key
	firms   []int          // per key
	kind    []uint8        // per key
	pinned  []bool         // per key: its firms are published as the n of a view
	up      [][8]int       // per atom: the keys that sum it (bit ax of the index: axis ax summed)
	order   [numAxes][]int // per axis: the groups, unpublished first, then by firms
	offered [numAxes][]bool
}

func (v *Views) keyspace(k int) *keyspace {
	s := &keyspace{k: k}
	for ax := range numAxes {
		s.size[ax] = len(v.names[ax])
	}
	s.stride[axisPref] = 1
	s.stride[axisSector] = s.size[axisPref] + 1
	s.stride[axisBand] = s.stride[axisSector] * (s.size[axisSector] + 1)
	s.keys = s.stride[axisBand] * (s.size[axisBand] + 1)
	s.coord = make([][numAxes]int, s.keys)
	for key := range s.keys {
		for ax := range numAxes {
			s.coord[key][ax] = key/s.stride[ax]%(s.size[ax]+1) - 1
		}
	}
	s.firms = make([]int, s.keys)
	s.up = make([][8]int, len(v.atomAt))
	for a, g := range v.atomAt {
		for m := range 8 {
			var c [numAxes]int
			for ax := range numAxes {
				c[ax] = g[ax]
				if m>>ax&1 == 1 {
					c[ax] = -1
				}
			}
			s.up[a][m] = s.key(c)
			s.firms[s.up[a][m]] += v.firms[a]
		}
	}
	s.offered[axisBand] = make([]bool, s.size[axisBand])
	s.offered[axisSector], s.offered[axisPref] = v.offered(axisSector, k), v.offered(axisPref, k)
	s.classify(v)
	return s
}

func (s *keyspace) key(c [numAxes]int) int {
	key := 0
	for ax := range numAxes {
		key += (c[ax] + 1) * s.stride[ax]
	}
	return key
}

// classify sets the kind of each key, the keys whose firms are published, and the order in
// which groups are tried as the corners of a witness.
func (s *keyspace) classify(v *Views) {
	s.kind, s.pinned = make([]uint8, s.keys), make([]bool, s.keys)
	for key, c := range s.coord {
		fixed, blank := 0, false
		for ax, g := range c {
			if g >= 0 {
				fixed++
				blank = blank || v.names[ax][g] == ""
			}
		}
		off := func(ax int) bool { return c[ax] >= 0 && s.offered[ax][c[ax]] }
		pub := !blank && (fixed <= 1 || (fixed == 2 && (off(axisSector) || off(axisPref))))
		switch {
		case pub && s.firms[key] == 0:
			s.kind[key] = empty
		case pub:
			s.kind[key] = published
		}
		s.pinned[key] = fixed == 0 || (fixed == 1 && (off(axisSector) || off(axisPref)))
	}
	for ax := range numAxes {
		firms := make([]int, s.size[ax])
		for g := range firms {
			var c [numAxes]int
			for i := range c {
				c[i] = -1
			}
			c[ax] = g
			firms[g] = s.firms[s.key(c)]
		}
		unpublished := func(g int) bool { return v.names[ax][g] == "" || (ax != axisBand && !s.offered[ax][g]) }
		s.order[ax] = make([]int, s.size[ax])
		for g := range s.order[ax] {
			s.order[ax][g] = g
		}
		slices.SortStableFunc(s.order[ax], func(a, b int) int {
			if ua, ub := unpublished(a), unpublished(b); ua != ub {
				if ua {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(firms[a], firms[b]), cmp.Compare(v.names[ax][a], v.names[ax][b]))
		})
	}
}

// cube is one question (or score) over the key space: per key, its counts per column, the total
// (answered firms, or n) last.
type cube struct {
	sp        *keyspace
	ncol      int
	exclusive bool // a firm counts in one column: the columns add up to the total
	val       []int
	hid       []bool // published cells hidden
	wit       []bool // cells a witness protects
	trace     []int
}

func newCube(sp *keyspace, ncol int, exclusive bool) *cube {
	n := sp.keys * ncol
	return &cube{sp: sp, ncol: ncol, exclusive: exclusive, val: make([]int, n), hid: make([]bool, n), wit: make([]bool, n)}
}

// fill sums the atoms' counts, which count sets in vals, into every key.
func (c *cube) fill(count func(a int, vals []int)) {
	vals := make([]int, c.ncol)
	for a, up := range c.sp.up {
		clear(vals)
		count(a, vals)
		for _, key := range up {
			row := c.val[key*c.ncol : (key+1)*c.ncol]
			for i, n := range vals {
				row[i] += n
			}
		}
	}
}

func (c *cube) total() int { return c.ncol - 1 }

// pinned says whether cell i is known from a published n (the total of a view's "all" row
// when every firm of the view answered): such a cell is shown and no witness may change it.
func (c *cube) pinned(i int) bool {
	key := i / c.ncol
	return i%c.ncol == c.total() && c.sp.pinned[key] && c.val[i] == c.sp.firms[key] && c.val[i] >= c.sp.k
}

// shown says whether cell i is known to a reader: shown, or a zero of a row not listed.
func (c *cube) shown(i int) bool {
	switch c.sp.kind[i/c.ncol] {
	case published:
		return !c.hid[i]
	case empty:
		return true
	}
	return false
}

// suppress applies the rule (see Views) and returns the hidden cells.
func (c *cube) suppress() []bool {
	c.primary()
	for {
		c.protectAll()
		if os.Getenv("NOLINES") != "" || !c.lines() {
			return c.hid
		}
	}
}

// primary hides the cells of 1 to k−1 firms and the rows whose total is below k.
func (c *cube) primary() {
	k := c.sp.k
	for key, kind := range c.sp.kind {
		if kind != published {
			continue
		}
		row := key * c.ncol
		whole := c.val[row+c.total()] < k
		for i := row; i < row+c.ncol; i++ {
			if whole || (c.val[i] > 0 && c.val[i] < k) {
				c.hid[i] = true
			}
		}
	}
}

// protectAll gives a witness to every hidden cell and every unpublished group of 1 to k−1
// firms that has none.
func (c *cube) protectAll() {
	for i := range c.val {
		if c.wit[i] {
			continue
		}
		switch c.sp.kind[i/c.ncol] {
		case published:
			if c.hid[i] {
				c.protect(i)
			}
		case virtual:
			if os.Getenv("NOVIRT") == "" && c.val[i] > 0 && c.val[i] < c.sp.k {
				c.protect(i)
			}
		}
	}
}

// lines applies rule 2 to every line and, when the columns add up, every row; it reports
// whether it hid anything.
func (c *cube) lines() bool {
	changed := false
	var parts []int
	for key, co := range c.sp.coord {
		fixed := 0
		for _, g := range co {
			if g >= 0 {
				fixed++
			}
		}
		if c.exclusive && c.sp.kind[key] == published {
			parts = parts[:0]
			for col := range c.total() {
				parts = append(parts, key*c.ncol+col)
			}
			changed = c.line(key*c.ncol+c.total(), parts) || changed
		}
		if fixed > 1 {
			continue // its parts are atoms, never published
		}
		for ax, g := range co {
			if g >= 0 {
				continue
			}
			for col := range c.ncol {
				parts = parts[:0]
				for x := range c.sp.size[ax] {
					parts = append(parts, (key+(x+1)*c.sp.stride[ax])*c.ncol+col)
				}
				changed = c.line(key*c.ncol+col, parts) || changed
			}
		}
	}
	return changed
}

// line applies rule 2 to a shown total and its parts: the parts not shown must hold 0 or at
// least k firms together, else the smallest shown non-zero part is hidden (or, failing one,
// the total). It reports whether it hid anything.
func (c *cube) line(total int, parts []int) bool {
	if !c.shown(total) {
		return false
	}
	rest, best := c.val[total], -1
	for _, p := range parts {
		if !c.shown(p) {
			continue
		}
		rest -= c.val[p]
		if c.sp.kind[p/c.ncol] == published && c.val[p] > 0 && !c.pinned(p) && (best < 0 || c.val[p] < c.val[best]) {
			best = p
		}
	}
	if rest <= 0 || rest >= c.sp.k {
		return false
	}
	if best < 0 && c.sp.kind[total/c.ncol] == published && !c.pinned(total) {
		best = total
	}
	if best < 0 {
		return false
	}
	if co := c.sp.coord[best/c.ncol]; os.Getenv("TRACE") != "" && c.ncol == 3 && co[0] < 0 && co[1] < 0 && co[2] >= 0 {
		fmt.Printf("line hides %v col %d val %d; total %v col %d\n", co, best%c.ncol, c.val[best], c.sp.coord[total/c.ncol], total%c.ncol)
	}
	c.hid[best] = true
	return true
}

// option is one axis of a box: corner a, and b, the opposite corner of a difference (+1 at a,
// −1 at b: the sum over the axis stays), or -1 for a point (+1 at a: the sum changes).
type option struct{ a, b int }

// box is a candidate witness: an option per axis, then one for the columns (a difference moves
// a firm's answer from one column to another, a point changes the total).
type box [numAxes + 1]option

const colAxis = numAxes

// shortlist is how many groups (or columns) per axis a first search tries; a second tries all.
const shortlist = 6

// verdict is what a box would cost: ok when it changes no known cell; feasible when, added to
// the table once in one direction or the other, it keeps every published cell it changes within
// bounds, and strict when it keeps the unpublished margins and the atoms within bounds too;
// cost and sum: the number and total of the shown cells it would hide.
type verdict struct {
	ok, feasible, strict bool
	cost, sum            int
}

// better ranks verdicts: a box must change no known cell; for a cell of firms it should keep the
// published cells within bounds (else non-negativity could pin the cell, as with a partner row of
// zeros; a zero needs no such care, for showing it identifies nobody); then hide as little as
// possible, and keep everything within bounds where that costs nothing more.
func (v verdict) better(w verdict, zero bool) bool {
	switch {
	case v.ok != w.ok:
		return v.ok
	case !zero && v.feasible != w.feasible:
		return v.feasible
	case v.cost != w.cost:
		return v.cost < w.cost
	case zero && v.feasible != w.feasible:
		return v.feasible
	case v.strict != w.strict:
		return v.strict
	}
	return v.sum < w.sum
}

// protect finds the cheapest witness of cell i and hides the shown cells it changes.
func (c *cube) protect(i int) {
	key, col := i/c.ncol, i%c.ncol
	zero := c.val[i] == 0
	c.trace = []int{col, c.val[i], int(c.sp.kind[key])}
	c.trace = append(c.trace, c.sp.coord[key][:]...)
	var best box
	var bestV verdict
	for _, limit := range [...]int{shortlist, 0} {
		var opts [numAxes + 1][]option
		for ax := range numAxes {
			opts[ax] = c.sp.options(ax, c.sp.coord[key][ax], limit)
		}
		opts[colAxis] = c.columnOptions(key, col, limit)
		if bx, v := c.search(&opts, zero); v.better(bestV, zero) {
			best, bestV = bx, v
		}
		if bestV.strict || (bestV.cost == 0 && (zero || bestV.feasible)) {
			break
		}
	}
	if !bestV.ok {
		// Every box changes a listed row's zero or a published n: nothing hidden would help.
		c.wit[i] = true
		return
	}
	c.apply(&best)
}

// options lists an axis's options for a cell that fixes it to group x (x ≥ 0: the point x, then
// differences from x) or sums over it (points), at most limit of them (0: all).
func (s *keyspace) options(ax, x, limit int) []option {
	var opts []option
	if x >= 0 {
		opts = append(opts, option{x, -1})
	}
	for _, g := range s.order[ax] {
		if limit > 0 && len(opts) >= limit {
			break
		}
		switch {
		case x < 0:
			opts = append(opts, option{g, -1})
		case g != x:
			opts = append(opts, option{x, g})
		}
	}
	return opts
}

// columnOptions lists the column options for a witness of column col of key: the column itself
// for independent columns; else a point (for a total, each column) and differences, the
// smallest other columns first.
func (c *cube) columnOptions(key, col, limit int) []option {
	if !c.exclusive {
		return []option{{col, -1}}
	}
	others := make([]int, 0, c.total())
	for j := range c.total() {
		if j != col {
			others = append(others, j)
		}
	}
	row := c.val[key*c.ncol:]
	slices.SortStableFunc(others, func(a, b int) int { return cmp.Compare(row[a], row[b]) })
	var opts []option
	if col != c.total() {
		opts = append(opts, option{col, -1})
	}
	for _, j := range others {
		if limit > 0 && len(opts) >= limit {
			break
		}
		if col == c.total() {
			opts = append(opts, option{j, -1})
		} else {
			opts = append(opts, option{col, j})
		}
	}
	return opts
}

// search returns the best box of the options, stopping at one that is feasible and free.
func (c *cube) search(opts *[numAxes + 1][]option, zero bool) (box, verdict) {
	var bx, best box
	var bestV verdict
	for _, ob := range opts[axisBand] {
		bx[axisBand] = ob
		for _, os := range opts[axisSector] {
			bx[axisSector] = os
			for _, op := range opts[axisPref] {
				bx[axisPref] = op
				for _, oc := range opts[colAxis] {
					bx[colAxis] = oc
					if v := c.evaluate(&bx); v.better(bestV, zero) {
						best, bestV = bx, v
						if v.strict && v.cost == 0 {
							return best, bestV
						}
					}
				}
			}
		}
	}
	return best, bestV
}

// corner returns the key of corner m of a box (bit ax of m: the second value on axis ax),
// whether it is an atom, and the sign of the change there.
func (c *cube) corner(bx *box, m int) (key int, atom bool, sign int) {
	atom, sign = true, 1
	for ax := range numAxes {
		g := bx[ax].a
		if m>>ax&1 == 1 {
			if g = bx[ax].b; g < 0 {
				atom = false
			} else {
				sign = -sign
			}
		}
		key += (g + 1) * c.sp.stride[ax]
	}
	return key, atom, sign
}

// columns returns the columns a box changes: its first, and the second (the total, for a point
// among columns that add up) or -1.
func (c *cube) columns(bx *box) [2]int {
	o := bx[colAxis]
	switch {
	case !c.exclusive:
		return [2]int{o.a, -1}
	case o.b < 0:
		return [2]int{o.a, c.total()}
	}
	return [2]int{o.a, o.b}
}

// evaluate says what a box would cost.
func (c *cube) evaluate(bx *box) verdict {
	var v verdict
	cols := c.columns(bx)
	for m := range 8 {
		key, _, _ := c.corner(bx, m)
		switch c.sp.kind[key] {
		case virtual:
			continue
		case empty:
			return verdict{}
		}
		for _, col := range cols {
			if col < 0 {
				continue
			}
			i := key*c.ncol + col
			if c.pinned(i) {
				return verdict{}
			}
			if !c.hid[i] {
				v.cost++
				v.sum += c.val[i]
			}
		}
	}
	v.ok = true
	v.feasible = c.feasible(bx, 1, false) || c.feasible(bx, -1, false)
	v.strict = v.feasible && (c.feasible(bx, 1, true) || c.feasible(bx, -1, true))
	return v
}

// feasible says whether adding dir times the box keeps within bounds every published cell it
// changes, or (strict) every cell and atom.
func (c *cube) feasible(bx *box, dir int, strict bool) bool {
	o := bx[colAxis]
	for m := range 8 {
		key, _, sign := c.corner(bx, m)
		if !strict && c.sp.kind[key] != published {
			continue
		}
		up := sign*dir > 0
		if !c.movable(key, o.a, up, o.b < 0) {
			return false
		}
		if c.exclusive && o.b >= 0 && !c.movable(key, o.b, !up, false) {
			return false
		}
	}
	return true
}

// movable says whether the count of an atom's column can go up (or down) by one: not below
// zero; a multiple-choice column not above the atom's answered firms; a total not above its
// firms (point: the total changes), nor, for multiple choice, outside what the column counts
// allow.
func (c *cube) movable(key, col int, up, point bool) bool {
	row := c.val[key*c.ncol : (key+1)*c.ncol]
	t := c.total()
	switch {
	case c.exclusive && up:
		return !point || row[t] < c.sp.firms[key]
	case c.exclusive || col < t:
		if up {
			return row[col] < row[t]
		}
		return row[col] > 0
	}
	most, sum := 0, 0
	for _, n := range row[:t] {
		most, sum = max(most, n), sum+n
	}
	if up {
		return row[t] < c.sp.firms[key] && row[t] < sum
	}
	return row[t] > 0 && row[t] > most
}

// apply hides the shown cells a box changes and records that it protects all of them.
func (c *cube) apply(bx *box) {
	cols := c.columns(bx)
	for m := range 8 {
		key, _, _ := c.corner(bx, m)
		kind := c.sp.kind[key]
		for _, col := range cols {
			if col < 0 {
				continue
			}
			i := key*c.ncol + col
			if kind == published {
				if co := c.sp.coord[key]; os.Getenv("TRACE") != "" && c.ncol == 3 && co[0] < 0 && co[1] < 0 && co[2] >= 0 && !c.hid[i] {
					fmt.Printf("apply %+v hides %v col %d (val %d); target %v\n", *bx, co, col, c.val[i], c.trace)
				}
				c.hid[i] = true
			}
			c.wit[i] = true
		}
	}
}

// viewSplit is one split of a view: its rows' groups and keys.
type viewSplit struct {
	dim   string
	names []string
	keys  []int
}

// view assembles the tables of the whole view (ax < 0) or of the view of group g of axis ax.
func (v *Views) view(j *joint, ax, g int) Aggregate {
	sp := j.space
	base := [numAxes]int{-1, -1, -1}
	if ax >= 0 {
		base[ax] = g
	}
	splitAxes := []int{-1}
	for sa := range numAxes {
		if sa != ax {
			splitAxes = append(splitAxes, sa)
		}
	}
	sums, n := map[int][]int{}, 0
	var present [numAxes]map[int]bool
	for sa := range numAxes {
		present[sa] = map[int]bool{}
	}
	for a, at := range v.atomAt {
		if ax >= 0 && at[ax] != g {
			continue
		}
		n += v.firms[a]
		for _, sa := range splitAxes {
			c := base
			if sa >= 0 {
				if v.names[sa][at[sa]] == "" {
					continue
				}
				c[sa] = at[sa]
				present[sa][at[sa]] = true
			}
			s := sums[sp.key(c)]
			if s == nil {
				s = make([]int, v.stride)
				sums[sp.key(c)] = s
			}
			for i, x := range v.cells[a] {
				s[i] += x
			}
		}
	}
	var splits []viewSplit
	for _, sa := range splitAxes {
		splits = append(splits, v.split(sp, base, sa, present, n))
	}
	agg := Aggregate{N: n, K: j.k, Questions: []QuestionTable{}, Scores: []ScoreTable{}}
	for qi := range v.questions {
		agg.Questions = append(agg.Questions, v.questionView(j, qi, splits, sums))
	}
	for m := range v.metrics {
		agg.Scores = append(agg.Scores, v.scoreView(j, m, splits, sums))
	}
	return agg
}

// split lists the rows of a view's split by axis sa (-1: the "all" row), sorted by group.
func (v *Views) split(sp *keyspace, base [numAxes]int, sa int, present [numAxes]map[int]bool, n int) viewSplit {
	if sa < 0 {
		s := viewSplit{dim: DimAll}
		if n > 0 {
			s.names, s.keys = []string{DimAll}, []int{sp.key(base)}
		}
		return s
	}
	s := viewSplit{dim: axisDims[sa]}
	groups := make([]int, 0, len(present[sa]))
	for g := range present[sa] {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b int) int { return cmp.Compare(v.names[sa][a], v.names[sa][b]) })
	for _, g := range groups {
		c := base
		c[sa] = g
		s.names, s.keys = append(s.names, v.names[sa][g]), append(s.keys, sp.key(c))
	}
	return s
}

// questionView returns question qi's table in a view, hidden cells nil.
func (v *Views) questionView(j *joint, qi int, splits []viewSplit, sums map[int][]int) QuestionTable {
	q, cols := v.questions[qi], v.columns[qi]
	w, off := len(cols), v.offset[qi]
	t := QuestionTable{Question: q.ID, Type: q.Type, Columns: cols}
	for _, s := range splits {
		sp := Split{Dimension: s.dim, Rows: []GroupRow{}}
		for i, key := range s.keys {
			counts := sums[key][off : off+w+1]
			hid := j.hidden[qi][key*(w+1) : (key+1)*(w+1)]
			sp.Rows = append(sp.Rows, groupRow(s.names[i], counts[:w], counts[w], rowMask{totalHidden: hid[w], hidden: hid[:w]}, w))
		}
		t.Splits = append(t.Splits, sp)
	}
	return t
}

// scoreView returns metric m's distributions in a view; a hidden n hides the distribution.
func (v *Views) scoreView(j *joint, m int, splits []viewSplit, sums map[int][]int) ScoreTable {
	st := ScoreTable{Metric: v.metricName(m)}
	hidden := j.hidden[len(v.questions)+m]
	for _, s := range splits {
		sp := ScoreSplit{Dimension: s.dim, Rows: []Distribution{}}
		for i, key := range s.keys {
			d := Distribution{Group: s.names[i]}
			hid := hidden[key*11 : (key+1)*11]
			if hid[10] {
				d.Suppressed = true
			} else if bands := d.summarise((*[101]int)(sums[key][v.hist+101*m:])); bands != nil {
				d.setHistogram(bands, hid[:10])
			}
			sp.Rows = append(sp.Rows, d)
		}
		st.Splits = append(st.Splits, sp)
	}
	return st
}
