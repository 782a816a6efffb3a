// Package questionnaire holds questionnaire definitions — loaded from YAML, validated, hashed and
// exported to SurveyJS — and validates a respondent's answers against them. It is pure Go: no
// HTTP, no database. Everything downstream (scores, checklist, reports, chamber aggregates) reads
// the types defined here.
package questionnaire

import "github.com/esready/esready/internal/locale"

// Text is a text a person reads, in Japanese and English. Both are required.
type Text struct {
	JA string `yaml:"ja" json:"ja"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang ("ja" or "en"), Japanese by default.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.JA
}

// Catalogued is the text of a key of the locale catalogue in both languages, its {placeholders}
// filled from name–value pairs.
func Catalogued(key string, pairs ...any) Text {
	ja, en := locale.Both(key, pairs...)
	return Text{JA: ja, EN: en}
}

// Empty reports whether both languages are missing.
func (t Text) Empty() bool { return t.JA == "" && t.EN == "" }

// Definition is one version of a questionnaire.
type Definition struct {
	ID          string    `yaml:"id" json:"id"`
	Version     int       `yaml:"version" json:"version"`
	Title       Text      `yaml:"title" json:"title"`
	Description Text      `yaml:"description" json:"description"`
	Sections    []Section `yaml:"sections" json:"sections"`

	// Hash is the content hash (sha256 of the canonical JSON of the definition), set by Load.
	Hash string `yaml:"-" json:"hash"`
	// File is the file the definition was loaded from, for error messages.
	File string `yaml:"-" json:"-"`

	byID   map[string]*Question
	byRole map[string]*Question
}

// Section groups questions. A section with a Domain is a scored readiness domain; the firm
// profile has none.
type Section struct {
	ID          string     `yaml:"id" json:"id"`
	Title       Text       `yaml:"title" json:"title"`
	Description Text       `yaml:"description,omitempty" json:"description,omitzero"`
	Domain      string     `yaml:"domain,omitempty" json:"domain,omitempty"`
	Questions   []Question `yaml:"questions" json:"questions"`
}

// Question types.
const (
	TypeSingle        = "single"         // one option: "option_id"
	TypeMulti         = "multi"          // several options: ["a","b"]
	TypeScale         = "scale"          // practice maturity 0–4: 3
	TypeNumber        = "number"         // 12.5, within Min..Max
	TypePercent       = "percent"        // 0..100
	TypeCountryShares = "country_shares" // {"CN":60,"VN":25} or, per item, {"magnets":{"CN":90}}
	TypeText          = "text"           // free text of bounded length
)

// Special answer values.
const (
	NA       = "na"        // not applicable, where the question allows it
	DontKnow = "dont_know" // where the question allows it; scores 0 and becomes a "find out" task
)

// Tiers of a scored question, weighted 3/2/1 by scoring.
const (
	TierEssential   = "essential"
	TierImportant   = "important"
	TierRecommended = "recommended"
)

// ScaleMax is the top of the practice scale: 0 not started … 4 reviewed and improved.
const ScaleMax = 4

// Question is one question of a section.
type Question struct {
	ID   string `yaml:"id" json:"id"`
	Type string `yaml:"type" json:"type"`
	// Role says what the scoring reads from a profile question (roles.go). It stays out of the
	// content hash, so that naming the roles of esr v1's questions, which the scoring used to
	// read by id, leaves the hash stored with v1's assessments unchanged.
	Role     string   `yaml:"role,omitempty" json:"-"`
	Text     Text     `yaml:"text" json:"text"`
	Help     Text     `yaml:"help,omitempty" json:"help,omitzero"`
	Required bool     `yaml:"required,omitempty" json:"required,omitempty"`
	AllowNA  bool     `yaml:"allow_na,omitempty" json:"allow_na,omitempty"`
	DontKnow bool     `yaml:"dont_know,omitempty" json:"dont_know,omitempty"`
	Options  []Option `yaml:"options,omitempty" json:"options,omitempty"`
	// Levels describes each level of a scale question, 0 to 4, in behavioural terms.
	Levels []Text `yaml:"levels,omitempty" json:"levels,omitempty"`
	// ShowIf hides the question unless it holds. Hidden questions take no answer.
	ShowIf *Condition `yaml:"show_if,omitempty" json:"show_if,omitempty"`

	// Number and percent bounds; Integer forbids fractions. Unit labels the number.
	Min     *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max     *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	Integer bool     `yaml:"integer,omitempty" json:"integer,omitempty"`
	Unit    Text     `yaml:"unit,omitempty" json:"unit,omitzero"`
	// MaxLength bounds a text answer in characters (default 2000).
	MaxLength int `yaml:"max_length,omitempty" json:"max_length,omitempty"`
	// ItemsFrom names a multi question whose selected options are the items of a
	// country_shares question; without it the answer is one set of shares.
	ItemsFrom string `yaml:"items_from,omitempty" json:"items_from,omitempty"`

	// Scoring: the domain comes from the section. Tier may be raised or lowered by TierRules,
	// the first that holds winning. MaxPoints caps a multi question's summed option points
	// (default ScaleMax).
	Tier      string     `yaml:"tier,omitempty" json:"tier,omitempty"`
	TierRules []TierRule `yaml:"tier_rules,omitempty" json:"tier_rules,omitempty"`
	MaxPoints int        `yaml:"max_points,omitempty" json:"max_points,omitempty"`

	// Sources names the surveys or laws the question is modelled on, e.g. "KPMG 2024".
	Sources []string `yaml:"sources" json:"sources"`

	// Domain is copied from the section at load time.
	Domain string `yaml:"-" json:"domain,omitempty"`

	itemsQuestion *Question // the question named by ItemsFrom, set at load time
}

// Option is one answer option of a single or multi question.
type Option struct {
	ID    string `yaml:"id" json:"id"`
	Label Text   `yaml:"label" json:"label"`
	// Points on the 0–4 scale, for scored questions.
	Points *int `yaml:"points,omitempty" json:"points,omitempty"`
	// Exclusive options ("none of these") cannot be combined with others in a multi answer.
	Exclusive bool `yaml:"exclusive,omitempty" json:"exclusive,omitempty"`
}

// TierRule sets the tier of a question when its condition holds.
type TierRule struct {
	If   Condition `yaml:"if" json:"if"`
	Tier string    `yaml:"tier" json:"tier"`
}

// Condition is a structured rule over answers (and, in tier rules and checklist rules, the
// firm's size band): a leaf compares one question's answer; All, Any and Not combine rules.
// Exactly one of the forms is used in one Condition.
type Condition struct {
	All []Condition `yaml:"all,omitempty" json:"all,omitempty"`
	Any []Condition `yaml:"any,omitempty" json:"any,omitempty"`
	Not *Condition  `yaml:"not,omitempty" json:"not,omitempty"`

	Question string   `yaml:"question,omitempty" json:"question,omitempty"`
	Op       string   `yaml:"op,omitempty" json:"op,omitempty"`
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`
	Value    *float64 `yaml:"value,omitempty" json:"value,omitempty"`

	// SizeBand holds when the firm's size band is one of these (tier and checklist rules only).
	SizeBand []string `yaml:"size_band,omitempty" json:"size_band,omitempty"`
}

// Condition operators.
const (
	OpIn          = "in"           // the answer (or, for multi, any selected option) is one of Values
	OpNotIn       = "not_in"       // answered, and no answer/selected option is one of Values
	OpGTE         = "gte"          // numeric answer ≥ Value
	OpLTE         = "lte"          // numeric answer ≤ Value
	OpGT          = "gt"           // numeric answer > Value
	OpLT          = "lt"           // numeric answer < Value
	OpAnswered    = "answered"     // any answer other than "na"
	OpNotAnswered = "not_answered" // no answer, or "na"
)

// Question returns the question with the given id.
func (d *Definition) Question(id string) (*Question, bool) {
	q, ok := d.byID[id]
	return q, ok
}

// Questions returns every question in order.
func (d *Definition) Questions() []*Question {
	var out []*Question
	for i := range d.Sections {
		for j := range d.Sections[i].Questions {
			out = append(out, &d.Sections[i].Questions[j])
		}
	}
	return out
}

// Scored reports whether the question scores into a readiness domain: it has a tier. Survey-style
// questions in a domain section without a tier (which risks concern you, say) are asked for
// comparison with the published surveys and score nothing.
func (q *Question) Scored() bool { return q.Tier != "" }

// Option returns the option with the given id.
func (q *Question) Option(id string) (*Option, bool) {
	for i := range q.Options {
		if q.Options[i].ID == id {
			return &q.Options[i], true
		}
	}
	return nil, false
}
