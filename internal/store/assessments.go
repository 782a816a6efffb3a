package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
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
}

func assessmentToDoc(a assessment.Assessment) (assessmentDoc, error) {
	ans, err := encodeAnswers(a.Answers)
	if err != nil {
		return assessmentDoc{}, err
	}
	return assessmentDoc{
		ID: a.ID, QuestionnaireID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash, Lang: a.Lang,
		Status: string(a.Status), Revision: a.Revision, Answers: ans, TokenHash: a.TokenHash,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, SubmittedAt: a.SubmittedAt,
	}, nil
}

func assessmentFromDoc(d assessmentDoc) (assessment.Assessment, error) {
	ans := questionnaire.Answers{}
	if err := json.Unmarshal([]byte(d.Answers), &ans); err != nil {
		return assessment.Assessment{}, fmt.Errorf("store: assessment %s: answers: %w", d.ID, err)
	}
	return assessment.Assessment{
		ID: d.ID, QuestionnaireID: d.QuestionnaireID, Version: d.Version, Hash: d.Hash, Lang: d.Lang,
		Status: assessment.Status(d.Status), Revision: d.Revision, Answers: ans, TokenHash: d.TokenHash,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), SubmittedAt: d.SubmittedAt.UTC(),
	}, nil
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

// MarkSubmitted freezes a draft still at revision.
func (s *Store) MarkSubmitted(ctx context.Context, id string, revision int, now time.Time) error {
	return s.conditionalUpdate(ctx, id, revision, bson.D{
		{Key: "status", Value: string(assessment.StatusSubmitted)}, {Key: "submitted_at", Value: now}, {Key: "updated_at", Value: now},
	})
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
