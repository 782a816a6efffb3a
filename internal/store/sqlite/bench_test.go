package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
)

// BenchmarkRespondentParallel is one respondent's writes (create, three saves, submit) from 32
// goroutines, every write durable: the group commit's ceiling. One op is one respondent.
func BenchmarkRespondentParallel(b *testing.B) {
	benchRespondents(b, 0)
}

// BenchmarkRespondentParallel100k is the same with 100,000 submissions already stored.
func BenchmarkRespondentParallel100k(b *testing.B) {
	benchRespondents(b, 100_000)
}

func benchRespondents(b *testing.B, preload int) {
	ctx := context.Background()
	s := openTest(b)
	var n atomic.Int64
	preloadSubmissions(b, s, preload, &n)
	answers := questionnaire.Answers{"prof_name": "𠮷野家", "q1": "a", "q2": []any{"x", "y"}, "q3": 3.0}
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("r%d", n.Add(1))
			if err := respondent(ctx, s, id, answers); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func respondent(ctx context.Context, s *Store, id string, answers questionnaire.Answers) error {
	now := time.Now()
	if err := s.CreateAssessment(ctx, draft(id, now)); err != nil {
		return err
	}
	for rev := range 3 {
		if err := s.SaveDraft(ctx, id, rev, answers, now); err != nil {
			return err
		}
	}
	_, err := s.MarkSubmitted(ctx, id, 3, submittedResult(), submittedRow(id, now))
	return err
}

func preloadSubmissions(b *testing.B, s *Store, n int, ids *atomic.Int64) {
	ctx := context.Background()
	sem := make(chan struct{}, 64)
	errs := make(chan error, 64)
	for range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			if _, err := submitOne(ctx, s, fmt.Sprintf("p%d", ids.Add(1)), time.Now()); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}()
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

// BenchmarkLoadPeers100k reads every compact row of 100,000 submissions in the pages the peer
// cache reads at start-up.
func BenchmarkLoadPeers100k(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	var n atomic.Int64
	preloadSubmissions(b, s, 100_000, &n)
	b.ResetTimer()
	for b.Loop() {
		var after int64
		total := 0
		for {
			rows, err := s.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, After: after, Limit: 5000})
			if err != nil {
				b.Fatal(err)
			}
			total += len(rows)
			if len(rows) < 5000 {
				break
			}
			after = rows[len(rows)-1].Seq
		}
		if total != 100_000 {
			b.Fatalf("read %d rows", total)
		}
	}
}
