package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// width counts a full-width character as 2 and anything else as 1.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width float64
		want  []string
	}{
		{"経済安全保障の責任者を決めます。", 10, []string{"経済安全保", "障の責任者", "を決めま", "す。"}}, // 。 does not start a line: す comes down with it
		{"これは「重要」です", 8, []string{"これは", "「重要」", "です"}},                    // 「 does not end a line
		{"Name an economic-security lead", 12, []string{"Name an", "economic-sec", "urity lead"}},
		{"KPMG 2024の調査", 10, []string{"KPMG 2024", "の調査"}},
		{"一行目\n二行目", 20, []string{"一行目", "二行目"}},
		{"", 10, []string{""}},
	}
	for _, tt := range tests {
		got := wrap(tt.text, tt.width, width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// FuzzWrap: no line is wider than the width (but a lone character wider than it), no character
// is lost or broken, and no wrapped line starts with closing punctuation that could have moved.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"経済安全保障の責任者を決めます。", "Name an economic-security lead", "「重要」、（注）。", "aaaaaaaaaaaaaaaaaaaaaaa bbb"} {
		f.Add(s, 9)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if !utf8.ValidString(s) || w < 3 || w > 60 {
			return
		}
		lines := wrap(s, float64(w), width)
		for _, l := range lines {
			if !utf8.ValidString(l) {
				t.Fatalf("broken character in %q", l)
			}
			if width(l) > float64(w) && utf8.RuneCountInString(l) > 2 {
				t.Fatalf("line %q is wider than %d", l, w)
			}
		}
		strip := func(x string) string { return strings.Join(strings.Fields(x), "") }
		if strip(strings.Join(lines, "")) != strip(s) {
			t.Fatalf("characters lost: %q → %q", s, lines)
		}
	})
}
