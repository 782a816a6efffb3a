package scoring

import (
	"fmt"
	"math/bits"

	"github.com/esready/esready/internal/questionnaire"
)

// codesFormat is the first byte of choice codes: the version of the encoding that follows.
const codesFormat = 1

// EncodeChoices encodes the answers that def's aggregates count as choice codes: a format byte
// (1), then for each question of the layout in order (single, multiple-choice and scale
// questions; their columns are the options or levels, then dont_know, then na) its code: for a
// single-choice or scale question one byte, 0 for no answer counted and c+1 for column c (two
// bytes, little-endian, past 255 columns); for a multiple-choice question a bitmask of
// ceil(columns/8) bytes, bit c set when column c is chosen. A questionnaire version never
// changes, so neither does the layout of its codes. A Row with the codes folds as a Row with the
// answers does, without decoding JSON or looking up maps.
func EncodeChoices(def *questionnaire.Definition, a questionnaire.Answers) []byte {
	g := newLayout(def)
	out := make([]byte, g.codeAt[len(g.questions)])
	out[0] = codesFormat
	var buf [16]int
	for qi, q := range g.questions {
		v, ok := a[q.ID]
		if !ok || v == nil {
			continue
		}
		code := out[g.codeAt[qi]:g.codeAt[qi+1]]
		for _, c := range g.hitColumns(qi, v, buf[:0]) {
			if g.multi[qi] {
				code[c/8] |= 1 << (c % 8)
				continue
			}
			code[0] = byte(c + 1)
			if len(code) > 1 {
				code[1] = byte((c + 1) >> 8)
			}
		}
	}
	return out
}

// setCodeLayout places each question's code: codeAt[qi] is where it starts, codeAt[len] the
// length of the codes.
func (g *layout) setCodeLayout() {
	at := 1 // the format byte
	for qi, q := range g.questions {
		g.codeAt = append(g.codeAt, at)
		n := len(g.columns[qi])
		multi := q.Type == questionnaire.TypeMulti
		g.multi = append(g.multi, multi)
		switch {
		case multi:
			at += (n + 7) / 8
		case n <= 255:
			at++
		default:
			at += 2
		}
	}
	g.codeAt = append(g.codeAt, at)
}

// CheckCodes returns an error when codes, if not empty, are not choice codes of this
// questionnaire version as EncodeChoices writes them. Add counts no answer of a Row whose codes
// it refuses.
func (g *layout) CheckCodes(codes []byte) error {
	if g.codesFit(codes) {
		return nil
	}
	return fmt.Errorf("scoring: %d bytes of choice codes (format %d) are not those of %s v%d (format %d, %d bytes)",
		len(codes), codes[0], g.def.ID, g.def.Version, codesFormat, g.codeAt[len(g.questions)])
}

func (g *layout) codesFit(codes []byte) bool {
	return len(codes) == 0 || (codes[0] == codesFormat && len(codes) == g.codeAt[len(g.questions)])
}

// rowHits appends to hit the columns of question qi that the row counts in, from its codes
// when it has them, else from its answers. The row's codes must fit (codesFit).
func (g *layout) rowHits(r Row, qi int, hit []int) []int {
	if len(r.Codes) == 0 {
		v, ok := r.Answers[g.questions[qi].ID]
		if !ok || v == nil {
			return hit
		}
		return g.hitColumns(qi, v, hit)
	}
	code := r.Codes[g.codeAt[qi]:g.codeAt[qi+1]]
	n := len(g.columns[qi])
	if g.multi[qi] {
		for i, b := range code {
			for ; b != 0; b &= b - 1 {
				if c := 8*i + bits.TrailingZeros8(b); c < n {
					hit = append(hit, c)
				}
			}
		}
		return hit
	}
	c := int(code[0])
	if len(code) > 1 {
		c |= int(code[1]) << 8
	}
	if c > 0 && c <= n {
		hit = append(hit, c-1)
	}
	return hit
}

// foldable returns the row as Add folds it: with codes that do not fit, no answers at all.
func (g *layout) foldable(r Row) Row {
	if !g.codesFit(r.Codes) {
		r.Codes, r.Answers = nil, nil
	}
	return r
}
