package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collections lists every collection with its indexes. Open creates them all; creating an index
// that exists with the same name and keys is a no-op on MongoDB and on the embedded engine.
var collections = []struct {
	name    string
	indexes []mongo.IndexModel
}{
	{colUsers, []mongo.IndexModel{
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_unique").SetUnique(true)},
	}},
	{colAssessments, []mongo.IndexModel{
		// Peer benchmarks and chamber aggregates read the submissions of one questionnaire
		// version, incrementally by submission time.
		{Keys: bson.D{{Key: "questionnaire_id", Value: 1}, {Key: "version", Value: 1}, {Key: "status", Value: 1}, {Key: "submitted_at", Value: 1}}, Options: options.Index().SetName("questionnaire_submitted")},
	}},
}

func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, c := range collections {
		if len(c.indexes) == 0 {
			continue
		}
		if _, err := s.write.Collection(c.name).Indexes().CreateMany(ctx, c.indexes); err != nil {
			return fmt.Errorf("store: create indexes of %s: %w", c.name, err)
		}
	}
	return nil
}
