package store

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/esready/esready/internal/auth"
)

const colUsers = "users"

type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	ChamberID    string    `bson:"chamber_id,omitempty"`
	PasswordHash string    `bson:"password_hash"`
	CreatedAt    time.Time `bson:"created_at"`
}

func userToDoc(u auth.User) userDoc {
	return userDoc{
		ID: u.ID, Email: normEmail(u.Email), Name: u.Name, Role: string(u.Role),
		ChamberID: u.ChamberID, PasswordHash: u.PasswordHash, CreatedAt: u.CreatedAt.UTC(),
	}
}

func userFromDoc(d userDoc) auth.User {
	return auth.User{
		ID: d.ID, Email: d.Email, Name: d.Name, Role: auth.Role(d.Role),
		ChamberID: d.ChamberID, PasswordHash: d.PasswordHash, CreatedAt: d.CreatedAt,
	}
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// CreateUser stores a new user and returns it with its id. A second user with the same e-mail
// address (ignoring case) fails with ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if u.ID == "" {
		u.ID = newID()
	}
	d := userToDoc(u)
	_, err := s.write.Collection(colUsers).InsertOne(ctx, d)
	if err != nil {
		return auth.User{}, mapErr(err, "store: create user")
	}
	return userFromDoc(d), nil
}

// UserByEmail finds a user by e-mail address, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return s.findUser(ctx, bson.D{{Key: "email", Value: normEmail(email)}})
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (auth.User, error) {
	return s.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

func (s *Store) findUser(ctx context.Context, filter bson.D) (auth.User, error) {
	var d userDoc
	if err := s.read.Collection(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return auth.User{}, mapErr(err, "store: find user")
	}
	return userFromDoc(d), nil
}
