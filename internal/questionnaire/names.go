package questionnaire

import (
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/esready/esready/internal/locale"
)

// shortCountry overrides CLDR where its name is longer than a reader expects in a table or a
// sentence ("中華人民共和国香港特別行政区", "Hong Kong SAR China").
var shortCountry = map[string]Text{
	"HK": Catalogued("country.HK"),
	"MO": Catalogued("country.MO"),
	"US": Catalogued("country.US"),
}

// CataloguedEach is Catalogued for a text whose inserted values differ by language (a
// material's label, a country's name, an amount written the Japanese way): pairs returns the
// name–value pairs for each language.
func CataloguedEach(key string, pairs func(lang string) []any) Text {
	return Text{JA: locale.Get("ja", key, pairs("ja")...), EN: locale.Get("en", key, pairs("en")...)}
}

// CountryName is the name of an ISO 3166-1 alpha-2 country in Japanese (or English for en),
// from the CLDR data of golang.org/x/text; an unknown code comes back as it is.
func CountryName(code, lang string) string {
	if t, ok := shortCountry[code]; ok {
		return t.In(lang)
	}
	r, err := language.ParseRegion(code)
	if err != nil || !IsCountry(code) {
		return code
	}
	names := display.Japanese.Regions()
	if lang == "en" {
		names = display.English.Regions()
	}
	if n := names.Name(r); n != "" {
		return n
	}
	return code
}

// Grouped writes an integer with thousands separators, as Japanese and English both do
// (5,225). x/text's message printers would do it too, but one is not safe for concurrent use,
// and grouping digits is the same in both languages.
func Grouped(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
