package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/esready/esready/internal/auth"
)

const colChambers = "chambers"

type chamberDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	NameEN    string    `bson:"name_en"`
	CreatedAt time.Time `bson:"created_at"`
}

func chamberToDoc(c auth.Chamber) chamberDoc {
	return chamberDoc{ID: c.ID, Name: c.Name, NameEN: c.NameEN, CreatedAt: millis(c.CreatedAt)}
}

func chamberFromDoc(d chamberDoc) auth.Chamber {
	return auth.Chamber{ID: d.ID, Name: d.Name, NameEN: d.NameEN, CreatedAt: utc(d.CreatedAt)}
}

// CreateChamber stores a new chamber; an id in use is auth.ErrConflict.
func (s *Store) CreateChamber(ctx context.Context, c auth.Chamber) error {
	_, err := s.db.Collection(colChambers).InsertOne(ctx, chamberToDoc(c))
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: create chamber %s: %w", c.ID, auth.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: create chamber %s: %w", c.ID, err)
	}
	return nil
}

// Chamber returns one chamber; a missing one is auth.ErrNotFound.
func (s *Store) Chamber(ctx context.Context, id string) (auth.Chamber, error) {
	return findOne(ctx, s.db.Collection(colChambers), bson.D{{Key: "_id", Value: id}}, chamberFromDoc, auth.ErrNotFound, "chamber "+id)
}

// Chambers returns every chamber by id.
func (s *Store) Chambers(ctx context.Context) ([]auth.Chamber, error) {
	return findAll(ctx, s.db.Collection(colChambers), bson.D{}, bson.D{{Key: "_id", Value: 1}}, chamberFromDoc, "chambers")
}
