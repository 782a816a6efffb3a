package sqlite

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// growing are the tables whose size grows with users, submissions and campaigns: no statement
// may scan one.
var growing = []string{"users", "assessments", "submissions", "refresh_tokens", "campaigns", "invitations"}

// small are the tables that stay small, which a statement may read whole.
var small = map[string]string{
	"chambers":          "one row per chamber of commerce on the platform; Chambers lists them all",
	"schema_migrations": "one row per migration, read at start-up",
}

// scanAllowed names the statements that may scan, and why.
var scanAllowed = map[string]string{
	"sqlCountAssessments": "the backup summary counts rows once per backup, never on a request",
	"sqlCountSubmissions": "the backup summary counts rows once per backup, never on a request",
}

// statementsOf returns every constant named sql… in the package's non-test files, by name.
func statementsOf(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "sql") || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatalf("%s: %v", name.Name, err)
					}
					out[name.Name] = s
				}
			}
			return true
		})
	}
	return out
}

// scans returns the lines of the statement's query plan that scan a growing table.
func scans(t *testing.T, s *Store, stmt string) []string {
	t.Helper()
	args := make([]any, strings.Count(stmt, "?")) // NULLs: the plan does not depend on the values
	rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+stmt, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN %s: %v", stmt, err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		for _, table := range growing {
			if detail == "SCAN "+table || strings.HasPrefix(detail, "SCAN "+table+" ") {
				bad = append(bad, detail)
			}
		}
		if strings.Contains(detail, "TEMP B-TREE") { // a sort of the matching rows: linear too
			bad = append(bad, detail)
		}
	}
	return bad
}

// TestEveryStatementUsesAnIndex runs EXPLAIN QUERY PLAN on every statement of the package and
// fails on a full scan of a table that grows with submissions.
func TestEveryStatementUsesAnIndex(t *testing.T) {
	s := openTest(t)
	stmts := statementsOf(t)
	if len(stmts) < 10 {
		t.Fatalf("found only %d statements; the parser missed some", len(stmts))
	}
	for name, stmt := range stmts {
		t.Run(name, func(t *testing.T) {
			bad := scans(t, s, stmt)
			if why, ok := scanAllowed[name]; ok {
				t.Logf("scan allowed: %s", why)
				return
			}
			if len(bad) > 0 {
				t.Errorf("%s scans a growing table: %v\n%s", name, bad, stmt)
			}
		})
	}
	// The check itself can fail: a lookup on an unindexed column and a sort are caught.
	for _, stmt := range []string{
		"SELECT id FROM assessments WHERE firm_key = ?",
		"SELECT seq FROM submissions WHERE questionnaire_id = ? AND version = ? ORDER BY submitted_at LIMIT 10",
		// A partial index serves only a query that repeats its condition.
		"SELECT id FROM users WHERE invite_hash = ?",
		"SELECT id FROM campaigns WHERE code = ?",
		"SELECT id FROM assessments WHERE campaign = ? ORDER BY created_at",
		"SELECT id FROM invitations WHERE campaign_id = ? ORDER BY email",
		"SELECT hash FROM refresh_tokens WHERE expires_at < ?",
	} {
		if bad := scans(t, s, stmt); len(bad) == 0 {
			t.Errorf("not reported as a scan: %s", stmt)
		}
	}
}

// TestEveryStatementIsPrepared: a statement missing from the prepared lists fails at run time
// ("statement not prepared"); this finds it first.
func TestEveryStatementIsPrepared(t *testing.T) {
	prepared := map[string]bool{}
	for _, q := range append(append([]string{}, writeStatements...), readStatements...) {
		prepared[q] = true
	}
	for name, stmt := range statementsOf(t) {
		if _, backupOnly := scanAllowed[name]; backupOnly {
			continue // run by Backup on a handle of its own
		}
		if !prepared[stmt] {
			t.Errorf("%s is in neither writeStatements nor readStatements", name)
		}
	}
}

// TestEveryTableIsClassified: a new table is either growing, so that the plan test checks the
// statements reading it, or named small with the reason it stays so.
func TestEveryTableIsClassified(t *testing.T) {
	s := openTest(t)
	rows, err := s.read.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if _, ok := small[name]; !ok && !slices.Contains(growing, name) {
			t.Errorf("table %s is neither in growing nor in small (plan_test.go)", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
