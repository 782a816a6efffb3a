package scoring

import (
	"time"

	"github.com/esready/esready/internal/questionnaire"
)

// Progress compares a firm's result with its previous assessment, domain by domain. Each side
// keeps the scoring version it was computed with: a change of rules between the two is shown,
// never hidden by re-scoring the past.
type Progress struct {
	PreviousID             string           `json:"previous_id"`
	PreviousSubmittedAt    time.Time        `json:"previous_submitted_at"`
	PreviousScoringVersion int              `json:"previous_scoring_version"`
	ScoringVersion         int              `json:"scoring_version"`
	PreviousQuestionnaire  int              `json:"previous_questionnaire_version"`
	Questionnaire          int              `json:"questionnaire_version"`
	Overall                Change           `json:"overall"`
	PreviousLevel          int              `json:"previous_level"`
	Level                  int              `json:"level"`
	Domains                []DomainProgress `json:"domains"`
}

// Change is a score then and now; Delta is nil when either is missing.
type Change struct {
	Previous *float64 `json:"previous"`
	Current  *float64 `json:"current"`
	Delta    *float64 `json:"delta"`
}

// DomainProgress is the change in one domain.
type DomainProgress struct {
	ID    string             `json:"id"`
	Title questionnaire.Text `json:"title"`
	Change
}

func change(prev, cur *float64) Change {
	c := Change{Previous: prev, Current: cur}
	if prev != nil && cur != nil {
		d := round(*cur-*prev, 1)
		c.Delta = &d
	}
	return c
}

// ProgressFrom returns the progress from prev (submitted as prevID at prevAt) to cur.
func ProgressFrom(prevID string, prevAt time.Time, prev, cur Result) Progress {
	p := Progress{
		PreviousID: prevID, PreviousSubmittedAt: prevAt,
		PreviousScoringVersion: prev.ScoringVersion, ScoringVersion: cur.ScoringVersion,
		PreviousQuestionnaire: prev.Version, Questionnaire: cur.Version,
		Overall:       change(prev.Overall.Score, cur.Overall.Score),
		PreviousLevel: prev.Overall.Level, Level: cur.Overall.Level,
		Domains: []DomainProgress{},
	}
	for _, d := range cur.Domains {
		p.Domains = append(p.Domains, DomainProgress{ID: d.ID, Title: d.Title, Change: change(prev.DomainScore(d.ID), d.Score)})
	}
	return p
}
