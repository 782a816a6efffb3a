package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

const colAssessments = "assessments"

// assessmentDoc keeps the answers as one compact JSON string: they round-trip exactly (numbers
// and nesting as the respondent sent them), and reading many of them for aggregates is several
// times faster than decoding a BSON sub-document per question (DESIGN.md, Storage).
type assessmentDoc struct {
	ID              string    `bson:"_id"`
	QuestionnaireID string    `bson:"questionnaire_id"`
	Version         int       `bson:"version"`
	Hash            string    `bson:"hash"`
	Lang            string    `bson:"lang"`
	Status          string    `bson:"status"`
	Revision        int       `bson:"revision"`
	Answers         string    `bson:"answers"`
	TokenHash       string    `bson:"token_hash"`
	CreatedAt       time.Time `bson:"created_at"`
	UpdatedAt       time.Time `bson:"updated_at"`
	SubmittedAt     time.Time `bson:"submitted_at,omitempty"`
	FirmKey         string    `bson:"firm_key"`
	PreviousID      string    `bson:"previous_id,omitempty"`
	// The result, stored at submission as JSON, and the compact fields the peer benchmark and
	// campaign aggregates read without decoding it.
	Result         string             `bson:"result,omitempty"`
	ScoringVersion int                `bson:"scoring_version,omitempty"`
	SizeBand       string             `bson:"size_band,omitempty"`
	Sector         string             `bson:"sector,omitempty"`
	Overall        *float64           `bson:"overall,omitempty"`
	DomainScores   map[string]float64 `bson:"domain_scores,omitempty"`
}

func assessmentToDoc(a assessment.Assessment) (assessmentDoc, error) {
	ans, err := encodeAnswers(a.Answers)
	if err != nil {
		return assessmentDoc{}, err
	}
	return assessmentDoc{
		ID: a.ID, QuestionnaireID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash, Lang: a.Lang,
		Status: string(a.Status), Revision: a.Revision, Answers: ans, TokenHash: a.TokenHash,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, SubmittedAt: a.SubmittedAt, FirmKey: a.FirmKey,
		PreviousID: a.PreviousID,
	}, nil
}

func assessmentFromDoc(d assessmentDoc) (assessment.Assessment, error) {
	ans := questionnaire.Answers{}
	if err := json.Unmarshal([]byte(d.Answers), &ans); err != nil {
		return assessment.Assessment{}, fmt.Errorf("store: assessment %s: answers: %w", d.ID, err)
	}
	a := assessment.Assessment{
		ID: d.ID, QuestionnaireID: d.QuestionnaireID, Version: d.Version, Hash: d.Hash, Lang: d.Lang,
		Status: assessment.Status(d.Status), Revision: d.Revision, Answers: ans, TokenHash: d.TokenHash,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), SubmittedAt: d.SubmittedAt.UTC(), FirmKey: d.FirmKey,
		PreviousID: d.PreviousID,
	}
	if d.Result != "" {
		var r scoring.Result
		if err := json.Unmarshal([]byte(d.Result), &r); err != nil {
			return assessment.Assessment{}, fmt.Errorf("store: assessment %s: result: %w", d.ID, err)
		}
		a.Result = &r
	}
	return a, nil
}

func encodeAnswers(a questionnaire.Answers) (string, error) {
	if a == nil {
		a = questionnaire.Answers{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("store: encode answers: %w", err)
	}
	return string(b), nil
}

// CreateAssessment stores a new assessment.
func (s *Store) CreateAssessment(ctx context.Context, a assessment.Assessment) error {
	d, err := assessmentToDoc(a)
	if err != nil {
		return err
	}
	_, err = s.write.Collection(colAssessments).InsertOne(ctx, d)
	return mapErr(err, "store: create assessment")
}

// Assessment returns one assessment; a missing one is assessment.ErrNotFound.
func (s *Store) Assessment(ctx context.Context, id string) (assessment.Assessment, error) {
	var d assessmentDoc
	err := s.read.Collection(colAssessments).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return assessment.Assessment{}, fmt.Errorf("store: assessment %s: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return assessment.Assessment{}, mapErr(err, "store: find assessment")
	}
	return assessmentFromDoc(d)
}

// SaveDraft replaces the answers of a draft still at revision, and increments the revision.
// Anything else (a newer revision, a submitted assessment) is assessment.ErrConflict and changes
// nothing.
func (s *Store) SaveDraft(ctx context.Context, id string, revision int, answers questionnaire.Answers, now time.Time) error {
	ans, err := encodeAnswers(answers)
	if err != nil {
		return err
	}
	return s.conditionalUpdate(ctx, id, revision, bson.D{
		{Key: "answers", Value: ans}, {Key: "revision", Value: revision + 1}, {Key: "updated_at", Value: now},
	})
}

// MarkSubmitted freezes a draft still at revision, with its result.
func (s *Store) MarkSubmitted(ctx context.Context, id string, revision int, now time.Time, r scoring.Result) error {
	res, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: encode result: %w", err)
	}
	domains := map[string]float64{}
	for _, d := range r.Domains {
		if d.Score != nil {
			domains[d.ID] = *d.Score
		}
	}
	set := bson.D{
		{Key: "status", Value: string(assessment.StatusSubmitted)}, {Key: "submitted_at", Value: now}, {Key: "updated_at", Value: now},
		{Key: "result", Value: string(res)}, {Key: "scoring_version", Value: r.ScoringVersion},
		{Key: "size_band", Value: r.SizeBand}, {Key: "sector", Value: r.Sector}, {Key: "domain_scores", Value: domains},
	}
	if r.Overall.Score != nil {
		set = append(set, bson.E{Key: "overall", Value: *r.Overall.Score})
	}
	return s.conditionalUpdate(ctx, id, revision, set)
}

// peerDoc is the projection the peer benchmark reads.
type peerDoc struct {
	ID           string             `bson:"_id"`
	FirmKey      string             `bson:"firm_key"`
	SubmittedAt  time.Time          `bson:"submitted_at"`
	SizeBand     string             `bson:"size_band"`
	Sector       string             `bson:"sector"`
	Overall      *float64           `bson:"overall"`
	DomainScores map[string]float64 `bson:"domain_scores"`
}

// Peers returns the submissions of one questionnaire version made at or after since, reading
// only the compact fields.
func (s *Store) Peers(ctx context.Context, questionnaireID string, version int, since time.Time) ([]assessment.PeerRow, error) {
	filter := bson.D{
		{Key: "questionnaire_id", Value: questionnaireID}, {Key: "version", Value: version},
		{Key: "status", Value: string(assessment.StatusSubmitted)},
		{Key: "submitted_at", Value: bson.D{{Key: "$gte", Value: since}}},
	}
	proj := bson.D{{Key: "firm_key", Value: 1}, {Key: "submitted_at", Value: 1}, {Key: "size_band", Value: 1},
		{Key: "sector", Value: 1}, {Key: "overall", Value: 1}, {Key: "domain_scores", Value: 1}}
	cur, err := s.read.Collection(colAssessments).Find(ctx, filter, options.Find().SetProjection(proj))
	if err != nil {
		return nil, mapErr(err, "store: peers")
	}
	defer cur.Close(ctx)
	var out []assessment.PeerRow
	for cur.Next(ctx) {
		var d peerDoc
		if err := cur.Decode(&d); err != nil {
			return nil, mapErr(err, "store: decode peer")
		}
		out = append(out, assessment.PeerRow{ID: d.ID, Peer: scoring.Peer{
			FirmKey: d.FirmKey, SubmittedAt: d.SubmittedAt.UTC(), Band: d.SizeBand, Sector: d.Sector,
			Overall: d.Overall, Domains: d.DomainScores,
		}})
	}
	return out, mapErr(cur.Err(), "store: peers")
}

func (s *Store) conditionalUpdate(ctx context.Context, id string, revision int, set bson.D) error {
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "status", Value: string(assessment.StatusDraft)},
		{Key: "revision", Value: revision},
	}
	res, err := s.write.Collection(colAssessments).UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return mapErr(err, "store: update assessment")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: assessment %s at revision %d: %w", id, revision, assessment.ErrConflict)
	}
	return nil
}
