package sqlite

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// submitOne stores a draft and submits it, as the service does, and returns its sequence.
func submitOne(ctx context.Context, s *Store, id string, at time.Time) (int64, error) {
	if err := s.CreateAssessment(ctx, draft(id, at)); err != nil {
		return 0, err
	}
	return s.MarkSubmitted(ctx, id, 0, submittedResult(), submittedRow(id, at))
}

func draft(id string, at time.Time) assessment.Assessment {
	return assessment.Assessment{ID: id, QuestionnaireID: "esr", Version: 1, Hash: "h", Lang: "ja",
		Status: assessment.StatusDraft, Answers: questionnaire.Answers{"prof_name": "𠮷野家"}, TokenHash: "t",
		FirmKey: id, CreatedAt: at, UpdatedAt: at}
}

var overallScore = 42.5

func submittedResult() scoring.Result {
	r := scoring.Result{SizeBand: "sme", Sector: "manufacturing"}
	r.Overall.Score = &overallScore
	return r
}

func submittedRow(id string, at time.Time) assessment.Submission {
	return assessment.Submission{AssessmentID: id, FirmKey: id, QuestionnaireID: "esr", Version: 1, SizeBand: "sme",
		Sector: "manufacturing", SubmittedAt: at, Overall: &overallScore, Domains: map[string]float64{"governance": 50},
		Choices: questionnaire.Answers{"q": "a"}}
}

// TestBackupUnderLoadRestores takes a snapshot while writers submit, restores it into a new
// data directory and finds every submission acknowledged before the snapshot began, numbered
// without gaps.
func TestBackupUnderLoadRestores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openIn(t, dir)
	defer s.Close(ctx)

	var (
		mu    sync.Mutex
		acked []string // in acknowledgement order
		stop  atomic.Bool
		wg    sync.WaitGroup
		n     atomic.Int64
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				id := fmt.Sprintf("w%d-%d", w, n.Add(1))
				if _, err := submitOne(ctx, s, id, time.Now()); err != nil {
					t.Errorf("submit %s: %v", id, err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 300 })
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "snapshot.db")
	info, err := Backup(ctx, dir, dest)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	t.Logf("snapshot of %d submissions while %d were acknowledged in all; %d bytes", info.Submissions, len(acked), info.Bytes)

	restored := restore(t, dest)
	for _, id := range before {
		a, err := restored.Assessment(ctx, id)
		if err != nil || a.Status != assessment.StatusSubmitted || a.Answers["prof_name"] != "𠮷野家" {
			t.Fatalf("acknowledged submission %s in the restored copy: %+v, %v", id, a.Status, err)
		}
	}
	rows, err := restored.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 1 << 30, Choices: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			t.Fatalf("restored row %d has seq %d: the sequence has a gap", i, r.Seq)
		}
	}
	if int64(len(rows)) != info.Submissions || len(rows) < len(before) {
		t.Errorf("restored %d rows; the snapshot reported %d, and %d were acknowledged before it", len(rows), info.Submissions, len(before))
	}
}

// restore copies a snapshot into a new data directory, as the README says, and opens it.
func restore(t *testing.T, snapshot string) *Store {
	t.Helper()
	dir := t.TempDir()
	src, err := os.Open(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	s := openIn(t, dir)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func TestBackupRefusesToOverwriteAndNamesMissingDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openIn(t, dir)
	s.Close(ctx)
	dest := filepath.Join(t.TempDir(), "exists.db")
	if err := os.WriteFile(dest, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, dir, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "keep me" {
		t.Error("the existing file was changed")
	}
	empty := t.TempDir()
	if _, err := Backup(ctx, empty, filepath.Join(empty, "x.db")); err == nil || !strings.Contains(err.Error(), "data_dir") {
		t.Errorf("backup of a directory without a database: %v", err)
	}
}

// waitFor polls a condition; the test deadline bounds it.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}
