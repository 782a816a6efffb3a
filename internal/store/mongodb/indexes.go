package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collections lists every collection with the indexes its queries need beyond _id. Open
// creates them all; creating an index that exists with the same name and keys is a no-op.
var collections = []struct {
	name    string
	indexes []mongo.IndexModel
}{
	{colUsers, []mongo.IndexModel{
		// UserByEmail, and one account per address.
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_unique").SetUnique(true)},
	}},
	{colAssessments, []mongo.IndexModel{
		// Submissions: the rows of one questionnaire version after a sequence, in order.
		{Keys: bson.D{{Key: "sub.questionnaire_id", Value: 1}, {Key: "sub.version", Value: 1}, {Key: "sub.seq", Value: 1}}, Options: options.Index().SetName("submissions_seq")},
		// AssignMissingSeqs: submitted documents without a sequence (a missing field is indexed
		// as null, so the scan reads only those).
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "sub.seq", Value: 1}}, Options: options.Index().SetName("status_seq")},
		// DeleteDrafts: the drafts last saved before a time.
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "updated_at", Value: 1}}, Options: options.Index().SetName("drafts_updated")},
	}},
	// counters is read by _id only.
}

// ensureIndexes creates the indexes one at a time: FerretDB v1.24 drops the connection (a
// panic in its createIndexes) when one command lists two or more indexes that exist already.
func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, c := range collections {
		for _, ix := range c.indexes {
			if _, err := s.db.Collection(c.name).Indexes().CreateOne(ctx, ix); err != nil {
				return fmt.Errorf("mongodb: create indexes of %s: %w", c.name, err)
			}
		}
	}
	return nil
}
