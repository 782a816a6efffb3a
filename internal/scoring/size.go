// Package scoring turns a validated submission into the numbers a firm and a chamber read: the
// firm's size band under the SME Basic Act, readiness by domain and overall with a maturity
// level, an exposure profile kept apart from readiness, the firm's standing among peers of its
// size (or against the published survey baselines), and campaign aggregates with small cells
// suppressed. It is pure Go — no HTTP, no database — and every number carries what produced it,
// so a report can explain it line by line.
package scoring

import (
	"math"
	"strconv"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
)

// Version identifies the scoring rules. It is stored with every result, so a later change of
// weights or thresholds never silently rewrites a firm's past result.
//
//  1. the first rules.
//  2. supply concentration over foreign shares only: Japan's own share is shown, not counted.
const Version = 2

// Size bands.
const (
	BandSmallScale = "small_scale"
	BandSME        = "sme"
	BandLarge      = "large"
)

// sizeLimits is one row of the SME Basic Act, Article 2 (and the small-scale definition of
// Article 2(5)): a firm is an SME if its paid-in capital or its regular employees are at or
// below the limits, small-scale if its employees are at or below SmallScale.
type sizeLimits struct {
	group           questionnaire.Text
	capitalMillion  float64
	employees       float64
	smallEmployees  float64
	industryOptions []string
}

var sizeTable = []sizeLimits{
	{questionnaire.Catalogued("scoring.size.group.manufacturing"), 300, 300, 20,
		[]string{"manufacturing", "construction", "transport", "other"}},
	{questionnaire.Catalogued("scoring.size.group.wholesale"), 100, 100, 5, []string{"wholesale"}},
	{questionnaire.Catalogued("scoring.size.group.services"), 50, 100, 5, []string{"services"}},
	{questionnaire.Catalogued("scoring.size.group.retail"), 50, 50, 5, []string{"retail"}},
}

// Size is the firm's size band and the rule that decided it.
type Size struct {
	Band string             `json:"band"`
	Rule questionnaire.Text `json:"rule"`
}

// Classify decides the size band from the industry option (as in prof_industry), paid-in
// capital in millions of yen and regular employees; nil means not given, and the band is then
// decided on what is given. An unknown industry is treated as "others", the Act's default row.
func Classify(industry string, capitalMillion, employees *float64) Size {
	row := sizeTable[0]
	for _, r := range sizeTable {
		for _, o := range r.industryOptions {
			if o == industry {
				row = r
			}
		}
	}
	// The rule in each language: the Act's limits for the firm's industry, then the decision.
	rule := func(key string, pairs ...any) questionnaire.Text {
		return questionnaire.CataloguedEach("scoring.size.rule", func(lang string) []any {
			limits := locale.Get(lang, "scoring.size.limits", "group", row.group.In(lang), "capital", yen(lang, row.capitalMillion),
				"employees", row.employees, "small_employees", row.smallEmployees)
			return []any{"limits", limits, "decision", locale.Get(lang, key, inLang(lang, pairs)...)}
		})
	}
	var n string      // the employees given, with thousands separators
	var capital yenIn // the capital given
	if employees != nil {
		n = count(*employees)
	}
	if capitalMillion != nil {
		capital = yenIn(*capitalMillion)
	}

	switch {
	case employees != nil && *employees <= row.smallEmployees:
		return Size{BandSmallScale, rule("scoring.size.small_scale", "employees", n, "limit", row.smallEmployees)}
	case employees != nil && *employees <= row.employees:
		return Size{BandSME, rule("scoring.size.sme_by_employees", "employees", n, "limit", row.employees)}
	case capitalMillion != nil && *capitalMillion <= row.capitalMillion:
		return Size{BandSME, rule("scoring.size.sme_by_capital", "capital", capital, "limit", yenIn(row.capitalMillion))}
	case employees != nil && capitalMillion != nil:
		return Size{BandLarge, rule("scoring.size.large", "capital", capital, "employees", n)}
	case employees != nil:
		return Size{BandLarge, rule("scoring.size.large_by_employees", "employees", n)}
	case capitalMillion != nil:
		return Size{BandLarge, rule("scoring.size.large_by_capital", "capital", capital)}
	default:
		return Size{BandSME, rule("scoring.size.not_given")}
	}
}

// yenIn is an amount in millions of yen, to be written in each language (see inLang).
type yenIn float64

// inLang gives the name–value pairs of a text in lang: an amount of yen written for lang.
func inLang(lang string, pairs []any) []any {
	out := make([]any, len(pairs))
	for i, v := range pairs {
		if y, ok := v.(yenIn); ok {
			v = yen(lang, float64(y))
		}
		out[i] = v
	}
	return out
}

// yen writes an amount given in millions of yen in lang.
func yen(lang string, million float64) string {
	if lang == "en" {
		return YenEN(million)
	}
	return YenJA(million)
}

// YenJA writes an amount given in millions of yen the Japanese way: 5,000万円, 3億円,
// 2億5,000万円.
func YenJA(million float64) string {
	man := math.Round(million * 100) // units of 10,000 yen
	if man < 1 {
		return count(math.Round(million*1e6)) + "円"
	}
	oku, rest := math.Floor(man/10000), math.Mod(man, 10000)
	switch {
	case oku == 0:
		return count(rest) + "万円"
	case rest == 0:
		return count(oku) + "億円"
	}
	return count(oku) + "億" + count(rest) + "万円"
}

// YenEN writes an amount given in millions of yen as ¥25,000M.
func YenEN(million float64) string { return "¥" + count(million) + "M" }

// count writes a number with thousands separators (4,500; 12.5 as given).
func count(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return questionnaire.Grouped(int(v))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
