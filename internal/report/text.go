package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/esready/esready/internal/questionnaire"
)

// Kinsoku shori, the Japanese line-breaking rules: no line starts with closing punctuation or a
// small kana, and none ends with opening punctuation.
const (
	noLineStart = "、。，．・：；？！ー―‐～）］｝〕〉》」』】〙〗'\"%％‰゛゜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻,.:;?!)]}"
	noLineEnd   = "（［｛〔〈《「『【〘〖([{"
)

// tokens splits text into the units a line may break between: a run of Latin letters, digits
// and their punctuation is one unit (English words break at spaces), every other character —
// kana, kanji, full-width punctuation — is a unit of its own. Spaces are kept as units, so a
// line can end at one.
func tokens(s string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
			flush()
			out = append(out, " ")
		case r < 0x2E80 && !unicode.IsSpace(r): // Latin, digits, ASCII punctuation, symbols
			word.WriteRune(r)
		default:
			flush()
			out = append(out, string(r))
		}
	}
	flush()
	return out
}

// wrap breaks text into lines no wider than width, as measured by widthOf, honouring newlines,
// spaces between words and the Japanese line-breaking rules. A single unit wider than the line
// (a very long URL, say) is broken between characters, so nothing ever overflows.
func wrap(text string, width float64, widthOf func(string) float64) []string {
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		lines = append(lines, wrapParagraph(para, width, widthOf)...)
	}
	return lines
}

func wrapParagraph(para string, width float64, widthOf func(string) float64) []string {
	var lines []string
	var cur []string
	curW := 0.0
	emit := func() {
		line := strings.TrimRight(strings.Join(cur, ""), " ")
		lines = append(lines, line)
		cur, curW = nil, 0
	}
	toks := tokens(para)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t == " " && len(cur) == 0 {
			continue // no leading space on a wrapped line
		}
		w := widthOf(t)
		if curW+w <= width || len(cur) == 0 && w <= width {
			cur, curW = append(cur, t), curW+w
			continue
		}
		if w > width { // one unit wider than a line: start it on a new line, break it between characters
			if len(cur) > 0 {
				emit()
			}
			for _, r := range t {
				rw := widthOf(string(r))
				if curW+rw > width && len(cur) > 0 {
					emit()
				}
				cur, curW = append(cur, string(r)), curW+rw
			}
			continue
		}
		// t does not fit. Kinsoku: a closing mark may not start the next line, so carry the
		// last unit of this line down with it; an opening mark may not end this line. Only
		// when the carried unit and t fit a line together: the rule never makes a line overflow.
		if len(cur) > 1 && (isRune(t, noLineStart) || isRune(cur[len(cur)-1], noLineEnd)) {
			if last := cur[len(cur)-1]; widthOf(last)+w <= width {
				cur = cur[:len(cur)-1]
				emit()
				cur, curW = []string{last, t}, widthOf(last)+w
				continue
			}
		}
		emit()
		if t != " " {
			cur, curW = []string{t}, w
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

func isRune(t, set string) bool {
	r, size := utf8.DecodeRuneInString(t)
	return size == len(t) && strings.ContainsRune(set, r)
}

// text is the catalogue's text of key (internal/locale) in both languages.
func text(key string) questionnaire.Text { return questionnaire.Catalogued(key) }
