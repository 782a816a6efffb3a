package scoring

import (
	"math"
	"slices"
	"sort"

	"github.com/esready/esready/internal/questionnaire"
)

// DefaultCellK is the fewest firms an aggregate cell may show.
const DefaultCellK = 5

// Dimensions a campaign aggregate is split by. "all" is the whole set.
const (
	DimAll        = "all"
	DimSizeBand   = "size_band"
	DimSector     = "sector"
	DimPrefecture = "prefecture"
)

var dimensions = [...]string{DimAll, DimSizeBand, DimSector, DimPrefecture}

// Row is one submission as an aggregate reads it.
type Row struct {
	Band       string
	Sector     string
	Prefecture string
	Answers    questionnaire.Answers
	// Codes, when not empty, are the choice codes of the answers (EncodeChoices), counted in
	// their place: Answers is then not read.
	Codes   []byte
	Overall *float64
	Domains map[string]float64
}

// Aggregator folds submissions one at a time. Its memory depends on the questionnaire and the
// number of groups (bands, sectors, prefectures), never on the number of submissions: it keeps
// counts and 101-bin score histograms, not rows.
type Aggregator struct {
	layout
	n int
	// groups[dim] numbers each group of a dimension as it first appears.
	groups [len(dimensions)]map[string]int
	// counts[q][dim][group][column]; answered[q][dim][group].
	counts   [][len(dimensions)][][]int
	answered [][len(dimensions)][]int
	// scores[metric][dim][group] is a histogram of scores rounded to whole points.
	scores [][len(dimensions)][]*[101]int
}

// layout is what an aggregate counts: the columns of def's choice and scale questions, and the
// scores (overall, then each domain).
type layout struct {
	def       *questionnaire.Definition
	questions []*questionnaire.Question
	columns   [][]string       // per question: the answer values counted, in order
	colIndex  []map[string]int // per question: answer value → column
	metrics   []string         // metricOverall, then the domains in order
	multi     []bool           // per question: a multiple choice, whose code is a bitmask
	codeAt    []int            // per question: where its choice code starts; then their length
}

// NewAggregator returns an empty aggregate over def's choice and scale questions.
func NewAggregator(def *questionnaire.Definition) *Aggregator {
	g := &Aggregator{layout: newLayout(def)}
	for d := range dimensions {
		g.groups[d] = map[string]int{}
	}
	g.counts = make([][len(dimensions)][][]int, len(g.questions))
	g.answered = make([][len(dimensions)][]int, len(g.questions))
	g.scores = make([][len(dimensions)][]*[101]int, len(g.metrics))
	return g
}

func newLayout(def *questionnaire.Definition) layout {
	g := layout{def: def, metrics: []string{metricOverall}}
	for _, q := range def.Questions() {
		var cols []string
		switch q.Type {
		case questionnaire.TypeSingle, questionnaire.TypeMulti:
			for _, o := range q.Options {
				cols = append(cols, o.ID)
			}
		case questionnaire.TypeScale:
			cols = []string{"0", "1", "2", "3", "4"}
		default:
			continue
		}
		if q.DontKnow {
			cols = append(cols, questionnaire.DontKnow)
		}
		if q.AllowNA {
			cols = append(cols, questionnaire.NA)
		}
		idx := make(map[string]int, len(cols))
		for i, c := range cols {
			idx[c] = i
		}
		g.questions = append(g.questions, q)
		g.columns = append(g.columns, cols)
		g.colIndex = append(g.colIndex, idx)
	}
	for _, s := range def.Sections {
		if s.Domain != "" {
			g.metrics = append(g.metrics, s.Domain)
		}
	}
	g.setCodeLayout()
	return g
}

// scaleColumns are the columns of the practice levels, so that a level needs no formatting.
var scaleColumns = [...]string{"0", "1", "2", "3", "4"}

// Add folds one submission in; a row with codes that CheckCodes refuses counts in n and the
// scores, but none of its answers.
func (g *Aggregator) Add(r Row) {
	g.n++
	gi := g.groupNumbers(r)
	r = g.foldable(r)
	var hits [16]int
	for qi := range g.questions {
		hit := g.rowHits(r, qi, hits[:0])
		if len(hit) == 0 {
			continue
		}
		// Counting stays inline: this loop runs for every answer of every row.
		width := len(g.columns[qi])
		for d, i := range gi {
			if i < 0 {
				continue
			}
			rows := g.counts[qi][d]
			for len(rows) <= i {
				rows = append(rows, make([]int, width))
				g.answered[qi][d] = append(g.answered[qi][d], 0)
			}
			g.counts[qi][d] = rows
			for _, c := range hit {
				rows[i][c]++
			}
			g.answered[qi][d][i]++
		}
	}
	g.addScores(r, gi)
}

// groupNumbers returns the row's group number in each dimension, -1 for none, numbering a
// group not seen before.
func (g *Aggregator) groupNumbers(r Row) [len(dimensions)]int {
	var gi [len(dimensions)]int
	for d, grp := range [len(dimensions)]string{DimAll, r.Band, r.Sector, r.Prefecture} {
		gi[d] = -1
		if grp == "" {
			continue
		}
		i, ok := g.groups[d][grp]
		if !ok {
			i = len(g.groups[d])
			g.groups[d][grp] = i
		}
		gi[d] = i
	}
	return gi
}

// hitColumns appends to hit the columns of question qi that the answer v counts in: one for a
// single or scale answer, one per option for a multi answer. Values with no column are skipped,
// as are a list answering any other question and an option listed twice: a firm counts at most
// once in a column, and in one column of a single-choice or scale question.
func (g *layout) hitColumns(qi int, v any, hit []int) []int {
	idx := g.colIndex[qi]
	switch x := v.(type) {
	case string:
		if c, ok := idx[x]; ok {
			hit = append(hit, c)
		}
	case float64:
		if x >= 0 && x < float64(len(scaleColumns)) && x == math.Trunc(x) {
			if c, ok := idx[scaleColumns[int(x)]]; ok {
				hit = append(hit, c)
			}
		}
	case []any:
		if !g.multi[qi] {
			break
		}
		for _, it := range x {
			if s, ok := it.(string); ok {
				if c, ok := idx[s]; ok && !slices.Contains(hit, c) {
					hit = append(hit, c)
				}
			}
		}
	}
	return hit
}

// scoreBin returns the histogram bin (the score rounded to whole points) of the row's metric m,
// false when the row has no such score.
func (g *layout) scoreBin(r Row, m int) (int, bool) {
	v := r.Overall
	if metric := g.metrics[m]; metric != metricOverall {
		s, ok := r.Domains[metric]
		if !ok {
			return 0, false
		}
		v = &s
	}
	if v == nil {
		return 0, false
	}
	return int(math.Round(math.Max(0, math.Min(100, *v)))), true
}

// metricName is the name a score table gives metric m.
func (g *layout) metricName(m int) string {
	if g.metrics[m] == metricOverall {
		return "overall"
	}
	return g.metrics[m]
}

// addScores adds the row's overall and domain scores to the histograms of its groups.
func (g *Aggregator) addScores(r Row, gi [len(dimensions)]int) {
	for m := range g.metrics {
		bin, ok := g.scoreBin(r, m)
		if !ok {
			continue
		}
		for d, i := range gi {
			if i < 0 {
				continue
			}
			for len(g.scores[m][d]) <= i {
				g.scores[m][d] = append(g.scores[m][d], &[101]int{})
			}
			g.scores[m][d][i][bin]++
		}
	}
}

// groupNames returns a dimension's groups, sorted, with their numbers.
func (g *Aggregator) groupNames(d int) ([]string, []int) {
	names := sortedKeys(g.groups[d])
	nums := make([]int, len(names))
	for i, n := range names {
		nums[i] = g.groups[d][n]
	}
	return names, nums
}

// Aggregate is a campaign's tables, with small cells suppressed.
type Aggregate struct {
	N         int             `json:"n"`
	K         int             `json:"k"`
	Questions []QuestionTable `json:"questions"`
	Scores    []ScoreTable    `json:"scores"`
}

// QuestionTable is the distribution of answers to one question, split by each dimension.
type QuestionTable struct {
	Question string   `json:"question"`
	Type     string   `json:"type"`
	Columns  []string `json:"columns"`
	Splits   []Split  `json:"splits"`
}

// Split is one dimension of a table: a row per group.
type Split struct {
	Dimension string     `json:"dimension"`
	Rows      []GroupRow `json:"rows"`
}

// GroupRow holds a group's counts; a nil pointer is a suppressed cell.
type GroupRow struct {
	Group    string     `json:"group"`
	Answered *int       `json:"answered"`
	Counts   []*int     `json:"counts"`
	Shares   []*float64 `json:"shares"` // percent of the group's answered firms
}

// ScoreTable is the distribution of one score (overall or a domain), split by each dimension.
type ScoreTable struct {
	Metric string       `json:"metric"` // "overall" or a domain id
	Splits []ScoreSplit `json:"splits"`
}

// ScoreSplit is one dimension of a score table.
type ScoreSplit struct {
	Dimension string         `json:"dimension"`
	Rows      []Distribution `json:"rows"`
}

// Distribution summarises a group's scores; Suppressed hides it whole.
type Distribution struct {
	Group      string   `json:"group"`
	Suppressed bool     `json:"suppressed,omitempty"`
	N          *int     `json:"n"`
	Mean       *float64 `json:"mean,omitempty"`
	Q1         *float64 `json:"q1,omitempty"`
	Median     *float64 `json:"median,omitempty"`
	Q3         *float64 `json:"q3,omitempty"`
	// Histogram counts scores in ten bands, 0–9, 10–19, … 90–100.
	Histogram []*int `json:"histogram,omitempty"`
}

// Result returns the tables with every cell of fewer than k firms suppressed, and enough
// further cells suppressed that none can be recovered by subtraction from a total.
func (g *Aggregator) Result(k int) Aggregate {
	if k < 1 {
		k = DefaultCellK
	}
	out := Aggregate{N: g.n, K: k, Questions: []QuestionTable{}, Scores: []ScoreTable{}}
	for qi := range g.questions {
		out.Questions = append(out.Questions, g.questionTable(qi, k))
	}
	for m := range g.metrics {
		out.Scores = append(out.Scores, g.scoreTable(m, k))
	}
	return out
}

// rowAt returns row i of a table, or nil when the group has no row yet.
func rowAt(rows [][]int, i int) []int {
	if i < len(rows) {
		return rows[i]
	}
	return nil
}

// countAt returns count i of a list, or 0 when the group has none yet.
func countAt(ns []int, i int) int {
	if i < len(ns) {
		return ns[i]
	}
	return 0
}

// questionTable returns the suppressed table of question qi.
func (g *Aggregator) questionTable(qi, k int) QuestionTable {
	q, cols := g.questions[qi], g.columns[qi]
	t := QuestionTable{Question: q.ID, Type: q.Type, Columns: cols}
	exclusive := q.Type != questionnaire.TypeMulti // answers in a row add up to the row total
	// The "all" row is suppressed first; a dimension's rows are then checked against it.
	allCells := suppress([][]int{rowAt(g.counts[qi][0], 0)}, []int{countAt(g.answered[qi][0], 0)}, len(cols), k, exclusive, nil)
	for d, dim := range dimensions {
		names, nums := g.groupNames(d)
		cells := make([][]int, len(names))
		totals := make([]int, len(names))
		for i, num := range nums {
			cells[i], totals[i] = rowAt(g.counts[qi][d], num), countAt(g.answered[qi][d], num)
		}
		mask := allCells
		if dim != DimAll {
			mask = suppress(cells, totals, len(cols), k, exclusive, &allCells[0])
		}
		sp := Split{Dimension: dim, Rows: []GroupRow{}}
		for i, grp := range names {
			sp.Rows = append(sp.Rows, groupRow(grp, cells[i], totals[i], mask[i], len(cols)))
		}
		t.Splits = append(t.Splits, sp)
	}
	return t
}

// groupRow returns a group's counts and shares with the cells of mask hidden; cells is nil for
// a group with no answers to the question.
func groupRow(grp string, cells []int, total int, mask rowMask, width int) GroupRow {
	row := GroupRow{Group: grp, Counts: make([]*int, width), Shares: make([]*float64, width)}
	if !mask.totalHidden {
		tot := total
		row.Answered = &tot
	}
	for j := range width {
		if mask.hidden[j] || cells == nil {
			continue
		}
		c := cells[j]
		row.Counts[j] = &c
		if row.Answered != nil && total > 0 {
			sh := round(100*float64(c)/float64(total), 1)
			row.Shares[j] = &sh
		}
	}
	return row
}

// hist returns the score histogram of metric m for group num of dimension d, or nil when the
// group has no score.
func (g *Aggregator) hist(m, d, num int) *[101]int {
	if num < len(g.scores[m][d]) {
		return g.scores[m][d][num]
	}
	return nil
}

// scoreTable returns the suppressed distributions of metric m.
func (g *Aggregator) scoreTable(m, k int) ScoreTable {
	name := g.metricName(m)
	allN := histN(g.hist(m, 0, 0))
	allMask := suppress([][]int{{allN}}, []int{allN}, 1, k, true, nil)[0]
	st := ScoreTable{Metric: name}
	for d, dim := range dimensions {
		names, nums := g.groupNames(d)
		ns := make([][]int, len(names))
		totals := make([]int, len(names))
		for i, num := range nums {
			totals[i] = histN(g.hist(m, d, num))
			ns[i] = []int{totals[i]}
		}
		// A group's n and mean can be recovered from the others' and the total's, so the
		// distributions are suppressed as rows of one count each.
		var ref *rowMask
		if dim != DimAll {
			ref = &allMask
		}
		mask := suppress(ns, totals, 1, k, true, ref)
		sp := ScoreSplit{Dimension: dim, Rows: []Distribution{}}
		for i, grp := range names {
			dist := Distribution{Group: grp}
			if mask[i].totalHidden {
				dist.Suppressed = true
			} else {
				dist.fill(g.hist(m, d, nums[i]), k)
			}
			sp.Rows = append(sp.Rows, dist)
		}
		st.Splits = append(st.Splits, sp)
	}
	return st
}

func histN(h *[101]int) int {
	if h == nil {
		return 0
	}
	n := 0
	for _, c := range h {
		n += c
	}
	return n
}

// fill computes the summary of a histogram; histogram bands of fewer than k firms are hidden.
func (d *Distribution) fill(h *[101]int, k int) {
	bands := d.summarise(h)
	if bands == nil {
		return
	}
	mask := suppress([][]int{bands}, []int{histN(h)}, len(bands), k, true, nil)[0]
	d.setHistogram(bands, mask.hidden)
}

// summarise sets n, the mean and the quartiles of a histogram and returns its counts in ten
// bands, nil when it holds no score.
func (d *Distribution) summarise(h *[101]int) []int {
	n := histN(h)
	d.N = &n
	if n == 0 {
		return nil
	}
	sum := 0
	for v, c := range h {
		sum += v * c
	}
	mean := round(float64(sum)/float64(n), 1)
	at := func(i int) float64 { // i-th score, ascending
		for v, c := range h {
			if i < c {
				return float64(v)
			}
			i -= c
		}
		return 100
	}
	q1, med, q3 := round(quantile(n, at, 0.25), 1), round(quantile(n, at, 0.5), 1), round(quantile(n, at, 0.75), 1)
	d.Mean, d.Q1, d.Median, d.Q3 = &mean, &q1, &med, &q3
	bands := make([]int, 10)
	for v, c := range h {
		bands[min(v/10, 9)] += c
	}
	return bands
}

// setHistogram shows the bands that hidden does not hide.
func (d *Distribution) setHistogram(bands []int, hidden []bool) {
	d.Histogram = make([]*int, len(bands))
	for i, c := range bands {
		if !hidden[i] {
			d.Histogram[i] = &c
		}
	}
}

// rowMask says which cells of a row, and whether its total, are suppressed.
type rowMask struct {
	totalHidden bool
	hidden      []bool
}

// suppress decides which cells to hide. Primary: a row whose total is below k is hidden whole,
// and so is every cell from 1 to k−1. Complementary, repeated until nothing changes: in a row
// whose cells add up to its total (exclusive answers), a lone hidden cell takes the smallest
// other cell with it; in a column whose cells add up to the reference row (the "all" row), a lone
// hidden cell (or hidden row) takes the smallest other row's cell with it. Zero cells are shown:
// that no firm gave an answer identifies nobody.
func suppress(cells [][]int, totals []int, width, k int, exclusive bool, ref *rowMask) []rowMask {
	masks := primaryMasks(cells, totals, width, k)
	for changed := true; changed; {
		changed = false
		if exclusive && hideInRows(masks, cells, width) {
			changed = true
		}
		if ref == nil || len(cells) < 2 {
			continue
		}
		// Whole rows: the column of row totals adds up to the reference total.
		if !ref.totalHidden && hideLoneRow(masks, totals) {
			changed = true
		}
		if hideInColumns(masks, cells, width, ref) {
			changed = true
		}
	}
	return masks
}

// primaryMasks hides every row whose total is below k and every cell from 1 to k−1.
func primaryMasks(cells [][]int, totals []int, width, k int) []rowMask {
	masks := make([]rowMask, len(cells))
	for i, row := range cells {
		masks[i].hidden = make([]bool, width)
		masks[i].totalHidden = totals[i] < k
		for j := range width {
			v := 0
			if row != nil {
				v = row[j]
			}
			masks[i].hidden[j] = masks[i].totalHidden || (v > 0 && v < k)
		}
	}
	return masks
}

// cellAt returns cell j of row i, 0 for a row with no answers.
func cellAt(cells [][]int, i, j int) int {
	if cells[i] == nil {
		return 0
	}
	return cells[i][j]
}

// hideInRows hides, in each shown row with exactly one hidden cell, the smallest other non-zero
// cell, or the whole row when there is none. It reports whether it hid anything.
func hideInRows(masks []rowMask, cells [][]int, width int) bool {
	changed := false
	for i := range masks {
		if masks[i].totalHidden {
			continue
		}
		if j := loneHidden(masks[i].hidden); j >= 0 {
			if c := smallest(width, func(c int) bool { return c != j && !masks[i].hidden[c] && cellAt(cells, i, c) > 0 }, func(c int) int { return cellAt(cells, i, c) }); c >= 0 {
				masks[i].hidden[c], changed = true, true
			} else {
				hideRow(&masks[i]) // the hidden cell is the total less zeros
				changed = true
			}
		}
	}
	return changed
}

// hideLoneRow hides, when exactly one row is hidden whole, the shown row with the smallest
// total. It reports whether it hid anything.
func hideLoneRow(masks []rowMask, totals []int) bool {
	r := loneRow(masks)
	if r < 0 {
		return false
	}
	o := smallest(len(masks), func(o int) bool { return o != r && !masks[o].totalHidden }, func(o int) int { return totals[o] })
	if o < 0 {
		return false
	}
	hideRow(&masks[o])
	return true
}

// hideInColumns hides, in each column shown in the reference row that has exactly one hidden
// cell, the smallest other non-zero cell. It reports whether it hid anything.
func hideInColumns(masks []rowMask, cells [][]int, width int, ref *rowMask) bool {
	changed := false
	for j := range width {
		if ref.hidden[j] {
			continue
		}
		var hiddenRows []int
		for i := range masks {
			if masks[i].hidden[j] {
				hiddenRows = append(hiddenRows, i)
			}
		}
		if len(hiddenRows) != 1 {
			continue
		}
		h := hiddenRows[0]
		if o := smallest(len(masks), func(o int) bool { return o != h && !masks[o].hidden[j] && cellAt(cells, o, j) > 0 }, func(o int) int { return cellAt(cells, o, j) }); o >= 0 {
			masks[o].hidden[j], changed = true, true
		}
	}
	return changed
}

func hideRow(m *rowMask) {
	m.totalHidden = true
	for j := range m.hidden {
		m.hidden[j] = true
	}
}

// loneHidden returns the index of the only hidden cell, or -1.
func loneHidden(hidden []bool) int {
	at := -1
	for j, h := range hidden {
		if h {
			if at >= 0 {
				return -1
			}
			at = j
		}
	}
	return at
}

func loneRow(masks []rowMask) int {
	at := -1
	for i, m := range masks {
		if m.totalHidden {
			if at >= 0 {
				return -1
			}
			at = i
		}
	}
	return at
}

// smallest returns the candidate with the least value (the first on a tie), or -1.
func smallest(n int, ok func(int) bool, value func(int) int) int {
	best := -1
	for i := range n {
		if ok(i) && (best < 0 || value(i) < value(best)) {
			best = i
		}
	}
	return best
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
