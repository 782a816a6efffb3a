package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration is one forward-only step of the schema. Versions are numbered from 1 without gaps;
// a shipped migration is never edited, only followed by a new one.
type migration struct {
	version     int
	description string
	stmts       []string
}

// migrations is the schema's history. Times are Unix nanoseconds in UTC; JSON columns hold what
// the domain stores whole (answers, results) or what aggregates decode in bulk (domains,
// choices); a BLOB holds the choice codes.
var migrations = []migration{
	{1, "users, assessments and compact submission rows", []string{
		`CREATE TABLE users (
			id            TEXT PRIMARY KEY,
			email         TEXT NOT NULL UNIQUE,
			name          TEXT NOT NULL,
			role          TEXT NOT NULL,
			chamber_id    TEXT NOT NULL,
			password_hash TEXT NOT NULL,
			created_at    INTEGER NOT NULL
		)`,
		`CREATE TABLE assessments (
			id               TEXT PRIMARY KEY,
			questionnaire_id TEXT NOT NULL,
			version          INTEGER NOT NULL,
			hash             TEXT NOT NULL,
			lang             TEXT NOT NULL,
			status           TEXT NOT NULL,
			revision         INTEGER NOT NULL,
			answers          TEXT NOT NULL,
			token_hash       TEXT NOT NULL,
			firm_key         TEXT NOT NULL,
			previous_id      TEXT NOT NULL,
			created_at       INTEGER NOT NULL,
			updated_at       INTEGER NOT NULL,
			submitted_at     INTEGER,
			result           TEXT
		)`,
		// One row per submitted assessment, written in the same transaction as the submission:
		// what the peer benchmark and the campaign aggregates read. seq numbers the submissions
		// of a questionnaire version in commit order, so a reader resumes exactly where it
		// stopped.
		`CREATE TABLE submissions (
			questionnaire_id TEXT NOT NULL,
			version          INTEGER NOT NULL,
			seq              INTEGER NOT NULL,
			assessment_id    TEXT NOT NULL UNIQUE REFERENCES assessments(id),
			firm_key         TEXT NOT NULL,
			campaign         TEXT NOT NULL,
			size_band        TEXT NOT NULL,
			sector           TEXT NOT NULL,
			prefecture       TEXT NOT NULL,
			submitted_at     INTEGER NOT NULL,
			overall          REAL,
			domains          TEXT NOT NULL,
			choices          TEXT NOT NULL
		)`,
		`CREATE UNIQUE INDEX submissions_by_seq ON submissions (questionnaire_id, version, seq)`,
	}},
	// A deleted submission leaves a tombstone row (replaces set, no scores or choices) that
	// outlives its assessment, so submissions loses its foreign key, which SQLite can drop only
	// by rebuilding the table. Draft expiry finds old drafts through drafts_by_update.
	{2, "submission tombstones, drafts by last save", []string{
		`CREATE TABLE submissions_v2 (
			questionnaire_id TEXT NOT NULL,
			version          INTEGER NOT NULL,
			seq              INTEGER NOT NULL,
			assessment_id    TEXT NOT NULL UNIQUE,
			firm_key         TEXT NOT NULL,
			campaign         TEXT NOT NULL,
			size_band        TEXT NOT NULL,
			sector           TEXT NOT NULL,
			prefecture       TEXT NOT NULL,
			submitted_at     INTEGER NOT NULL,
			overall          REAL,
			domains          TEXT NOT NULL,
			choices          TEXT NOT NULL,
			replaces         INTEGER
		)`,
		`INSERT INTO submissions_v2 (questionnaire_id, version, seq, assessment_id, firm_key, campaign, size_band,
			sector, prefecture, submitted_at, overall, domains, choices)
			SELECT questionnaire_id, version, seq, assessment_id, firm_key, campaign, size_band,
			sector, prefecture, submitted_at, overall, domains, choices FROM submissions`,
		`DROP TABLE submissions`,
		`ALTER TABLE submissions_v2 RENAME TO submissions`,
		`CREATE UNIQUE INDEX submissions_by_seq ON submissions (questionnaire_id, version, seq)`,
		`CREATE INDEX drafts_by_update ON assessments (updated_at) WHERE status = 'draft'`,
	}},
	// The keyed hash of the address a submission came from (assessment.Submission.Client), with
	// which the peer benchmark counts a burst of submissions from one client as one peer. Rows
	// from before have none and count as clients of their own.
	{3, "submission client hashes", []string{
		`ALTER TABLE submissions ADD COLUMN client TEXT NOT NULL DEFAULT ''`,
	}},
	// Chambers, their staff's invitations and roles, refresh tokens, campaigns with their
	// invitations, and the campaign, invitation and consent of an assessment. The chamber role
	// of earlier builds becomes chamber_admin. Partial indexes (WHERE … != '') leave out the
	// rows without a value, which are most of them; their queries repeat the condition so that
	// the planner may use them.
	{4, "chambers, refresh tokens, campaigns, invitations, consent", []string{
		`CREATE TABLE chambers (
			id         TEXT PRIMARY KEY,
			name       TEXT NOT NULL,
			name_en    TEXT NOT NULL,
			created_at INTEGER NOT NULL
		)`,
		`ALTER TABLE users ADD COLUMN invite_hash TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN invite_expires INTEGER`,
		`ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0`,
		`UPDATE users SET role = 'chamber_admin' WHERE role = 'chamber'`,
		`CREATE INDEX users_by_chamber ON users (chamber_id, email)`,
		`CREATE INDEX users_by_invite ON users (invite_hash) WHERE invite_hash != ''`,
		// hash is the primary key: a token's lookup and its uniqueness.
		`CREATE TABLE refresh_tokens (
			hash       TEXT PRIMARY KEY,
			family     TEXT NOT NULL,
			user_id    TEXT NOT NULL,
			issued_at  INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			rotated_at INTEGER,
			revoked    INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family)`,
		`CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id)`,
		`CREATE TABLE campaigns (
			id               TEXT PRIMARY KEY,
			chamber_id       TEXT NOT NULL,
			questionnaire_id TEXT NOT NULL,
			version          INTEGER NOT NULL,
			title_ja         TEXT NOT NULL,
			title_en         TEXT NOT NULL,
			opens            INTEGER,
			closes           INTEGER,
			k                INTEGER NOT NULL,
			code             TEXT NOT NULL,
			created_by       TEXT NOT NULL,
			created_at       INTEGER NOT NULL
		)`,
		`CREATE INDEX campaigns_by_chamber ON campaigns (chamber_id, created_at DESC, id)`,
		`CREATE UNIQUE INDEX campaigns_by_code ON campaigns (code) WHERE code != ''`,
		// seq (the rowid, which VACUUM keeps when it is a column) is the order of insertion,
		// which orders the invitations of one call.
		`CREATE TABLE invitations (
			seq         INTEGER PRIMARY KEY,
			id          TEXT NOT NULL UNIQUE,
			campaign_id TEXT NOT NULL,
			token_hash  TEXT NOT NULL,
			firm        TEXT NOT NULL,
			email       TEXT NOT NULL,
			size_band   TEXT NOT NULL,
			sector      TEXT NOT NULL,
			prefecture  TEXT NOT NULL,
			key         TEXT NOT NULL,
			created_at  INTEGER NOT NULL,
			sent_at     INTEGER
		)`,
		`CREATE UNIQUE INDEX invitations_by_key ON invitations (campaign_id, key)`,
		`CREATE INDEX invitations_by_campaign ON invitations (campaign_id, created_at)`,
		`CREATE INDEX invitations_by_token ON invitations (token_hash)`,
		`ALTER TABLE assessments ADD COLUMN campaign TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE assessments ADD COLUMN invitation TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE assessments ADD COLUMN consent INTEGER NOT NULL DEFAULT 0`,
		`CREATE INDEX assessments_by_campaign ON assessments (campaign, created_at, id) WHERE campaign != ''`,
		`CREATE INDEX submissions_by_campaign ON submissions (campaign, questionnaire_id, version, seq)`,
	}},
	// The choice answers of a submission row as compact codes (scoring.EncodeChoices), which a
	// campaign's tables read in place of the choices JSON. Rows from before have none: readers
	// fall back to their choices.
	{5, "submission choice codes", []string{
		`ALTER TABLE submissions ADD COLUMN codes BLOB NOT NULL DEFAULT x''`,
	}},
}

// migrate brings the database up to the newest version in ms, one transaction per migration, and
// records each. A database newer than ms is refused: this binary would not know its schema.
func migrate(ctx context.Context, db *sql.DB, ms []migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("the database is at schema version %d, newer than this program knows (%d): run a newer release", current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := apply(ctx, db, m); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.description, err)
		}
	}
	return nil
}

func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func apply(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, s := range m.stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
		m.version, m.description, time.Now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}
