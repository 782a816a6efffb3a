package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/auth"
)

const colTokens = "refresh_tokens"

// tokenDoc is a refresh token, by its hash: _id makes the hash unique.
type tokenDoc struct {
	Hash      string    `bson:"_id"`
	Family    string    `bson:"family"`
	UserID    string    `bson:"user_id"`
	IssuedAt  time.Time `bson:"issued_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	RotatedAt time.Time `bson:"rotated_at,omitempty"` // absent while current
	Revoked   bool      `bson:"revoked"`
}

func tokenToDoc(t auth.RefreshToken) tokenDoc {
	return tokenDoc{Hash: t.Hash, Family: t.Family, UserID: t.UserID, IssuedAt: millis(t.IssuedAt),
		ExpiresAt: millis(t.ExpiresAt), RotatedAt: millis(t.RotatedAt), Revoked: t.Revoked}
}

func tokenFromDoc(d tokenDoc) auth.RefreshToken {
	return auth.RefreshToken{Hash: d.Hash, Family: d.Family, UserID: d.UserID, IssuedAt: utc(d.IssuedAt),
		ExpiresAt: utc(d.ExpiresAt), RotatedAt: utc(d.RotatedAt), Revoked: d.Revoked}
}

// CreateRefreshToken stores a new refresh token; a hash in use is auth.ErrConflict.
func (s *Store) CreateRefreshToken(ctx context.Context, t auth.RefreshToken) error {
	_, err := s.db.Collection(colTokens).InsertOne(ctx, tokenToDoc(t))
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: refresh token: %w", auth.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: create refresh token: %w", err)
	}
	return nil
}

// RotateRefreshToken marks the current token old rotated at now and stores next, with the
// family and user of old, and returns old as it is now stored. It needs no transaction: the
// conditional update of old is the commit point, so of concurrent rotations of one token
// exactly one wins, and the others find it rotated, which revokes the family. Such a
// revocation can land before next is stored, so next is revoked after the fact when old is
// found revoked once next is in. A crash between the two writes leaves old rotated and no
// next: presenting old again is then a reuse, which ends the session.
func (s *Store) RotateRefreshToken(ctx context.Context, old string, next auth.RefreshToken, now time.Time) (auth.RefreshToken, error) {
	at := millis(now)
	current := bson.D{
		{Key: "_id", Value: old},
		{Key: "rotated_at", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "revoked", Value: false},
		{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: at}}},
	}
	var d tokenDoc
	err := s.db.Collection(colTokens).FindOneAndUpdate(ctx, current,
		bson.D{{Key: "$set", Value: bson.D{{Key: "rotated_at", Value: at}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return auth.RefreshToken{}, s.notCurrent(ctx, old)
	}
	if err != nil {
		return auth.RefreshToken{}, fmt.Errorf("mongodb: rotate refresh token: %w", err)
	}
	next.Family, next.UserID = d.Family, d.UserID
	if err := s.storeNext(ctx, d, next); err != nil {
		return auth.RefreshToken{}, err
	}
	return tokenFromDoc(d), nil
}

// storeNext stores the token that replaces the rotated token old, revoked if old's family was
// revoked meanwhile. When next cannot be stored, old is made current again.
func (s *Store) storeNext(ctx context.Context, old tokenDoc, next auth.RefreshToken) error {
	tokens := s.db.Collection(colTokens)
	if _, err := tokens.InsertOne(ctx, tokenToDoc(next)); err != nil {
		undo := bson.D{{Key: "_id", Value: old.Hash}, {Key: "rotated_at", Value: old.RotatedAt}}
		_, _ = tokens.UpdateOne(context.WithoutCancel(ctx), undo, bson.D{{Key: "$unset", Value: bson.D{{Key: "rotated_at", Value: ""}}}})
		if mongo.IsDuplicateKeyError(err) {
			err = auth.ErrConflict
		}
		return fmt.Errorf("mongodb: rotate refresh token: next token: %w", err)
	}
	revoked := bson.D{{Key: "_id", Value: old.Hash}, {Key: "revoked", Value: true}}
	err := tokens.FindOne(ctx, revoked, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err == nil {
		_, err = tokens.UpdateOne(ctx, bson.D{{Key: "_id", Value: next.Hash}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}})
	}
	if err != nil {
		return fmt.Errorf("mongodb: rotate refresh token: check the family: %w", err)
	}
	return nil
}

// notCurrent explains why the token hash is not current: a rotated one revokes its family
// and is auth.ErrTokenReused; a missing, revoked or expired one is auth.ErrNotFound.
func (s *Store) notCurrent(ctx context.Context, hash string) error {
	d, err := s.RefreshToken(ctx, hash)
	if err != nil {
		return err
	}
	if d.RotatedAt.IsZero() {
		return fmt.Errorf("mongodb: refresh token revoked or expired: %w", auth.ErrNotFound)
	}
	if err := s.RevokeRefreshFamily(ctx, d.Family); err != nil {
		return err
	}
	return fmt.Errorf("mongodb: refresh token of family %s: %w", d.Family, auth.ErrTokenReused)
}

// RefreshToken returns the token with hash; a missing one is auth.ErrNotFound.
func (s *Store) RefreshToken(ctx context.Context, hash string) (auth.RefreshToken, error) {
	return findOne(ctx, s.db.Collection(colTokens), bson.D{{Key: "_id", Value: hash}}, tokenFromDoc, auth.ErrNotFound, "refresh token")
}

// RevokeRefreshFamily revokes every token of a family.
func (s *Store) RevokeRefreshFamily(ctx context.Context, family string) error {
	return s.revokeTokens(ctx, bson.D{{Key: "family", Value: family}})
}

// RevokeUserTokens revokes every refresh token of a user.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string) error {
	return s.revokeTokens(ctx, bson.D{{Key: "user_id", Value: userID}})
}

func (s *Store) revokeTokens(ctx context.Context, filter bson.D) error {
	_, err := s.db.Collection(colTokens).UpdateMany(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}})
	if err != nil {
		return fmt.Errorf("mongodb: revoke refresh tokens: %w", err)
	}
	return nil
}
