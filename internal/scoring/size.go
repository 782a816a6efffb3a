// Package scoring turns a validated submission into the numbers a firm and a chamber read: the
// firm's size band under the SME Basic Act, readiness by domain and overall with a maturity
// level, an exposure profile kept apart from readiness, the firm's standing among peers of its
// size (or against the published survey baselines), and campaign aggregates with small cells
// suppressed. It is pure Go — no HTTP, no database — and every number carries what produced it,
// so a report can explain it line by line.
package scoring

import (
	"fmt"
	"math"
	"strconv"

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
	{questionnaire.Text{JA: "製造業・建設業・運輸業その他", EN: "manufacturing, construction, transport and others"}, 300, 300, 20,
		[]string{"manufacturing", "construction", "transport", "other"}},
	{questionnaire.Text{JA: "卸売業", EN: "wholesale"}, 100, 100, 5, []string{"wholesale"}},
	{questionnaire.Text{JA: "サービス業", EN: "services"}, 50, 100, 5, []string{"services"}},
	{questionnaire.Text{JA: "小売業", EN: "retail"}, 50, 50, 5, []string{"retail"}},
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
	yen := YenJA
	limits := questionnaire.Text{
		JA: fmt.Sprintf("%s: 資本金%s以下または従業員%g人以下が中小企業、従業員%g人以下が小規模企業者（中小企業基本法第2条）",
			row.group.JA, yen(row.capitalMillion), row.employees, row.smallEmployees),
		EN: fmt.Sprintf("%s: SME if paid-in capital is at most %s or employees at most %g; small-scale if employees at most %g (SME Basic Act, Art. 2)",
			row.group.EN, YenEN(row.capitalMillion), row.employees, row.smallEmployees),
	}
	yenEN := YenEN
	rule := func(ja, en string) questionnaire.Text {
		return questionnaire.Text{JA: limits.JA + "。" + ja, EN: limits.EN + ". " + en}
	}
	f := fmt.Sprintf

	switch {
	case employees != nil && *employees <= row.smallEmployees:
		return Size{BandSmallScale, rule(f("従業員%s人は%g人以下のため小規模企業者。", count(*employees), row.smallEmployees),
			f("%s employees, within the limit of %g: small-scale.", count(*employees), row.smallEmployees))}
	case employees != nil && *employees <= row.employees:
		return Size{BandSME, rule(f("従業員%s人は%g人以下のため中小企業。", count(*employees), row.employees),
			f("%s employees, within the limit of %g: SME.", count(*employees), row.employees))}
	case capitalMillion != nil && *capitalMillion <= row.capitalMillion:
		return Size{BandSME, rule(f("資本金%sは%s以下のため中小企業。", yen(*capitalMillion), yen(row.capitalMillion)),
			f("Capital of %s, within the limit of %s: SME.", yenEN(*capitalMillion), yenEN(row.capitalMillion)))}
	case employees != nil && capitalMillion != nil:
		return Size{BandLarge, rule(f("資本金%s・従業員%s人はいずれも上限を超えるため大企業。", yen(*capitalMillion), count(*employees)),
			f("Capital %s and %s employees both exceed the limits: large firm.", yenEN(*capitalMillion), count(*employees)))}
	case employees != nil:
		return Size{BandLarge, rule(f("従業員%s人は上限を超え、資本金の回答がないため従業員数で判定し大企業。", count(*employees)),
			f("%s employees exceed the limit and no capital was given: decided on employees, large firm.", count(*employees)))}
	case capitalMillion != nil:
		return Size{BandLarge, rule(f("資本金%sは上限を超え、従業員数の回答がないため資本金で判定し大企業。", yen(*capitalMillion)),
			f("Capital %s exceeds the limit and no employee count was given: decided on capital, large firm.", yenEN(*capitalMillion)))}
	default:
		return Size{BandSME, rule("資本金・従業員数の回答がないため、中小企業として扱います。", "Neither capital nor employees were given: treated as an SME.")}
	}
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
