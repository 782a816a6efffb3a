// Package store opens the database the server runs on: the embedded SQLite database under the
// data directory by default (package sqlite), or MongoDB when a connection string is set
// (package mongodb). Both implement the interfaces the domain packages declare and pass the one
// conformance suite in storetest; their row and document types stay private to them.
package store

import (
	"context"
	"log/slog"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/store/mongodb"
	"github.com/esready/esready/internal/store/sqlite"
)

// Store is an open database. It is safe for concurrent use.
type Store interface {
	assessment.Storer
	auth.Storer
	campaign.Storer
	// Ping checks that the database answers; /readyz uses it.
	Ping(ctx context.Context) error
	// Close waits for acknowledged writes and releases the database.
	Close(ctx context.Context) error
	// Describe names the database for people: "embedded SQLite (data/esready.db)" or
	// "MongoDB (mongodb://host/…)", never with a password.
	Describe() string
}

// Options says which database to use.
type Options struct {
	URI      string // a MongoDB connection string; empty opens the embedded database
	DataDir  string // directory of the embedded database
	Database string // MongoDB database name
	Logger   *slog.Logger
}

// Open opens the configured database, migrating the embedded one or creating MongoDB's indexes.
func Open(ctx context.Context, o Options) (Store, error) {
	// Each branch returns a nil interface on failure, never one holding a nil pointer.
	if o.URI != "" {
		s, err := mongodb.Open(ctx, mongodb.Options{URI: o.URI, Database: o.Database, Logger: o.Logger})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, sqlite.Options{Dir: o.DataDir, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	return s, nil
}
