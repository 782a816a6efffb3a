package mongodb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/esready/esready/internal/auth"
)

const colUsers = "users"

type userDoc struct {
	ID            string    `bson:"_id"`
	Email         string    `bson:"email"` // trimmed and lower-cased; unique index
	Name          string    `bson:"name"`
	Role          string    `bson:"role"`
	ChamberID     string    `bson:"chamber_id,omitempty"`
	PasswordHash  string    `bson:"password_hash"`
	CreatedAt     time.Time `bson:"created_at"`
	InviteHash    string    `bson:"invite_hash,omitempty"`
	InviteExpires time.Time `bson:"invite_expires,omitempty"`
	Disabled      bool      `bson:"disabled,omitempty"`
}

func userToDoc(u auth.User) userDoc {
	return userDoc{
		ID: u.ID, Email: normEmail(u.Email), Name: u.Name, Role: string(u.Role),
		ChamberID: u.ChamberID, PasswordHash: u.PasswordHash, CreatedAt: millis(u.CreatedAt),
		InviteHash: u.InviteHash, InviteExpires: millis(u.InviteExpires), Disabled: u.Disabled,
	}
}

func userFromDoc(d userDoc) auth.User {
	return auth.User{
		ID: d.ID, Email: d.Email, Name: d.Name, Role: auth.Role(d.Role),
		ChamberID: d.ChamberID, PasswordHash: d.PasswordHash, CreatedAt: utc(d.CreatedAt),
		InviteHash: d.InviteHash, InviteExpires: utc(d.InviteExpires), Disabled: d.Disabled,
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
	return findOne(ctx, s.db.Collection(colUsers), filter, userFromDoc, auth.ErrNotFound, "user with "+what)
}

// UserByInvite finds the user whose invitation link has the hash given; "" finds nobody.
func (s *Store) UserByInvite(ctx context.Context, hash string) (auth.User, error) {
	if hash == "" {
		return auth.User{}, fmt.Errorf("mongodb: user with no invitation: %w", auth.ErrNotFound)
	}
	return s.findUser(ctx, bson.D{{Key: "invite_hash", Value: hash}}, "an invitation")
}

// UsersOfChamber returns the users of a chamber by e-mail address; "" (no chamber) has none,
// not the platform admins.
func (s *Store) UsersOfChamber(ctx context.Context, chamberID string) ([]auth.User, error) {
	if chamberID == "" {
		return nil, nil
	}
	return findAll(ctx, s.db.Collection(colUsers), bson.D{{Key: "chamber_id", Value: chamberID}},
		bson.D{{Key: "email", Value: 1}}, userFromDoc, "users of chamber "+chamberID)
}

// UpdateUser replaces the name, role, password hash, invitation and disabled flag of a user.
func (s *Store) UpdateUser(ctx context.Context, u auth.User) error {
	d := userToDoc(u)
	update := setOrUnset(
		bson.D{{Key: "name", Value: d.Name}, {Key: "role", Value: d.Role}, {Key: "password_hash", Value: d.PasswordHash}},
		bson.D{{Key: "invite_hash", Value: d.InviteHash}, {Key: "invite_expires", Value: d.InviteExpires},
			{Key: "disabled", Value: d.Disabled}},
	)
	res, err := s.db.Collection(colUsers).UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, update)
	if err != nil {
		return fmt.Errorf("mongodb: update user %s: %w", u.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongodb: user %s: %w", u.ID, auth.ErrNotFound)
	}
	return nil
}

// migrateRoles renames the role chamber of earlier builds chamber_admin, as the embedded
// store's migration 4 does. Open runs it; once done it matches nothing (users are few).
func (s *Store) migrateRoles(ctx context.Context) error {
	_, err := s.db.Collection(colUsers).UpdateMany(ctx, bson.D{{Key: "role", Value: "chamber"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "role", Value: string(auth.RoleChamberAdmin)}}}})
	if err != nil {
		return fmt.Errorf("mongodb: rename the role chamber chamber_admin: %w", err)
	}
	return nil
}
