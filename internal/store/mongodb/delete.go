package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/assessment"
)

// deleteAttempts bounds how often DeleteAssessment re-reads an assessment that a concurrent
// submit changed between its read and its write.
const deleteAttempts = 5

// DeleteAssessment deletes a draft outright. A submitted assessment's document is replaced, in
// one atomic write conditional on the document being as read, by a tombstone document: its _id
// and the tombstone row, numbered with the next sequence of its questionnaire version. Like
// MarkSubmitted it needs no transaction: a crash after the sequence is handed out burns it, and
// readers wait for a gap a while. A submit racing the delete either lands first (and is
// tombstoned) or finds the draft gone.
func (s *Store) DeleteAssessment(ctx context.Context, id string) (assessment.Submission, error) {
	for range deleteAttempts {
		d, err := s.deletable(ctx, id)
		if err != nil {
			return assessment.Submission{}, err
		}
		var done bool
		var tomb assessment.Submission
		if d.Status == string(assessment.StatusDraft) {
			done, err = s.deleteDraft(ctx, id)
		} else {
			tomb, done, err = s.tombstone(ctx, d)
		}
		if err != nil || done {
			return tomb, err
		}
	}
	return assessment.Submission{}, fmt.Errorf("mongodb: delete assessment %s: changed concurrently %d times: %w", id, deleteAttempts, assessment.ErrConflict)
}

// deletableDoc is what DeleteAssessment reads of an assessment.
type deletableDoc struct {
	ID     string        `bson:"_id"`
	Status string        `bson:"status"`
	Sub    submissionDoc `bson:"sub"`
}

// deletable reads the status and submission row of an assessment; a tombstone is missing.
func (s *Store) deletable(ctx context.Context, id string) (deletableDoc, error) {
	var d deletableDoc
	proj := bson.D{{Key: "status", Value: 1}, {Key: "sub", Value: 1}}
	err := s.db.Collection(colAssessments).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(proj)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.Status == statusDeleted) {
		return d, fmt.Errorf("mongodb: assessment %s: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("mongodb: find assessment %s: %w", id, err)
	}
	return d, nil
}

// deleteDraft deletes the assessment if it is still a draft, and reports whether it did.
func (s *Store) deleteDraft(ctx context.Context, id string) (bool, error) {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(assessment.StatusDraft)}}
	res, err := s.db.Collection(colAssessments).DeleteOne(ctx, filter)
	if err != nil {
		return false, fmt.Errorf("mongodb: delete draft %s: %w", id, err)
	}
	return res.DeletedCount == 1, nil
}

// tombstone replaces the submitted assessment d by its tombstone if its row still has the
// sequence it was read with, and reports whether it did.
func (s *Store) tombstone(ctx context.Context, d deletableDoc) (assessment.Submission, bool, error) {
	seq, err := s.nextSeq(ctx, d.Sub.QuestionnaireID, d.Sub.Version)
	if err != nil {
		return assessment.Submission{}, false, err
	}
	t := tombstoneDoc{ID: d.ID, Status: statusDeleted, Sub: submissionDoc{
		Seq: seq, QuestionnaireID: d.Sub.QuestionnaireID, Version: d.Sub.Version, Campaign: d.Sub.Campaign,
		FirmKey: d.Sub.FirmKey, SubmittedAt: d.Sub.SubmittedAt, Deleted: true, Replaces: d.Sub.Seq,
	}}
	asRead := bson.D{{Key: "$exists", Value: false}}
	if d.Sub.Seq > 0 {
		asRead = bson.D{{Key: "$eq", Value: d.Sub.Seq}}
	}
	filter := bson.D{{Key: "_id", Value: d.ID}, {Key: "status", Value: d.Status}, {Key: "sub.seq", Value: asRead}}
	res, err := s.db.Collection(colAssessments).ReplaceOne(ctx, filter, t)
	if err != nil {
		return assessment.Submission{}, false, fmt.Errorf("mongodb: tombstone assessment %s: %w", d.ID, err)
	}
	if res.MatchedCount == 0 {
		return assessment.Submission{}, false, nil
	}
	tomb, err := submissionFromDoc(d.ID, t.Sub)
	return tomb, err == nil, err
}

// DeleteDrafts deletes at most limit drafts last saved before before. It reads their ids through
// the drafts_updated index, then deletes those still drafts saved before before, so a draft saved
// or submitted in between is kept.
func (s *Store) DeleteDrafts(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	stale := bson.D{
		{Key: "status", Value: string(assessment.StatusDraft)},
		{Key: "updated_at", Value: bson.D{{Key: "$lt", Value: millis(before)}}},
	}
	opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit))
	cur, err := s.db.Collection(colAssessments).Find(ctx, stale, opts)
	if err != nil {
		return 0, fmt.Errorf("mongodb: find expired drafts: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, fmt.Errorf("mongodb: read expired drafts: %w", err)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	ids := make(bson.A, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	filter := append(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, stale...)
	res, err := s.db.Collection(colAssessments).DeleteMany(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("mongodb: delete expired drafts: %w", err)
	}
	return int(res.DeletedCount), nil
}
