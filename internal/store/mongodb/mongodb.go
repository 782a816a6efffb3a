// Package mongodb stores assessments, accounts and campaigns in MongoDB through mongo-driver
// v2: the backend for deployments that outgrow one machine or need high availability (a replica
// set, Atlas, a sharded cluster), where the app servers are stateless. It needs no
// multi-document transaction, so it also runs on a standalone server and, in tests, on
// FerretDB v1 (package ferrettest). Its document types stay private: callers see the domain
// types only.
//
// MongoDB keeps times to the millisecond: a time stored here reads back in UTC, truncated to
// the millisecond.
package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Options says which MongoDB to use.
type Options struct {
	URI      string // a MongoDB connection string
	Database string
	Logger   *slog.Logger // slog.Default() when nil
}

// Store is an open connection to one MongoDB database. It is safe for concurrent use.
type Store struct {
	log    *slog.Logger
	uri    string // redacted
	client *mongo.Client
	db     *mongo.Database
}

// Open connects, checks that the server answers, creates every collection's indexes
// (idempotently), renames the role of earlier builds (migrateRoles) and numbers the
// submissions that a crash left without a sequence (AssignMissingSeqs).
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if opts.Database == "" {
		return nil, errors.New("mongodb: no database name")
	}
	c, err := connect(ctx, opts.URI)
	if err != nil {
		return nil, err
	}
	s := &Store{log: log, uri: redact(opts.URI), client: c, db: c.Database(opts.Database)}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.migrateRoles(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.AssignMissingSeqs(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, uri string) (*mongo.Client, error) {
	// Defaults first: the connection string's own settings override them.
	o := options.Client().
		SetServerSelectionTimeout(10 * time.Second).
		SetAppName("esready").
		ApplyURI(uri)
	c, err := mongo.Connect(o)
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect to %s: %w", redact(uri), err)
	}
	if err := c.Ping(ctx, readpref.Primary()); err != nil {
		_ = c.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongodb: cannot reach MongoDB at %s: %w", redact(uri), err)
	}
	return c, nil
}

// redact drops the password of a connection string so it can appear in logs and errors.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable connection string)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// Describe names the database for people, without the password.
func (s *Store) Describe() string { return "MongoDB (" + s.uri + ")" }

// Ping checks that the primary answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("mongodb: ping %s: %w", s.uri, err)
	}
	return nil
}

// Close disconnects, waiting for operations in flight until ctx ends. Every write the store
// acknowledged was already acknowledged by the server, with the connection string's write
// concern.
func (s *Store) Close(ctx context.Context) error {
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongodb: disconnect: %w", err)
	}
	return nil
}

// newID returns a random identifier: 16 bytes, hex-encoded.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b[:])
}

// millis is how MongoDB keeps a time: UTC, to the millisecond.
func millis(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// utc reads a stored time back; a missing one stays the zero time.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// setOrUnset is an update that sets the fields of set, and those of optional that have a value;
// it removes those of optional that have none (an empty string, a zero time, false), which are
// the fields a document struct leaves out (omitempty). A unique index over an optional field
// (campaigns' code) counts only the documents that have it.
func setOrUnset(set, optional bson.D) bson.D {
	var unset bson.D
	for _, f := range optional {
		switch v := f.Value.(type) {
		case string:
			if v == "" {
				unset = append(unset, bson.E{Key: f.Key, Value: ""})
				continue
			}
		case time.Time:
			if v.IsZero() {
				unset = append(unset, bson.E{Key: f.Key, Value: ""})
				continue
			}
		case bool:
			if !v {
				unset = append(unset, bson.E{Key: f.Key, Value: ""})
				continue
			}
		}
		set = append(set, f)
	}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	return update
}

// isDuplicate reports a server error code of a duplicate key (mongo.IsDuplicateKeyError's
// codes), for the write errors of one document of a bulk write.
func isDuplicate(code int) bool {
	return code == 11000 || code == 11001 || code == 12582
}
