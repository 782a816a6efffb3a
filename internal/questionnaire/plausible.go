package questionnaire

import (
	"math"
	"strconv"
	"strings"
)

// MaxMagnitude bounds every number answer, whatever its question says: a value beyond it is a
// typing slip or an attack on the arithmetic downstream (1e308 employees overflows every sum
// it enters), never a firm's real figure.
const MaxMagnitude = 1e12

// numberRange is the range a number answer may take and whether it must be whole.
type numberRange struct {
	min, max float64
	integer  bool
}

// plausibleRanges bound the answers of the roles the scoring reads, for every version of a
// questionnaire: a published version (whose content hash is stored with its assessments) cannot
// gain a max, so the bound lives here and a definition can only narrow it. The figures are
// documented in configs/questionnaires/README.md.
var plausibleRanges = map[string]numberRange{
	// No Japanese company has more than a few hundred thousand employees on its own books.
	RoleEmployees: {min: 0, max: 1_000_000, integer: true},
	// In millions of yen: ¥100 trillion, far above the largest paid-in capital of any Japanese
	// company (a few trillion yen).
	RoleCapital:          {min: 0, max: 100_000_000},
	RoleChinaSales:       {min: 0, max: 100},
	RoleChinaProcurement: {min: 0, max: 100},
}

// numberRange returns the range q's answers must lie in: the definition's min and max (0..100
// for a percent), narrowed by its role's plausible range and by ±MaxMagnitude.
func (q *Question) numberRange() numberRange {
	r := numberRange{min: -MaxMagnitude, max: MaxMagnitude, integer: q.Integer}
	if q.Type == TypePercent {
		r.min, r.max = 0, 100
	}
	if q.Min != nil {
		r.min = math.Max(r.min, *q.Min)
	}
	if q.Max != nil {
		r.max = math.Min(r.max, *q.Max)
	}
	if p, ok := plausibleRanges[q.Role]; ok {
		r.min, r.max = math.Max(r.min, p.min), math.Min(r.max, p.max)
		r.integer = r.integer || p.integer
	}
	return r
}

// checkPlausible reports a definition whose bounds go beyond its role's plausible range: the
// validator would narrow them silently, and the form would show a range it does not accept.
func (q *Question) checkPlausible(ms *problemList) {
	p, ok := plausibleRanges[q.Role]
	if !ok {
		return
	}
	if q.Min != nil && *q.Min < p.min {
		ms.add("min %s is below %s, the plausible minimum of role %q", figure(*q.Min), figure(p.min), q.Role)
	}
	if q.Max != nil && *q.Max > p.max {
		ms.add("max %s is above %s, the plausible maximum of role %q", figure(*q.Max), figure(p.max), q.Role)
	}
}

// figure writes a bound for a person: digits grouped in threes (1,000,000), no exponent.
func figure(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
