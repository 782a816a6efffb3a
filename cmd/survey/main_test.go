package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to check the engine's files after shutdown

	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/store"
)

var urlLine = regexp.MustCompile(`running at (http://\S+/)`)

// TestServeAndShutdown runs the real command on the embedded store: it prints its URL, answers
// /readyz, and on the SIGTERM-equivalent (its context ends) exits 0 and leaves the engine's
// files closed and consistent, with every acknowledged write in them.
func TestServeAndShutdown(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, auth.User{Email: "before@example.jp", Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}

	sctx, stop := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		code := run(sctx, []string{"survey", "serve", "--addr", "127.0.0.1:0", "--log-level", "warn"},
			func(k string) string { return map[string]string{"SURVEY_DATA_DIR": dir}[k] }, pw, &stderr)
		pw.Close()
		done <- code
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start-up line: %v", err)
	}
	m := urlLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start-up line %q has no URL", line)
	}
	go io.Copy(io.Discard, pr)
	res, err := http.Get(m[1] + "readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/readyz = %d", res.StatusCode)
	}

	var hcErr strings.Builder
	addr := strings.TrimSuffix(strings.TrimPrefix(m[1], "http://"), "/")
	if code := run(ctx, []string{"survey", "healthcheck", "--addr", addr}, func(string) string { return "" }, io.Discard, &hcErr); code != 0 {
		t.Errorf("healthcheck against the running server: exit %d, %s", code, hcErr.String())
	}

	// A backup taken while the server runs holds the write made before it.
	snapshot := filepath.Join(t.TempDir(), "snapshot.db")
	var bout, berr strings.Builder
	if code := run(ctx, []string{"survey", "backup", snapshot}, func(k string) string { return map[string]string{"SURVEY_DATA_DIR": dir}[k] }, &bout, &berr); code != 0 {
		t.Errorf("backup while serving: exit %d, %s", code, berr.String())
	}
	if !strings.Contains(bout.String(), "integrity ok") {
		t.Errorf("backup output: %q", bout.String())
	}
	restored, err := store.Open(ctx, store.Options{DataDir: restoreInto(t, snapshot)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restored.UserByID(ctx, u.ID); err != nil {
		t.Errorf("the user is not in the restored backup: %v", err)
	}
	restored.Close(ctx)

	stop()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d; stderr: %s", code, stderr.String())
	}

	// Closed cleanly: the WAL was checkpointed into the database file and removed.
	if fi, err := os.Stat(filepath.Join(dir, "esready.db-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("esready.db-wal is left with %d bytes: the database was not closed cleanly", fi.Size())
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "esready.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("esready.db: integrity_check = %q, %v", check, err)
	}
	db.Close()

	if code := run(ctx, []string{"survey", "healthcheck", "--addr", addr}, func(string) string { return "" }, io.Discard, io.Discard); code == 0 {
		t.Error("healthcheck succeeded after the server stopped")
	}

	st, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if _, err := st.UserByID(ctx, u.ID); err != nil {
		t.Errorf("write acknowledged before serving is gone: %v", err)
	}
}

// restoreInto copies a backup into a new data directory, as the README says.
func restoreInto(t *testing.T, snapshot string) string {
	t.Helper()
	b, err := os.ReadFile(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "esready.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConfigErrorStopsStartup(t *testing.T) {
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"survey", "serve", "--log-level", "chatty"},
		func(k string) string { return map[string]string{"SURVEY_DATA_DIR": t.TempDir()}[k] }, &stdout, &stderr)
	if code == 0 {
		t.Fatal("start-up succeeded with an invalid log level")
	}
	if !strings.Contains(stderr.String(), "log_level") || !strings.Contains(stderr.String(), "--log-level") {
		t.Errorf("stderr %q does not name the setting and its source", stderr.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"survey", "serv"}, os.Getenv, &stdout, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `unknown command "serv"`) {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestScoreCommand(t *testing.T) {
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"survey", "score", "../../examples/answers/mid-exporter.json", "--json"}, func(string) string { return "" }, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r struct {
		SizeBand string `json:"size_band"`
		Overall  struct {
			Score float64 `json:"score"`
			Level int     `json:"level"`
		} `json:"overall"`
		Domains []struct {
			ID    string   `json:"id"`
			Score *float64 `json:"score"`
		} `json:"domains"`
		Benchmark struct {
			Source string `json:"source"`
		} `json:"benchmark"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &r); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if r.SizeBand != "sme" || r.Overall.Score != 51.7 || r.Overall.Level != 3 || len(r.Domains) != 6 || r.Benchmark.Source != "published" {
		t.Errorf("result %+v", r)
	}

	stdout.Reset()
	if code := run(context.Background(), []string{"survey", "score", "--lang", "en", "../../examples/answers/small-sme.json"}, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"small-scale", "Overall: 9.0 / 100", "Supply", "HHI", "JCCI 2023"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("readable output lacks %q:\n%s", want, stdout.String())
		}
	}

	// An incomplete answer file is refused with the question named.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"prof_industry":"mining"}`), 0o600)
	stderr.Reset()
	if code := run(context.Background(), []string{"survey", "score", bad}, func(string) string { return "" }, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "prof_industry") {
		t.Errorf("invalid answers: exit %d, stderr %s", code, stderr.String())
	}
}

func TestValidateCommand(t *testing.T) {
	var stdout strings.Builder
	if code := run(context.Background(), []string{"survey", "validate"}, func(string) string { return "" }, &stdout, io.Discard); code != 0 {
		t.Fatalf("the shipped configuration does not validate:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "ok: esr v1") || !strings.Contains(stdout.String(), "published baselines") {
		t.Errorf("output:\n%s", stdout.String())
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("id: x\nversion: 1\ntitle: {ja: a}\nsections: []\n"), 0o600)
	stdout.Reset()
	if code := run(context.Background(), []string{"survey", "validate", dir}, func(string) string { return "" }, &stdout, io.Discard); code != 1 {
		t.Errorf("a broken file validated: exit %d", code)
	}
	if !strings.Contains(stdout.String(), "x.yaml: title is missing in English") {
		t.Errorf("output:\n%s", stdout.String())
	}
}

func TestChecklistCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"survey", "checklist", "--blank", "--lang", "en", "-o", filepath.Join(dir, "blank.xlsx")},
		{"survey", "checklist", "../../examples/answers/small-sme.json", "-o", filepath.Join(dir, "plan.xlsx")},
	} {
		var stdout, stderr strings.Builder
		if code := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		out := args[len(args)-1]
		b, err := os.ReadFile(out)
		if err != nil || len(b) < 1000 || string(b[:2]) != "PK" {
			t.Errorf("%s: %d bytes, %v", out, len(b), err)
		}
	}
	if code := run(context.Background(), []string{"survey", "checklist", "--blank"}, func(string) string { return "" }, io.Discard, io.Discard); code == 0 {
		t.Error("no -o accepted")
	}
}

// TestScoreOutputSpeaksToPeople: the readable result names questions by their text, never by id,
// and says the exposure level in the reader's language.
func TestScoreOutputSpeaksToPeople(t *testing.T) {
	_, c, err := configured(func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := c.defs.Latest("esr")
	for _, file := range []string{"small-sme", "mid-exporter", "large-firm"} {
		for _, lang := range []string{"ja", "en"} {
			var stdout strings.Builder
			if code := run(context.Background(), []string{"survey", "score", "../../examples/answers/" + file + ".json", "--lang", lang}, func(string) string { return "" }, &stdout, io.Discard); code != 0 {
				t.Fatalf("%s %s: exit %d", file, lang, code)
			}
			out := stdout.String()
			for _, q := range def.Questions() {
				if regexp.MustCompile(`\b` + q.ID + `\b`).MatchString(out) {
					t.Errorf("%s %s: the output prints the question id %s", file, lang, q.ID)
				}
			}
			if m := regexp.MustCompile(`(?m)^(エクスポージャー|Exposure): (.*)$`).FindStringSubmatch(out); m == nil || slices.Contains([]string{"high", "medium", "low"}, m[2]) {
				t.Errorf("%s %s: exposure line %q", file, lang, m)
			}
		}
	}
}

// TestEveryReferenceHasAJapaneseForm: the Japanese report and workbook print every reference of
// the shipped checklists and every source of the published baselines in Japanese.
func TestEveryReferenceHasAJapaneseForm(t *testing.T) {
	_, c, err := configured(func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, def := range c.defs.All() {
		if rules, ok := c.checklists.For(def.ID, def.Version); ok {
			for _, it := range rules.Items {
				refs = append(refs, it.References...)
			}
		}
	}
	for _, b := range c.baselines {
		refs = append(refs, b.Source)
	}
	for _, r := range refs {
		if ja := locale.References("ja", r); ja == r {
			t.Errorf("reference %q has no Japanese form (add ref.%s to internal/locale/translations)", r, r)
		}
	}
}
