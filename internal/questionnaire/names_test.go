package questionnaire_test

import (
	"testing"

	"github.com/esready/esready/internal/questionnaire"
)

func TestCountryName(t *testing.T) {
	tests := []struct{ code, lang, want string }{
		{"CN", "ja", "中国"}, {"CN", "en", "China"}, {"VN", "ja", "ベトナム"}, {"HK", "ja", "香港"},
		{"US", "ja", "米国"}, {"TW", "en", "Taiwan"}, {"ZZZ", "ja", "ZZZ"},
	}
	for _, tt := range tests {
		if got := questionnaire.CountryName(tt.code, tt.lang); got != tt.want {
			t.Errorf("CountryName(%s, %s) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 5225: "5,225", 10000: "10,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := questionnaire.Grouped(n); got != want {
			t.Errorf("Grouped(%d) = %q, want %q", n, got, want)
		}
	}
}
