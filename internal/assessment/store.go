package assessment

import (
	"context"
	"errors"
	"time"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// Errors that storage returns, wrapped with what was looked for; callers match them with
// errors.Is. They belong to the domain, so nothing above the store imports a store package.
var (
	ErrNotFound = errors.New("assessment not found")
	// ErrConflict is a conditional write that matched nothing (a newer revision, a submitted
	// assessment) or a duplicate id; it changed nothing.
	ErrConflict = errors.New("assessment changed concurrently")
)

// Storer is what the lifecycle needs from storage. Implementations live in internal/store and
// pass the one conformance suite, internal/store/storetest.
type Storer interface {
	CreateAssessment(ctx context.Context, a Assessment) error
	Assessment(ctx context.Context, id string) (Assessment, error)
	// SaveDraft stores answers as revision+1 if the draft is still at revision; otherwise it
	// returns ErrConflict and changes nothing.
	SaveDraft(ctx context.Context, id string, revision int, answers questionnaire.Answers, now time.Time) error
	// MarkSubmitted freezes the draft still at revision with its result and stores its compact
	// submission row in the same transaction (or document), assigning the row the next
	// submission sequence of its questionnaire version, which it returns. Otherwise it returns
	// ErrConflict and changes nothing.
	MarkSubmitted(ctx context.Context, id string, revision int, result scoring.Result, row Submission) (int64, error)
	// Submissions returns the compact rows that q selects, in ascending sequence, tombstones
	// included.
	Submissions(ctx context.Context, q SubmissionQuery) ([]Submission, error)
	// DeleteAssessment removes an assessment, draft or submitted, for good. A submitted one
	// leaves a tombstone in place of its submission row, in the same transaction (or document):
	// a row with the next submission sequence of its questionnaire version, Deleted set, the
	// sequence of the row it replaced in Replaces, and no scores, profile or choices. Every
	// server reading the rows incrementally reads the tombstone after the row and drops the
	// submission from its peers. DeleteAssessment returns the tombstone; for a draft, which has
	// no row, the zero Submission. A missing assessment is ErrNotFound.
	DeleteAssessment(ctx context.Context, id string) (Submission, error)
	// DeleteDrafts deletes at most limit drafts last saved before before and returns how many
	// it deleted. Drafts have no submission row, so no tombstone is needed.
	DeleteDrafts(ctx context.Context, before time.Time, limit int) (int, error)
	// SetConsent records whether the firm consents to its campaign's chamber seeing its
	// answers, on a draft or a submitted assessment alike; a missing one is ErrNotFound.
	SetConsent(ctx context.Context, id string, consent bool) error
}

// SubmissionQuery selects compact rows: those of one questionnaire version with a sequence
// above After, at most Limit of them.
type SubmissionQuery struct {
	QuestionnaireID string
	Version         int
	After           int64
	Limit           int
	// Campaign, when not empty, selects only the rows of that campaign (tombstones included).
	Campaign string
	// Choices asks for the choice answers too, with their codes. The peer benchmark does
	// without them, which keeps reading 100,000 rows at start-up well under a second.
	Choices bool
	// Codes asks for the choice codes instead: a row that has them comes without Choices, one
	// without them (written before codes were) with its Choices. A campaign's tables fold the
	// codes, a hundred bytes a row where the choices are two thousand.
	Codes bool
}

// Submission is the compact row of one submitted assessment: what the peer benchmark and the
// campaign aggregates read, never the whole answer document.
type Submission struct {
	// Seq numbers the submissions of one questionnaire version from 1. On the embedded store it
	// follows commit order with no gaps; on MongoDB a number can become visible shortly before
	// a lower one, or (after a crash mid-submit) be skipped: readers wait a while for gaps.
	Seq             int64
	AssessmentID    string
	FirmKey         string
	QuestionnaireID string
	Version         int
	Campaign        string // empty outside a chamber campaign
	SizeBand        string
	Sector          string
	Prefecture      string
	SubmittedAt     time.Time
	// Client identifies the network address the submission came from, as a keyed hash
	// (clientHash), never the address; "" where unknown (rows from before it was recorded,
	// submissions made without the API) and on tombstones.
	Client  string
	Overall *float64
	Domains map[string]float64 // domains with a score only
	// Choices are the answers to single, multiple-choice and scale questions, the ones
	// aggregates count; numbers, shares and free text stay out.
	Choices questionnaire.Answers
	// Codes are the same answers as scoring.EncodeChoices encodes them; empty on rows written
	// before they were, and on tombstones.
	Codes []byte
	// Deleted marks a tombstone: the row left by DeleteAssessment in place of the row of a
	// deleted submission. It keeps the ids (assessment, firm, questionnaire version, campaign)
	// and SubmittedAt of the row it replaced, and none of its scores, profile or choices.
	Deleted bool
	// Replaces is, on a tombstone, the sequence of the row it replaced; 0 when that row had
	// none yet (on MongoDB, a submission deleted before its sequence was written).
	Replaces int64
}

// Peer is the submission as the peer benchmark reads it.
func (s Submission) Peer() scoring.Peer {
	return scoring.Peer{
		FirmKey: s.FirmKey, SubmittedAt: s.SubmittedAt, Seq: s.Seq, Client: s.Client, Band: s.SizeBand, Sector: s.Sector,
		Overall: s.Overall, Domains: s.Domains,
	}
}

// NewSubmission builds the compact row of a scored submission. Its sequence is assigned by the
// store; its client, by Service.Submit.
func NewSubmission(a Assessment, def *questionnaire.Definition, r scoring.Result, at time.Time) Submission {
	domains := map[string]float64{}
	for _, d := range r.Domains {
		if d.Score != nil {
			domains[d.ID] = *d.Score
		}
	}
	choices := questionnaire.Answers{}
	for id, v := range a.Answers {
		q, ok := def.Question(id)
		if !ok {
			continue
		}
		switch q.Type {
		case questionnaire.TypeSingle, questionnaire.TypeMulti, questionnaire.TypeScale:
			choices[id] = v
		}
	}
	return Submission{
		AssessmentID: a.ID, FirmKey: a.FirmKey, QuestionnaireID: a.QuestionnaireID, Version: a.Version,
		Campaign: a.Campaign, SizeBand: r.SizeBand, Sector: r.Sector, Prefecture: r.Prefecture, SubmittedAt: at,
		Overall: r.Overall.Score, Domains: domains, Choices: choices, Codes: scoring.EncodeChoices(def, a.Answers),
	}
}
