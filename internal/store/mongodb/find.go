package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// findAll reads every document of coll that filter selects, in the order of sort (and with the
// projection opts may add), and converts each with from; what names the read in errors.
func findAll[D, T any](ctx context.Context, coll *mongo.Collection, filter, sort bson.D, from func(D) T, what string,
	opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := coll.Find(ctx, filter, append([]options.Lister[options.FindOptions]{options.Find().SetSort(sort)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", what, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", what, err)
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, from(d))
	}
	return out, nil
}

// findOne reads the one document of coll that filter selects and converts it with from; none is
// notFound (the domain's ErrNotFound), wrapped with what names the read.
func findOne[D, T any](ctx context.Context, coll *mongo.Collection, filter bson.D, from func(D) T, notFound error, what string) (T, error) {
	var d D
	err := coll.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		var zero T
		return zero, fmt.Errorf("mongodb: %s: %w", what, notFound)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("mongodb: find %s: %w", what, err)
	}
	return from(d), nil
}
