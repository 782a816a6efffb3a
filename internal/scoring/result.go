package scoring

import (
	"strconv"

	"github.com/esready/esready/internal/questionnaire"
)

// Result is everything scoring says about one submission. Benchmark is filled separately, at
// read time, because the peer population changes after the submission.
type Result struct {
	ScoringVersion  int                `json:"scoring_version"`
	QuestionnaireID string             `json:"questionnaire_id"`
	Version         int                `json:"questionnaire_version"`
	Hash            string             `json:"questionnaire_hash"`
	Size            Size               `json:"size"`
	SizeBand        string             `json:"size_band"`
	Sector          string             `json:"sector"`
	SectorLabel     questionnaire.Text `json:"sector_label"`
	Prefecture      string             `json:"prefecture,omitempty"`
	Overall         Overall            `json:"overall"`
	Domains         []Domain           `json:"domains"`
	Exposure        Exposure           `json:"exposure"`
	Benchmark       *Benchmark         `json:"benchmark,omitempty"`
	// FindOut lists the questions answered "don't know": each becomes a task to find out.
	FindOut []string `json:"find_out"`
}

// Score scores a submission that has passed full validation against def.
func Score(def *questionnaire.Definition, a questionnaire.Answers) Result {
	plain := def.NewEnv(a, "")
	str := func(id string) string {
		v, _ := plain.Answer(id)
		s, _ := v.(string)
		return s
	}
	num := func(id string) *float64 {
		if v, ok := plain.Answer(id); ok {
			if f, ok := v.(float64); ok {
				return &f
			}
		}
		return nil
	}
	industry := str(def.RoleID(questionnaire.RoleIndustry))
	size := Classify(industry, num(def.RoleID(questionnaire.RoleCapital)), num(def.RoleID(questionnaire.RoleEmployees)))
	env := plain.WithSizeBand(size.Band)

	r := Result{
		ScoringVersion: Version, QuestionnaireID: def.ID, Version: def.Version, Hash: def.Hash,
		Size: size, SizeBand: size.Band, Sector: industry, Prefecture: str(def.RoleID(questionnaire.RolePrefecture)),
		Domains: domainReadiness(def, a, env), Exposure: exposure(def, env), FindOut: []string{},
	}
	if q, ok := def.RoleQuestion(questionnaire.RoleIndustry); ok {
		if o, ok := q.Option(r.Sector); ok {
			r.SectorLabel = o.Label
		}
	}
	r.Overall = overall(r.Domains)
	// Every visible question answered "don't know" (the special answer or an option of that
	// name, as in the profile's regulatory questions) becomes a task to find out.
	for _, q := range def.Questions() {
		if v, ok := env.Answer(q.ID); ok && v == questionnaire.DontKnow {
			r.FindOut = append(r.FindOut, q.ID)
		}
	}
	return r
}

// DomainScore returns the score of a domain, or nil.
func (r Result) DomainScore(id string) *float64 {
	for _, d := range r.Domains {
		if d.ID == id {
			return d.Score
		}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
