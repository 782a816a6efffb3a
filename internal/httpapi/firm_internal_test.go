package httpapi

import (
	"net/url"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/esready/esready/internal/report"
)

// FuzzReportFirm: whatever header value arrives, decoding it never panics and gives valid
// UTF-8 or an error; a decoded name the report accepts holds no control or bidirectional
// character; and every name the report accepts survives percent-encoding and decoding intact.
func FuzzReportFirm(f *testing.F) {
	for _, seed := range []string{"", "株式会社𠮷野製作所", "%E2%80%AE", "abc%zz", "a%00b", "R%26D+1", "\xff", "%F0%A0%AE%B7"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		name, err := decodeFirm(v)
		if err == nil {
			if !utf8.ValidString(name) {
				t.Fatalf("decodeFirm(%q) = invalid UTF-8 %q", v, name)
			}
			if report.CheckFirmName(name) == nil {
				for _, r := range name {
					if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
						t.Fatalf("accepted %q with %U", name, r)
					}
				}
			}
		}
		if report.CheckFirmName(v) == nil {
			back, err := decodeFirm(url.PathEscape(v))
			if err != nil || back != v {
				t.Fatalf("%q: round trip gave %q, %v", v, back, err)
			}
		}
	})
}
