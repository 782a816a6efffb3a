package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/store"
)

// openStore opens the embedded store in dir as the server would.
func openStore(ctx context.Context, dir string) (store.Store, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return store.Open(ctx, store.Options{DataDir: dir, Database: "esready", Logger: log})
}

// newDraft builds a draft as assessment.Service.Create does: a random id, the hash of a random
// credential, the firm keyed by its first assessment's id.
func newDraft(def *questionnaire.Definition, lang string, now time.Time) assessment.Assessment {
	var id [12]byte
	var token [32]byte
	rand.Read(id[:])
	rand.Read(token[:])
	sum := sha256.Sum256([]byte(hex.EncodeToString(token[:])))
	a := assessment.Assessment{
		ID: hex.EncodeToString(id[:]), QuestionnaireID: def.ID, Version: def.Version, Hash: def.Hash,
		Lang: lang, Status: assessment.StatusDraft, Answers: questionnaire.Answers{},
		TokenHash: hex.EncodeToString(sum[:]), CreatedAt: now, UpdatedAt: now,
	}
	a.FirmKey = a.ID
	return a
}

// storeFlow is the HTTP respondent's writes made straight through the store: create, three
// autosaves, the submit with its precomputed result and compact row, and the read that serves
// the result. Nothing is validated or scored here, so it is the ceiling the server works under.
func storeFlow(st store.Store, def *questionnaire.Definition, vs []variant) flow {
	return func(ctx context.Context, i int, rec *recorder) bool {
		v := vs[i%len(vs)]
		now := time.Now().UTC()
		a := newDraft(def, "ja", now)
		if !timed(rec, opCreate, func() error { return st.CreateAssessment(ctx, a) }) {
			return false
		}
		for rev, ans := range v.saves {
			if !timed(rec, opSave, func() error { return st.SaveDraft(ctx, a.ID, rev, ans, now) }) {
				return false
			}
		}
		a.Answers, a.Revision = v.saves[len(v.saves)-1], len(v.saves)
		row := assessment.NewSubmission(a, def, v.result, now)
		if !timed(rec, opSubmit, func() error {
			_, err := st.MarkSubmitted(ctx, a.ID, a.Revision, v.result, row)
			return err
		}) {
			return false
		}
		return timed(rec, opResult, func() error { _, err := st.Assessment(ctx, a.ID); return err })
	}
}

func timed(rec *recorder, op string, call func() error) bool {
	began := time.Now()
	if err := call(); err != nil {
		rec.fail(op, err)
		return false
	}
	rec.ok(op, time.Since(began))
	return true
}

// preload writes n submitted assessments into the store in dir with workers goroutines, each
// created with its complete answers and then submitted, through the same interface the server
// uses. Submission times spread over the past year, as a deployment's would.
func preload(ctx context.Context, dir string, def *questionnaire.Definition, vs []variant, n, workers int, progress io.Writer) (time.Duration, error) {
	st, err := openStore(ctx, dir)
	if err != nil {
		return 0, err
	}
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	began := time.Now()
	stop := tick(progress, func() string {
		d := done.Load()
		return fmt.Sprintf("  preload: %d/%d submitted assessments (%.0f/s)", d, n, rate(int(d), time.Since(began)))
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := preloadOne(ctx, st, def, vs[i%len(vs)], i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	stop()
	took := time.Since(began)
	if err := st.Close(ctx); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return took, firstErr
}

func preloadOne(ctx context.Context, st store.Store, def *questionnaire.Definition, v variant, i int) error {
	at := time.Now().UTC().Add(-time.Duration(mrand.Int64N(int64(365 * 24 * time.Hour))))
	lang := [2]string{"ja", "en"}[i%2]
	a := newDraft(def, lang, at)
	a.Answers = v.saves[len(v.saves)-1]
	if err := st.CreateAssessment(ctx, a); err != nil {
		return fmt.Errorf("preload: create: %w", err)
	}
	row := assessment.NewSubmission(a, def, v.result, at)
	if _, err := st.MarkSubmitted(ctx, a.ID, a.Revision, v.result, row); err != nil {
		return fmt.Errorf("preload: submit: %w", err)
	}
	return nil
}
