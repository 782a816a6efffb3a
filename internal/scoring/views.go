package scoring

import (
	"cmp"
	"errors"
	"slices"

	"github.com/esready/esready/internal/questionnaire"
)

// Filter selects the firms of one group of one dimension (DimSector or DimPrefecture); the zero
// Filter is the whole campaign.
type Filter struct{ Dimension, Group string }

// ErrFilterTooSmall is returned for a filtered view that is not offered: the view or its
// complement within the campaign has fewer than k firms, or the firms of the groups not offered
// would then number 1 to k−1 (or the filter is not by a sector or prefecture met).
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

// Views serves a campaign's tables, whole and filtered by one sector or one prefecture, with
// one suppression pattern for the whole view and every filtered view offered: no combination of
// them gives away a count of 1 to k−1 firms or a hidden cell. Publish the whole view from Views
// (Result with the zero Filter), not from an Aggregator: it hides more.
//
// Views counts per atom, per size band × sector × prefecture: the answers in each column and
// the score histograms. Every cell of every view is a sum of atoms, so memory depends on the
// groups met, never on the number of rows. A cell is known by what it fixes (size band, sector,
// prefecture) and its column: the "all" row of sector X's view and row X of the whole view's
// sector split are one cell, as are row p of sector X's view and row X of prefecture p's view.
//
// Filters offers a sector or prefecture with at least k firms whose complement also holds k;
// when the firms of the groups not offered (blank ones included), which the views' n give away
// as the whole n less theirs, number 1 to k−1, the smallest offered group is withdrawn too.
//
// The rule, per question (and per score: ten histogram bands and n), over the cells of all the
// views offered together:
//
//  1. Primary: a cell of 1 to k−1 firms is hidden; so is a row whose total is below k, whole.
//  2. Lines: where a total is shown, its parts that are not shown (hidden cells, and the
//     unpublished margins of groups not offered or blank) hold 0 or at least k firms together,
//     else the smallest shown non-zero part is hidden. A line is a row against its total, or the
//     groups of one dimension against the cell they add up to: the whole view's rows against its
//     "all" row, the sector views' size-band rows against the whole view's, and so on. As shown
//     parts hold 0 or k firms, a total less any shown parts ("whole minus filtered" among them)
//     then holds 0 or at least k.
//  3. Witnesses: every hidden cell, and every unpublished group of 1 to k−1 firms (a margin of a
//     group not offered, an atom), has a witness: a change of the atoms by ±1 on the corners of a
//     box (per axis, and for the columns, either two groups of opposite sign, which keeps the sum
//     over the axis, or one group) that changes the cell and leaves every shown cell and every
//     published n as it is. The box's other cells are hidden with it: that is the complementary
//     suppression. For a cell of firms the box must also keep, in one direction, every margin it
//     changes within the bounds a reader can apply: an unpublished margin not below zero; a
//     published cell also, through the cells shown with it, a multiple-choice column within its
//     answered firms and answered firms within a view's n. Non-negativity then cannot pin the
//     cell, as a row of zeros beside it would; a zero needs no such care, showing it identifies
//     nobody. Of the boxes that qualify, the one hiding the fewest further cells is taken.
//
// Rules 2 and 3 repeat until nothing changes. A witness is another table that agrees with
// everything published and differs in the cell, so no combination of shown cells, through any
// number of views and relations (row and column totals, whole = filtered + complement, the
// sector views adding up to the whole view), computes it. This is stricter than closing each
// relation on its own, the rule an Aggregator applies: there, a cell with a hidden partner in its
// row and in its column can still be the one unknown of a sum of relations, and a pair hidden in
// one sector's view is not matched in another sector's; the price is more hidden cells. Not
// covered: a witness moves a cell by one firm, so a reader may bound a hidden cell without fixing
// it; sums of hidden cells are held to 0 or k within one line only; the atoms are kept
// non-negative only where that costs nothing; and a shown distribution shows its mean and
// quartiles, as an Aggregator's does.
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
// prefecture: it counts into the row's atom, of which each view is a sum. A row with codes that
// CheckCodes refuses counts in n and the scores, but none of its answers.
func (v *Views) Add(r Row) {
	a := v.atom(r)
	v.n++
	v.firms[a]++
	c := v.cells[a]
	r = v.foldable(r)
	var hits [16]int
	for qi := range v.questions {
		hit := v.rowHits(r, qi, hits[:0])
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
		var ok bool
		if ax, g, ok = v.filter(f); !ok || !v.offered(ax, k)[g] {
			return Aggregate{}, ErrFilterTooSmall
		}
	}
	if v.cached == nil || v.cached.k != k || v.cached.n != v.n {
		v.cached = v.suppressAll(k)
	}
	return v.view(v.cached, ax, g), nil
}

// filter returns the axis and group a filter selects; false when there is no such group of a
// sector or prefecture.
func (v *Views) filter(f Filter) (ax, g int, ok bool) {
	ax = slices.Index(axisDims[:], f.Dimension)
	if ax != axisSector && ax != axisPref {
		return 0, 0, false
	}
	g, ok = v.groups[ax][f.Group]
	return ax, g, ok
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
		s.order[ax] = s.orderGroups(v, ax)
	}
}

// orderGroups returns an axis's groups in the order a witness tries them: the unpublished
// (blank, or not offered) first, for their margins are free to change; then the smallest.
func (s *keyspace) orderGroups(v *Views, ax int) []int {
	firms := make([]int, s.size[ax])
	for g := range firms {
		c := [numAxes]int{-1, -1, -1}
		c[ax] = g
		firms[g] = s.firms[s.key(c)]
	}
	unpublished := func(g int) bool { return v.names[ax][g] == "" || (ax != axisBand && !s.offered[ax][g]) }
	order := make([]int, s.size[ax])
	for g := range order {
		order[g] = g
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if ua, ub := unpublished(a), unpublished(b); ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(firms[a], firms[b]), cmp.Compare(v.names[ax][a], v.names[ax][b]))
	})
	return order
}

// cube is one question (or score) over the key space: per key, its counts per column, the total
// (answered firms, or n) last.
type cube struct {
	sp        *keyspace
	ncol      int
	exclusive bool // a firm counts in one column: the columns add up to the total
	val       []int
	hid       []bool                // published cells hidden
	wit       []bool                // cells a witness protects
	opts      [numAxes + 1][]option // scratch for protect
	others    []int                 // scratch for columnOptions
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
		if !c.lines() {
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
			if c.val[i] > 0 && c.val[i] < c.sp.k {
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
// the table once in one direction or the other, it keeps every margin it changes within the
// bounds a reader can apply, and strict when it keeps the atoms within theirs too; cost and sum:
// the number and total of the shown cells it would hide.
type verdict struct {
	ok, feasible, strict bool
	cost, sum            int
}

// better ranks verdicts: a box must change no known cell; for a cell of firms it should keep the
// margins within bounds (else non-negativity could pin the cell, as with a partner row of zeros;
// a zero needs no such care, for showing it identifies nobody); then hide as little as possible,
// and keep the atoms within bounds where that costs nothing more.
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
	var best box
	var bestV verdict
	for _, limit := range [...]int{shortlist, 0} {
		for ax := range numAxes {
			c.opts[ax] = c.sp.options(c.opts[ax][:0], ax, c.sp.coord[key][ax], limit)
		}
		c.opts[colAxis] = c.columnOptions(c.opts[colAxis][:0], key, col, limit)
		if bx, v := c.search(&c.opts, zero); v.better(bestV, zero) {
			best, bestV = bx, v
		}
		if bestV.ok && (zero || bestV.feasible) {
			break // the second pass is for when the shortlist has no box in bounds
		}
	}
	if !bestV.ok {
		// Every box changes a listed row's zero or a published n: nothing hidden would help.
		c.wit[i] = true
		return
	}
	c.apply(&best)
}

// options appends to opts an axis's options for a cell that fixes it to group x (x ≥ 0: the
// point x, then differences from x) or sums over it (points), at most limit of them (0: all).
func (s *keyspace) options(opts []option, ax, x, limit int) []option {
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

// columnOptions appends to opts the column options for a witness of column col of key: the
// column itself for independent columns; else a point (for a total, each column) and
// differences, the smallest other columns first.
func (c *cube) columnOptions(opts []option, key, col, limit int) []option {
	if !c.exclusive {
		return append(opts, option{col, -1})
	}
	others := c.others[:0]
	for j := range c.total() {
		if j != col {
			others = append(others, j)
		}
	}
	c.others = others
	row := c.val[key*c.ncol:]
	slices.SortStableFunc(others, func(a, b int) int { return cmp.Compare(row[a], row[b]) })
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

// search returns the best box of the options, stopping at the first that is free (and, for a
// cell of firms, feasible).
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
					if v := c.evaluate(&bx, bestV, zero); v.better(bestV, zero) {
						best, bestV = bx, v
						if v.cost == 0 && (zero || v.feasible) {
							return best, bestV
						}
					}
				}
			}
		}
	}
	return best, bestV
}

// corner is a corner of a box: its key, whether it is an atom, and the sign of the change there.
type corner struct {
	key, sign int
	atom      bool
}

// corners returns the corners of a box; bit ax of a corner's index says it takes the second
// value on axis ax (for a point, the sum over the axis).
func (c *cube) corners(bx *box) [8]corner {
	var cs [8]corner
	for m := range cs {
		cs[m] = corner{sign: 1, atom: true}
		for ax := range numAxes {
			g := bx[ax].a
			if m>>ax&1 == 1 {
				if g = bx[ax].b; g < 0 {
					cs[m].atom = false
				} else {
					cs[m].sign = -cs[m].sign
				}
			}
			cs[m].key += (g + 1) * c.sp.stride[ax]
		}
	}
	return cs
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

// evaluate says what a box would cost; it stops short when the box cannot beat bound.
func (c *cube) evaluate(bx *box, bound verdict, zero bool) verdict {
	var v verdict
	cols := c.columns(bx)
	cs := c.corners(bx)
	for _, cn := range cs {
		switch c.sp.kind[cn.key] {
		case virtual:
			continue
		case empty:
			return verdict{}
		}
		for _, col := range cols {
			if col < 0 {
				continue
			}
			i := cn.key*c.ncol + col
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
	if bound.ok && v.cost > bound.cost && (zero || bound.feasible) {
		return v // it cannot win: it hides more than a box already as good in bounds
	}
	v.feasible = c.feasible(bx, &cs, 1, false) || c.feasible(bx, &cs, -1, false)
	v.strict = v.feasible && (c.feasible(bx, &cs, 1, true) || c.feasible(bx, &cs, -1, true))
	return v
}

// feasible says whether adding dir times the box keeps within bounds every margin it changes
// (every key with an axis summed: the published cells and the unpublished margins a reader
// knows to be non-negative), or, strict, every atom too.
func (c *cube) feasible(bx *box, cs *[8]corner, dir int, strict bool) bool {
	o := bx[colAxis]
	for _, cn := range cs {
		if !strict && cn.atom {
			continue
		}
		up := cn.sign*dir > 0
		if !c.movable(cn.key, o.a, up, o.b < 0, strict) {
			return false
		}
		if c.exclusive && o.b >= 0 && !c.movable(cn.key, o.b, !up, false, strict) {
			return false
		}
	}
	return true
}

// movable says whether the count of a key's column can go up (or down) by one: not below zero;
// a multiple-choice column not above the key's answered firms, nor the answered firms below the
// largest column or above their sum; a total (point: the total changes with the column) not
// above the key's firms. Strict, these bounds are the atoms' own; else only those a reader can
// apply: through shown cells, and the firms published as a view's n.
func (c *cube) movable(key, col int, up, point, strict bool) bool {
	row := c.val[key*c.ncol : (key+1)*c.ncol]
	t := c.total()
	known := func(j int) bool { return strict || c.shown(key*c.ncol+j) }
	room := row[t] < c.sp.firms[key] || !(strict || c.sp.pinned[key])
	switch {
	case !up && (c.exclusive || col < t):
		return row[col] > 0
	case c.exclusive:
		return !point || room
	case col < t:
		return row[col] < row[t] || !known(t)
	}
	most, sum, all := 0, 0, true
	for j, n := range row[:t] {
		if known(j) {
			most = max(most, n)
		}
		sum, all = sum+n, all && known(j)
	}
	if up {
		return room && (row[t] < sum || !all)
	}
	return row[t] > 0 && row[t] > most
}

// apply hides the shown cells a box changes and records that it protects all of them.
func (c *cube) apply(bx *box) {
	cols := c.columns(bx)
	for _, cn := range c.corners(bx) {
		for _, col := range cols {
			if col < 0 {
				continue
			}
			i := cn.key*c.ncol + col
			if c.sp.kind[cn.key] == published {
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
	base := [numAxes]int{-1, -1, -1}
	splitAxes := []int{-1}
	if ax >= 0 {
		base[ax] = g
	}
	for sa := range numAxes {
		if sa != ax {
			splitAxes = append(splitAxes, sa)
		}
	}
	sums, present, n := v.sumRows(j.space, base, splitAxes)
	var splits []viewSplit
	for _, sa := range splitAxes {
		splits = append(splits, v.split(j.space, base, sa, present, n))
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

// sumRows sums the atoms of a view (those within base) into the rows of its splits, by key; it
// returns the sums, the groups present per split axis, and the view's firms.
func (v *Views) sumRows(sp *keyspace, base [numAxes]int, splitAxes []int) (map[int][]int, [numAxes]map[int]bool, int) {
	sums, n := map[int][]int{}, 0
	var present [numAxes]map[int]bool
	for sa := range numAxes {
		present[sa] = map[int]bool{}
	}
	for a, at := range v.atomAt {
		if !within(at, base) {
			continue
		}
		n += v.firms[a]
		for _, sa := range splitAxes {
			c := base
			if sa >= 0 {
				if v.names[sa][at[sa]] == "" {
					continue // a blank group has no row
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
	return sums, present, n
}

// within says whether an atom is in the group base fixes.
func within(at, base [numAxes]int) bool {
	for ax, g := range base {
		if g >= 0 && at[ax] != g {
			return false
		}
	}
	return true
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
