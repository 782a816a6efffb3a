package scoring

import (
	"math"
	"slices"

	"github.com/esready/esready/internal/questionnaire"
)

// Tier weights: an essential practice counts three times a recommended one.
var tierWeight = map[string]int{
	questionnaire.TierEssential:   3,
	questionnaire.TierImportant:   2,
	questionnaire.TierRecommended: 1,
}

// MinCoverage is the share of a domain's weight that must be applicable for the domain to get a
// score; below it the domain shows "insufficient coverage" instead of a number.
const MinCoverage = 0.6

// Contribution states.
const (
	StateScored     = "scored"     // answered on the scale or with options
	StateDontKnow   = "dont_know"  // scores 0 and becomes a "find out" task
	StateNA         = "na"         // not applicable: leaves both sums
	StateUnanswered = "unanswered" // optional and skipped: leaves both sums
)

// Contribution is one scored question's part in its domain score.
type Contribution struct {
	Question string  `json:"question"`
	Answer   any     `json:"answer,omitempty"`
	State    string  `json:"state"`
	Points   float64 `json:"points"`
	Max      float64 `json:"max"`
	Tier     string  `json:"tier"`
	Weight   int     `json:"weight"`
}

// Domain is the readiness of one domain.
type Domain struct {
	ID    string             `json:"id"`
	Title questionnaire.Text `json:"title"`
	// Score is 0–100, nil when coverage is insufficient.
	Score *float64 `json:"score"`
	// Coverage is the applicable share of the domain's weight, 0–1.
	Coverage      float64        `json:"coverage"`
	Insufficient  bool           `json:"insufficient_coverage,omitempty"`
	Points        float64        `json:"points"`     // Σ weight × points
	MaxPoints     float64        `json:"max_points"` // Σ weight × max
	Contributions []Contribution `json:"contributions"`
}

// Overall is the mean of the domain scores and the maturity level it reaches.
type Overall struct {
	Score *float64 `json:"score"`
	Level int      `json:"level"`
	// Capped says the level was held at 2 because an essential practice scores 0.
	Capped      bool               `json:"capped,omitempty"`
	CappedBy    []string           `json:"capped_by,omitempty"`
	Description questionnaire.Text `json:"description"`
}

// Level is one maturity level: reached at an overall score of at least From.
type Level struct {
	Level       int                `json:"level"`
	From        float64            `json:"from"`
	Name        questionnaire.Text `json:"name"`
	Description questionnaire.Text `json:"description"`
}

// Levels are the maturity levels and their thresholds on the overall score.
var Levels = []Level{
	{1, 0, questionnaire.Catalogued("scoring.level.1.name"), questionnaire.Catalogued("scoring.level.1.description")},
	{2, 20, questionnaire.Catalogued("scoring.level.2.name"), questionnaire.Catalogued("scoring.level.2.description")},
	{3, 40, questionnaire.Catalogued("scoring.level.3.name"), questionnaire.Catalogued("scoring.level.3.description")},
	{4, 60, questionnaire.Catalogued("scoring.level.4.name"), questionnaire.Catalogued("scoring.level.4.description")},
	{5, 80, questionnaire.Catalogued("scoring.level.5.name"), questionnaire.Catalogued("scoring.level.5.description")},
}

// CapLevel is the highest level a firm reaches while any essential practice scores 0.
const CapLevel = 2

// Tier returns a question's tier for this firm: the first tier rule that holds, else its tier.
func Tier(q *questionnaire.Question, env questionnaire.Env) string {
	for _, r := range q.TierRules {
		if r.If.Holds(env) {
			return r.Tier
		}
	}
	return q.Tier
}

// domainReadiness scores every domain of the definition, in questionnaire order.
func domainReadiness(def *questionnaire.Definition, a questionnaire.Answers, env *questionnaire.Submission) []Domain {
	var out []Domain
	for _, s := range def.Sections {
		if s.Domain == "" {
			continue
		}
		d := Domain{ID: s.Domain, Title: s.Title, Contributions: []Contribution{}}
		var naWeight, applicableWeight float64
		for i := range s.Questions {
			q := &s.Questions[i]
			if !q.Scored() || !env.Visible(q.ID) {
				continue // hidden questions are not part of this firm's questionnaire
			}
			tier := Tier(q, env)
			c := Contribution{Question: q.ID, Tier: tier, Weight: tierWeight[tier], Max: maxPoints(q)}
			v, answered := a[q.ID]
			switch {
			case !answered || v == nil:
				c.State = StateUnanswered
			case v == questionnaire.NA:
				c.State, c.Answer = StateNA, v
			case v == questionnaire.DontKnow:
				c.State, c.Answer = StateDontKnow, v
			default:
				c.State, c.Answer, c.Points = StateScored, v, points(q, v)
			}
			w := float64(c.Weight)
			switch c.State {
			case StateScored, StateDontKnow:
				applicableWeight += w
				d.Points += w * c.Points
				d.MaxPoints += w * c.Max
			default:
				naWeight += w
			}
			d.Contributions = append(d.Contributions, c)
		}
		if total := applicableWeight + naWeight; total > 0 {
			d.Coverage = round(applicableWeight/total, 4)
		}
		if d.Coverage < MinCoverage || d.MaxPoints == 0 {
			d.Insufficient = true
		} else {
			score := round(100*d.Points/d.MaxPoints, 1)
			d.Score = &score
		}
		out = append(out, d)
	}
	return out
}

// maxPoints is the most a question can score.
func maxPoints(q *questionnaire.Question) float64 {
	switch q.Type {
	case questionnaire.TypeSingle:
		m := 0
		for _, o := range q.Options {
			if o.Points != nil && *o.Points > m {
				m = *o.Points
			}
		}
		return float64(m)
	case questionnaire.TypeMulti:
		if q.MaxPoints > 0 {
			return float64(q.MaxPoints)
		}
	}
	return questionnaire.ScaleMax
}

// points is what an answer scores: the level of a scale, the points of the chosen option, or the
// points of the chosen options summed and capped at the question's maximum.
func points(q *questionnaire.Question, v any) float64 {
	switch q.Type {
	case questionnaire.TypeScale:
		f, _ := v.(float64)
		return f
	case questionnaire.TypeSingle:
		s, _ := v.(string)
		if o, ok := q.Option(s); ok && o.Points != nil {
			return float64(*o.Points)
		}
	case questionnaire.TypeMulti:
		sum := 0
		list, _ := v.([]any)
		for _, it := range list {
			s, _ := it.(string)
			if o, ok := q.Option(s); ok && o.Points != nil {
				sum += *o.Points
			}
		}
		return math.Min(float64(sum), maxPoints(q))
	}
	return 0
}

// overall averages the scored domains and sets the maturity level, capped while an essential
// practice scores 0 (not started, or not known).
func overall(domains []Domain) Overall {
	var sum float64
	n := 0
	var zeroEssential []string
	for _, d := range domains {
		if d.Score != nil {
			sum += *d.Score
			n++
		}
		for _, c := range d.Contributions {
			if c.Tier == questionnaire.TierEssential && (c.State == StateScored || c.State == StateDontKnow) && c.Points == 0 {
				zeroEssential = append(zeroEssential, c.Question)
			}
		}
	}
	o := Overall{Level: 1}
	if n > 0 {
		score := round(sum/float64(n), 1)
		o.Score = &score
		o.Level = LevelFor(score)
	}
	if o.Level > CapLevel && len(zeroEssential) > 0 {
		o.Level, o.Capped = CapLevel, true
	}
	slices.Sort(zeroEssential)
	o.CappedBy = zeroEssential
	if !o.Capped {
		o.CappedBy = nil
	}
	o.Description = Levels[o.Level-1].Description
	return o
}

// LevelFor returns the maturity level an overall score reaches, before any cap.
func LevelFor(score float64) int {
	level := 1
	for _, l := range Levels {
		if score >= l.From {
			level = l.Level
		}
	}
	return level
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}
