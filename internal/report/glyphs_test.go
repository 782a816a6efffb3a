package report

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzPrintableName: whatever name comes in, what the report prints has a glyph for every
// character, one character for each one given (variation selectors dropped), and reports a
// substitution exactly when it changed something.
func FuzzPrintableName(f *testing.F) {
	for _, s := range []string{"株式会社𠮷野家", "葛\U000E0100飾", "すし🍣", "ACME Ltd.", "", "\xff\xfe", "A\u202eB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, replaced := PrintableName(name)
		want := 0
		for _, r := range name {
			if !unicode.Is(unicode.Variation_Selector, r) {
				want++
			}
		}
		if n := utf8.RuneCountInString(got); n != want {
			t.Fatalf("PrintableName(%q) = %q: %d characters, want %d", name, got, n, want)
		}
		for _, r := range got {
			if !hasGlyph(r) {
				t.Fatalf("PrintableName(%q) = %q keeps %U, which the font lacks", name, got, r)
			}
		}
		if replaced != (got != name) {
			t.Fatalf("PrintableName(%q) = %q, replaced %v", name, got, replaced)
		}
	})
}
