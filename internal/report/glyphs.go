package report

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// The embedded font (IPAex Gothic) covers the Basic Multilingual Plane's Japanese, not the
// characters outside it that real company names use (𠮷 in 𠮷野家, 𠮟) nor emoji, and gofpdf
// cannot draw a character beyond U+FFFF at all (it panics). A firm name is never refused for
// that: PrintableName writes each character the font lacks as its everyday form where there is
// one (𠮷 → 吉, 𠮟 → 叱, …), drops variation selectors (the font has no glyph variants), and
// prints any other as 〓 (the geta mark, the Japanese printer's sign for a missing character).
// The report then says that the name was printed with substitutes.

// nameVariants maps characters outside the BMP that Japanese names use to their everyday forms.
var nameVariants = map[rune]rune{
	'\U00020BB7': '吉', // 𠮷 (tsuchi-yoshi)
	'\U00020B9F': '叱', // 𠮟
	'\U0002000B': '丈', // 𠀋
}

// geta stands for a character the font cannot print.
const geta = '〓'

var (
	glyphsOnce sync.Once
	glyphFont  *sfnt.Font
	glyphMu    sync.Mutex
	glyphBuf   sfnt.Buffer
)

// hasGlyph reports whether the embedded font draws r.
func hasGlyph(r rune) bool {
	if r > 0xFFFF {
		return false // gofpdf's UTF-8 fonts index 16-bit characters only
	}
	glyphsOnce.Do(func() {
		f, err := sfnt.Parse(ipaexGothic)
		if err == nil {
			glyphFont = f
		}
	})
	if glyphFont == nil {
		return true
	}
	glyphMu.Lock()
	defer glyphMu.Unlock()
	g, err := glyphFont.GlyphIndex(&glyphBuf, r)
	return err == nil && g != 0
}

// PrintableName returns name as the report prints it, and whether any character was replaced.
func PrintableName(name string) (string, bool) {
	var b strings.Builder
	replaced := false
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Variation_Selector, r):
			replaced = true // the base character prints, not the variant the selector asks for
			continue
		case hasGlyph(r):
			b.WriteRune(r)
			continue
		}
		replaced = true
		if v, ok := nameVariants[r]; ok && hasGlyph(v) {
			b.WriteRune(v)
		} else {
			b.WriteRune(geta)
		}
	}
	return b.String(), replaced
}
