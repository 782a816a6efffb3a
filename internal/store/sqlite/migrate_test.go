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
	"github.com/esready/esready/internal/campaign"
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
		fixtureV1Assessments(t, db, "chamber")
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
			55.5, '{"governance":55.5}', '{"q":"𠮷"}')`)
	},
	2: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db, "chamber")
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
			55.5, '{"governance":55.5}', '{"q":"𠮷"}', NULL)`)
		// The tombstone of a deleted assessment whose row had sequence 2.
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 1, 3, 'gone', 'gone', '', '', '', '', 4,
			NULL, '{}', '{}', 2)`)
	},
	3: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db, "chamber")
		fixtureV3Submissions(t, db)
	},
	4: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db, "chamber_admin")
		fixtureV3Submissions(t, db)
		fixtureV4(t, db)
	},
	5: func(t *testing.T, db *sql.DB) {
		fixtureV1Assessments(t, db, "chamber_admin")
		fixtureV3Submissions(t, db)
		fixtureV4(t, db)
		// A submission with its choice codes, of version 2 of the questionnaire, outside c1.
		mustExec(t, db, `INSERT INTO submissions VALUES ('esr', 2, 2, 'a5', 'a5', '', 'large', 'retail', '13', 10,
			71, '{}', '{"q":"𠮷"}', NULL, '', x'0100ff')`)
	},
}

// v3Columns are the columns of submissions in schema versions 3 and 4, which later versions
// extend with defaults.
const v3Columns = `(questionnaire_id, version, seq, assessment_id, firm_key, campaign, size_band, sector, prefecture,
	submitted_at, overall, domains, choices, replaces, client)`

// fixtureV1Assessments writes a user, a draft and a submitted assessment as schema version 1
// stores them (versions 2 and 3 did not change these tables; the columns of version 4 have
// defaults). A user of version 4 has role chamber_admin where an earlier one had chamber.
func fixtureV1Assessments(t *testing.T, db *sql.DB, role string) {
	t.Helper()
	mustExec(t, db, `INSERT INTO users (id, email, name, role, chamber_id, password_hash, created_at)
		VALUES ('u1', 'a@example.jp', '𠮷田', '`+role+`', 'tokyo', 'h', 1)`)
	mustExec(t, db, `INSERT INTO assessments (id, questionnaire_id, version, hash, lang, status, revision, answers,
		token_hash, firm_key, previous_id, created_at, updated_at, submitted_at, result)
		VALUES ('a1', 'esr', 1, 'h', 'ja', 'draft', 2, '{"q":"𠮷"}', 't', 'a1', '', 1, 2, NULL, NULL)`)
	mustExec(t, db, `INSERT INTO assessments (id, questionnaire_id, version, hash, lang, status, revision, answers,
		token_hash, firm_key, previous_id, created_at, updated_at, submitted_at, result)
		VALUES ('a2', 'esr', 1, 'h', 'ja', 'submitted', 1, '{"q":"𠮷"}', 't2', 'a2', '', 1, 3, 3, '{}')`)
}

// fixtureV3Submissions writes the submission rows of version 3 (version 4 only adds an index;
// version 5 adds a column with a default, which rows from before have).
func fixtureV3Submissions(t *testing.T, db *sql.DB) {
	t.Helper()
	mustExec(t, db, `INSERT INTO submissions `+v3Columns+` VALUES ('esr', 1, 1, 'a2', 'a2', 'nagoya', 'sme', 'retail', 'aichi', 3,
		55.5, '{"governance":55.5}', '{"q":"𠮷"}', NULL, '')`)
	mustExec(t, db, `INSERT INTO submissions `+v3Columns+` VALUES ('esr', 1, 3, 'gone', 'gone', '', '', '', '', 4,
		NULL, '{}', '{}', 2, '')`)
	// A submission of another firm, from a client recorded by its hash.
	mustExec(t, db, `INSERT INTO assessments (id, questionnaire_id, version, hash, lang, status, revision, answers,
		token_hash, firm_key, previous_id, created_at, updated_at, submitted_at, result)
		VALUES ('a3', 'esr', 1, 'h', 'ja', 'submitted', 1, '{}', 't3', 'a3', '', 1, 5, 5, '{}')`)
	mustExec(t, db, `INSERT INTO submissions `+v3Columns+` VALUES ('esr', 1, 4, 'a3', 'a3', '', 'sme', 'retail', 'aichi', 5,
		70, '{}', '{}', NULL, '0123456789abcdef0123456789abcdef')`)
}

// fixtureV4 writes a chamber, an invited analyst, a refresh token, a campaign with an
// invitation, and a consenting submission of version 2 of the questionnaire answered through it.
func fixtureV4(t *testing.T, db *sql.DB) {
	t.Helper()
	mustExec(t, db, `INSERT INTO chambers VALUES ('tokyo', '東京商工会議所', 'Tokyo CCI', 1)`)
	mustExec(t, db, `INSERT INTO users VALUES ('u2', 'b@example.jp', 'B', 'analyst', 'tokyo', '', 2, 'ih', 9, 1)`)
	mustExec(t, db, `INSERT INTO refresh_tokens VALUES ('rh', 'fam', 'u1', 10, 20, NULL, 0)`)
	mustExec(t, db, `INSERT INTO campaigns VALUES ('c1', 'tokyo', 'esr', 2, '調査', 'Survey', 30, 40, 5, 'OPEN', 'u1', 6)`)
	mustExec(t, db, `INSERT INTO invitations VALUES (1, 'i1', 'c1', 'toh', '𠮷野家', 'f@example.jp', 'sme', 'retail',
		'13', 'f@example.jp|𠮷野家', 7, NULL)`)
	mustExec(t, db, `INSERT INTO assessments VALUES ('a4', 'esr', 2, 'h', 'ja', 'submitted', 1, '{}', 't4', 'a4', '',
		8, 9, 9, '{}', 'c1', 'i1', 1)`)
	mustExec(t, db, `INSERT INTO submissions `+v3Columns+` VALUES ('esr', 2, 1, 'a4', 'a4', 'c1', 'large', 'retail', '13', 9,
		70, '{}', '{}', NULL, '')`)
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
			if from >= 4 {
				checkFixturesV4(t, s)
			}
			if from >= 5 {
				checkFixturesV5(t, s)
			}
			if from >= 1 {
				checkRowsWithoutCodes(t, s)
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
	wantUser := auth.User{ID: "u1", Email: "a@example.jp", Name: "𠮷田", Role: auth.RoleChamberAdmin, ChamberID: "tokyo",
		PasswordHash: "h", CreatedAt: time.Unix(0, 1).UTC()}
	if d := cmp.Diff(wantUser, u); err != nil || d != "" {
		t.Errorf("user of version 1 (-want +got), %v:\n%s", err, d)
	}
	staff, err := s.UsersOfChamber(ctx, "tokyo")
	if err != nil || len(staff) == 0 || staff[0].ID != "u1" {
		t.Errorf("UsersOfChamber(tokyo) = %+v, %v; want u1 first", staff, err)
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

// checkFixturesV4 checks that the rows of version 4 read back through the store.
func checkFixturesV4(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	ns := func(n int64) time.Time { return time.Unix(0, n).UTC() }
	check := func(what string, want, got any, err error) {
		t.Helper()
		if d := cmp.Diff(want, got); err != nil || d != "" {
			t.Errorf("%s of version 4 (-want +got), %v:\n%s", what, err, d)
		}
	}
	c, err := s.Chamber(ctx, "tokyo")
	check("chamber", auth.Chamber{ID: "tokyo", Name: "東京商工会議所", NameEN: "Tokyo CCI", CreatedAt: ns(1)}, c, err)
	u, err := s.UserByInvite(ctx, "ih")
	check("invited user", auth.User{ID: "u2", Email: "b@example.jp", Name: "B", Role: auth.RoleAnalyst, ChamberID: "tokyo",
		CreatedAt: ns(2), InviteHash: "ih", InviteExpires: ns(9), Disabled: true}, u, err)
	old, err := s.RotateRefreshToken(ctx, "rh", auth.RefreshToken{Hash: "rh2", IssuedAt: ns(15), ExpiresAt: ns(25)}, ns(15))
	check("refresh token", auth.RefreshToken{Hash: "rh", Family: "fam", UserID: "u1", IssuedAt: ns(10), ExpiresAt: ns(20),
		RotatedAt: ns(15)}, old, err)
	cmpn, err := s.CampaignByCode(ctx, "OPEN")
	check("campaign", campaign.Campaign{ID: "c1", ChamberID: "tokyo", QuestionnaireID: "esr", Version: 2, TitleJA: "調査",
		TitleEN: "Survey", Opens: ns(30), Closes: ns(40), K: 5, Code: "OPEN", CreatedBy: "u1", CreatedAt: ns(6)}, cmpn, err)
	inv, err := s.InvitationByToken(ctx, "toh")
	check("invitation", campaign.Invitation{ID: "i1", CampaignID: "c1", TokenHash: "toh", Firm: "𠮷野家", Email: "f@example.jp",
		SizeBand: "sme", Sector: "retail", Prefecture: "13", Key: "f@example.jp|𠮷野家", CreatedAt: ns(7)}, inv, err)
	a, err := s.Assessment(ctx, "a4")
	check("campaign assessment", [3]any{"c1", "i1", true}, [3]any{a.Campaign, a.Invitation, a.Consent}, err)
	rs, err := s.Responses(ctx, "c1")
	check("responses", []campaign.Response{{AssessmentID: "a4", Invitation: "i1", Status: assessment.StatusSubmitted,
		Consent: true, CreatedAt: ns(8), SubmittedAt: ns(9), SizeBand: "large", Sector: "retail"}}, rs, err)
	rows, err := s.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 2, Limit: 10, Campaign: "c1"})
	if err != nil || len(rows) != 1 || rows[0].AssessmentID != "a4" {
		t.Errorf("Submissions of campaign c1 = %+v, %v; want a4's row", rows, err)
	}
}

// checkFixturesV5 checks that a row of version 5 reads back with its codes instead of its
// choices, beside a row of version 4, which has none.
func checkFixturesV5(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.Submissions(context.Background(), assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 2,
		Limit: 10, Codes: true})
	want := [][]any{{"a4", questionnaire.Answers{}, []byte(nil)}, {"a5", questionnaire.Answers(nil), []byte{1, 0, 0xff}}}
	var got [][]any
	for _, r := range rows {
		got = append(got, []any{r.AssessmentID, r.Choices, r.Codes})
	}
	if d := cmp.Diff(want, got); err != nil || d != "" {
		t.Errorf("rows of version 2 with codes (-want +got), %v:\n%s", err, d)
	}
}

// checkRowsWithoutCodes checks that the rows written before codes were, asked for codes, come
// with their choices.
func checkRowsWithoutCodes(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.Submissions(context.Background(), assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1,
		Limit: 1, Codes: true})
	if err != nil || len(rows) != 1 || rows[0].Codes != nil || !cmp.Equal(rows[0].Choices, questionnaire.Answers{"q": "𠮷"}) {
		t.Errorf("row of a2 with codes asked for = %+v, %v; want its choices and no codes", rows, err)
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
