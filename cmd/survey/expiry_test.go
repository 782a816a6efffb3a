package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/store"
)

// TestServeExpiresDrafts runs the real command on a database holding a draft abandoned for 100
// days and one saved today: with the default draft_ttl the server deletes the first as it
// starts and logs the count; with draft_ttl 0 it deletes nothing.
func TestServeExpiresDrafts(t *testing.T) {
	for _, tc := range []struct {
		name, ttl, wantLog string
		wantExpired        bool
	}{
		{"default TTL", "", "deleted abandoned drafts", true},
		{"expiry off", "0", "draft expiry is off", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			seedDrafts(t, dir)
			env := map[string]string{"SURVEY_DATA_DIR": dir, "SURVEY_DRAFT_TTL": tc.ttl, "SURVEY_LOG_FORMAT": "text"}
			var stdout, stderr syncBuffer
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"survey", "serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &stdout, &stderr)
			}()
			waitFor(t, "the server to start and log "+tc.wantLog, func() bool {
				return strings.Contains(stdout.String(), "running at") && strings.Contains(stderr.String(), tc.wantLog)
			})
			stop()
			if code := <-done; code != 0 {
				t.Fatalf("exit code %d; stderr: %s", code, stderr.String())
			}
			if strings.Contains(stderr.String(), "abandoned-draft") {
				t.Errorf("the log names a draft:\n%s", stderr.String())
			}
			checkDrafts(t, dir, tc.wantExpired)
		})
	}
}

// seedDrafts stores a draft last saved 100 days ago and one saved now.
func seedDrafts(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	now := time.Now().UTC()
	for id, saved := range map[string]time.Time{"abandoned-draft": now.Add(-100 * 24 * time.Hour), "fresh-draft": now} {
		a := assessment.Assessment{ID: id, QuestionnaireID: "esr", Version: 2, Lang: "ja", Status: assessment.StatusDraft,
			Answers: questionnaire.Answers{}, CreatedAt: saved, UpdatedAt: saved, FirmKey: id}
		if err := st.CreateAssessment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

// checkDrafts checks, after the server stopped, that the abandoned draft is gone or kept and
// the fresh one kept.
func checkDrafts(t *testing.T, dir string, wantExpired bool) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if _, err := st.Assessment(ctx, "fresh-draft"); err != nil {
		t.Errorf("the fresh draft: %v", err)
	}
	_, err = st.Assessment(ctx, "abandoned-draft")
	if expired := errors.Is(err, assessment.ErrNotFound); expired != wantExpired {
		t.Errorf("the abandoned draft: %v; want expired %v", err, wantExpired)
	}
}

// waitFor polls cond until it holds, failing the test after thirty seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is an output the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
