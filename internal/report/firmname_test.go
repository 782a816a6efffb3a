package report

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckFirmName(t *testing.T) {
	for _, tt := range []struct {
		name string
		want error
	}{
		{"", nil},
		{"株式会社𠮷野製作所", nil},
		{"Café Müller GmbH", nil},
		{"👨‍👩‍👧 Family Foods", nil}, // zero-width joiners make one emoji, not a direction change
		{"葛\U000E0100飾商店", nil},     // an ideographic variation selector
		{"شركة الخليج", nil},        // right-to-left script, no controls
		{strings.Repeat("あ", 100), nil},
		{strings.Repeat("あ", 101), ErrFirmNameTooLong},
		{"abc\u202Etxt.exe", ErrFirmNameChars},
		{"\u202Aabc", ErrFirmNameChars},
		{"abc\u2066x\u2069", ErrFirmNameChars},
		{"abc\u200Fx", ErrFirmNameChars},
		{"abc\u200Ex", ErrFirmNameChars},
		{"abc\u061Cx", ErrFirmNameChars},
		{"a\x00b", ErrFirmNameChars},
		{"a\nb", ErrFirmNameChars},
		{"a\tb", ErrFirmNameChars},
		{"a\u0085b", ErrFirmNameChars},
		{"a\u2028b", ErrFirmNameChars},
		{"a\xffb", ErrFirmNameChars},
	} {
		if got := CheckFirmName(tt.name); !errors.Is(got, tt.want) {
			t.Errorf("CheckFirmName(%+q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
