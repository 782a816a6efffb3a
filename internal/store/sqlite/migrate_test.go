package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
)

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d; versions run 1, 2, 3… without gaps", i, m.version)
		}
		if m.description == "" || len(m.stmts) == 0 {
			t.Errorf("migration %d needs a description and statements", m.version)
		}
	}
}

// fixtures writes, at each schema version, rows in the form that version stores, so the test
// can check that every later migration keeps them readable. A new migration adds its entry.
var fixtures = map[int]func(t *testing.T, db *sql.DB){
	0: func(*testing.T, *sql.DB) {}, // an empty database
	1: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db)
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
			55.5, '{"governance":55.5}', '{"q":"𠮷"}')`)
	},
	2: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db)
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
			55.5, '{"governance":55.5}', '{"q":"𠮷"}', NULL)`)
		// The tombstone of a deleted assessment whose row had sequence 2.
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 3, 'gone', 'gone', '', '', '', '', 4,
			NULL, '{}', '{}', 2)`)
	},
	3: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db)
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
			55.5, '{"governance":55.5}', '{"q":"𠮷"}', NULL, '')`)
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 3, 'gone', 'gone', '', '', '', '', 4,
			NULL, '{}', '{}', 2, '')`)
		// A submission of another firm, from a client recorded by its hash.
		mustExec(t, db, `INSERT INTO assessments VALUES ('a3', 'esr', 1, 'h', 'ja', 'submitted', 1, '{}', 't3', 'a3', '', 1, 5, 5, '{}')`)
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 4, 'a3', 'a3', '', 'sme', 'retail', 'aichi', 5,
			70, '{}', '{}', NULL, '0123456789abcdef0123456789abcdef')`)
	},
}

// fixtureV1Assessments writes a user, a draft and a submitted assessment as schema version 1
// stores them (version 2 did not change these tables).
func fixtureV1Assessments(t *testing.T, db *sql.DB) {
	t.Helper()
	mustExec(t, db, `INSERT INTO users VALUES ('u1', 'a@example.jp', '𠮷田', 'chamber', 'tokyo', 'h', 1)`)
	mustExec(t, db, `INSERT INTO assessments VALUES ('a1', 'esr', 1, 'h', 'ja', 'draft', 2, '{"q":"𠮷"}', 't', 'a1', '', 1, 2, NULL, NULL)`)
	mustExec(t, db, `INSERT INTO assessments VALUES ('a2', 'esr', 1, 'h', 'ja', 'submitted', 1, '{"q":"𠮷"}', 't2', 'a2', '', 1, 3, 3, '{}')`)
}

func mustExec(t *testing.T, db *sql.DB, stmt string) {
	t.Helper()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// TestMigrateFromEveryVersion builds a database at every earlier schema version, stores that
// version's rows, then opens it with the current program: it migrates to the newest version,
// records each step once, and the old rows read back through the store.
func TestMigrateFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	for from := 0; from <= len(migrations); from++ {
		t.Run(fmt.Sprintf("from %d", from), func(t *testing.T) {
			dir := t.TempDir()
			db, err := openDB(filepath.Join(dir, FileName), false)
			if err != nil {
				t.Fatal(err)
			}
			if err := migrate(ctx, db, migrations[:from]); err != nil {
				t.Fatalf("migrate to %d: %v", from, err)
			}
			fill, ok := fixtures[from]
			if !ok {
				t.Fatalf("no fixtures for schema version %d: add them with the migration", from)
			}
			fill(t, db)
			db.Close()

			s, err := Open(ctx, Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatalf("open at version %d: %v", from, err)
			}
			defer s.Close(ctx)
			checkVersions(t, s.read)
			if from >= 1 {
				checkFixturesV1(t, s)
			}
			if from >= 2 {
				checkFixturesV2(t, s)
			}
			if from >= 3 {
				checkFixturesV3(t, s)
			}
			if from >= 1 {
				checkDeletesAfterMigration(t, s)
			}
		})
	}
}

func checkVersions(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query("SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	var want []int
	for _, m := range migrations {
		want = append(want, m.version)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("applied migrations (-want +got):\n%s", d)
	}
}

func checkFixturesV1(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	u, err := s.UserByEmail(ctx, "A@example.jp")
	if err != nil || u.Name != "𠮷田" || u.Role != auth.RoleChamber {
		t.Errorf("user of version 1: %+v, %v", u, err)
	}
	a, err := s.Assessment(ctx, "a1")
	if err != nil {
		t.Fatalf("assessment of version 1: %v", err)
	}
	want := assessment.Assessment{ID: "a1", QuestionnaireID: "esr", Version: 1, Hash: "h", Lang: "ja",
		Status: assessment.StatusDraft, Revision: 2, Answers: questionnaire.Answers{"q": "𠮷"}, TokenHash: "t",
		FirmKey: "a1", CreatedAt: time.Unix(0, 1).UTC(), UpdatedAt: time.Unix(0, 2).UTC()}
	if d := cmp.Diff(want, a); d != "" {
		t.Errorf("assessment of version 1 (-want +got):\n%s", d)
	}
	overall := 55.5
	row := assessment.Submission{Seq: 1, AssessmentID: "a2", FirmKey: "a2", QuestionnaireID: "esr", Version: 1,
		Campaign: "nagoya", SizeBand: "sme", Sector: "retail", Prefecture: "aichi", SubmittedAt: time.Unix(0, 3).UTC(),
		Overall: &overall, Domains: map[string]float64{"governance": 55.5}, Choices: questionnaire.Answers{"q": "𠮷"}}
	if d := cmp.Diff(row, submissionRows(t, s)[0]); d != "" {
		t.Errorf("submission row of version 1 (-want +got):\n%s", d)
	}
}

// checkFixturesV2 checks that a tombstone of version 2 reads back as one.
func checkFixturesV2(t *testing.T, s *Store) {
	t.Helper()
	rows := submissionRows(t, s)
	want := assessment.Submission{Seq: 3, AssessmentID: "gone", FirmKey: "gone", QuestionnaireID: "esr", Version: 1,
		SubmittedAt: time.Unix(0, 4).UTC(), Domains: map[string]float64{}, Choices: questionnaire.Answers{},
		Deleted: true, Replaces: 2}
	if len(rows) < 2 {
		t.Fatalf("%d submission rows, want the row and the tombstone first", len(rows))
	}
	if d := cmp.Diff(want, rows[1]); d != "" {
		t.Errorf("tombstone of version 2 (-want +got):\n%s", d)
	}
}

// checkFixturesV3 checks that a row of version 3 reads back with its client, and that the
// rows before it, migrated, have none.
func checkFixturesV3(t *testing.T, s *Store) {
	t.Helper()
	rows := submissionRows(t, s)
	if len(rows) != 3 || rows[2].AssessmentID != "a3" || rows[2].Client != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("rows of version 3: %+v, want a3's with its client last", rows)
	}
	if rows[0].Client != "" || rows[1].Client != "" {
		t.Errorf("rows without a client read back with one: %q %q", rows[0].Client, rows[1].Client)
	}
}

// checkDeletesAfterMigration deletes the submitted assessment of the fixtures (the foreign key
// of version 1 would refuse it) and expires the draft.
func checkDeletesAfterMigration(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	before := submissionRows(t, s)
	tomb, err := s.DeleteAssessment(ctx, "a2")
	if err != nil {
		t.Fatalf("delete the submitted assessment of the fixtures: %v", err)
	}
	if !tomb.Deleted || tomb.Replaces != 1 || tomb.Seq != before[len(before)-1].Seq+1 {
		t.Errorf("tombstone = %+v, want one replacing seq 1 with the next sequence", tomb)
	}
	if n, err := s.DeleteDrafts(ctx, time.Unix(0, 3), 10); err != nil || n != 1 {
		t.Errorf("DeleteDrafts = %d, %v; want the draft of the fixtures", n, err)
	}
	for _, id := range []string{"a1", "a2"} {
		if _, err := s.Assessment(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("Assessment(%s) after deleting it = %v", id, err)
		}
	}
}

func submissionRows(t *testing.T, s *Store) []assessment.Submission {
	t.Helper()
	rows, err := s.Submissions(context.Background(), assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10, Choices: true})
	if err != nil || len(rows) == 0 {
		t.Fatalf("Submissions = %d rows, %v", len(rows), err)
	}
	return rows
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	if _, err := s.write.Exec("INSERT INTO schema_migrations VALUES (?, 'from the future', 0)", len(migrations)+1); err != nil {
		t.Fatal(err)
	}
	s.Close(context.Background())
	_, err := Open(context.Background(), Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "newer than this program") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

// TestFailedMigrationChangesNothing: a migration that fails half-way leaves no trace, and the
// schema stays at the version before it.
func TestFailedMigrationChangesNothing(t *testing.T) {
	s := openTest(t)
	bad := append(append([]migration{}, migrations...), migration{len(migrations) + 1, "broken", []string{
		"CREATE TABLE half (a INTEGER)",
		"INSERT INTO nowhere VALUES (1)",
	}})
	err := migrate(context.Background(), s.write, bad)
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("migrate with a broken step: %v", err)
	}
	if v, _ := schemaVersion(context.Background(), s.write); v != len(migrations) {
		t.Errorf("schema version after the failure = %d, want %d", v, len(migrations))
	}
	var n int
	err = s.read.QueryRow("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half'").Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("the failed migration left table half behind (n=%d, %v)", n, err)
	}
}

func openIn(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLegacyFilesAreLeftAlone: a data directory of an earlier development build (the embedded
// FerretDB's .sqlite files) opens with a warning, and those files are not touched.
func TestLegacyFilesAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "esready.sqlite")
	if err := os.WriteFile(old, []byte("FerretDB data"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	s, err := Open(context.Background(), Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Close(context.Background())
	if !strings.Contains(logged.String(), "not migrated") || !strings.Contains(logged.String(), "esready.sqlite") {
		t.Errorf("no warning naming the old files: %q", logged.String())
	}
	if b, _ := os.ReadFile(old); string(b) != "FerretDB data" {
		t.Error("the old file was changed")
	}
}
