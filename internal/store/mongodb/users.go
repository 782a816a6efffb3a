package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/esready/esready/internal/auth"
)

const colUsers = "users"

type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"` // trimmed and lower-cased; unique index
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	ChamberID    string    `bson:"chamber_id,omitempty"`
	PasswordHash string    `bson:"password_hash"`
	CreatedAt    time.Time `bson:"created_at"`
}

func userToDoc(u auth.User) userDoc {
	return userDoc{
		ID: u.ID, Email: normEmail(u.Email), Name: u.Name, Role: string(u.Role),
		ChamberID: u.ChamberID, PasswordHash: u.PasswordHash, CreatedAt: millis(u.CreatedAt),
	}
}

func userFromDoc(d userDoc) auth.User {
	return auth.User{
		ID: d.ID, Email: d.Email, Name: d.Name, Role: auth.Role(d.Role),
		ChamberID: d.ChamberID, PasswordHash: d.PasswordHash, CreatedAt: utc(d.CreatedAt),
	}
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CreateUser stores a new user, giving it an id when it has none, and returns it as stored. A
// second user with the same e-mail address (ignoring case) is auth.ErrEmailTaken.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if u.ID == "" {
		u.ID = newID()
	}
	d := userToDoc(u)
	_, err := s.db.Collection(colUsers).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		// FerretDB's duplicate-key error does not name the index; ask which key it was.
		if _, ferr := s.UserByEmail(ctx, d.Email); ferr == nil {
			return auth.User{}, fmt.Errorf("mongodb: create user %s: %w", d.Email, auth.ErrEmailTaken)
		}
		return auth.User{}, fmt.Errorf("mongodb: create user: id %s exists: %w", d.ID, err)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("mongodb: create user: %w", err)
	}
	return userFromDoc(d), nil
}

// UserByEmail finds a user by e-mail address, ignoring case and surrounding space.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	e := normEmail(email)
	return s.findUser(ctx, bson.D{{Key: "email", Value: e}}, "e-mail "+e)
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (auth.User, error) {
	return s.findUser(ctx, bson.D{{Key: "_id", Value: id}}, "id "+id)
}

func (s *Store) findUser(ctx context.Context, filter bson.D, what string) (auth.User, error) {
	var d userDoc
	err := s.db.Collection(colUsers).FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return auth.User{}, fmt.Errorf("mongodb: user with %s: %w", what, auth.ErrNotFound)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("mongodb: find user with %s: %w", what, err)
	}
	return userFromDoc(d), nil
}
