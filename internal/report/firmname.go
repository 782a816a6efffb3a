package report

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

// MaxFirmName is the longest firm name the report prints, in characters.
const MaxFirmName = 100

// Errors of CheckFirmName.
var (
	ErrFirmNameTooLong = errors.New("report: the firm name is longer than 100 characters")
	ErrFirmNameChars   = errors.New("report: the firm name contains a control or text-direction character")
)

// CheckFirmName reports whether the report can print name as the firm's name. It refuses
// invalid UTF-8, control characters (line breaks included: the name is one line), and the
// invisible bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
// isolates, U+200E/U+200F and U+061C marks), which can make a printed name read other than it
// is stored ("Trojan Source"). Every other character is accepted, those beyond the font
// included: PrintableName substitutes them.
func CheckFirmName(name string) error {
	if !utf8.ValidString(name) {
		return ErrFirmNameChars
	}
	if utf8.RuneCountInString(name) > MaxFirmName {
		return ErrFirmNameTooLong
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return ErrFirmNameChars
		}
	}
	return nil
}
