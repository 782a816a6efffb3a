package assessment

import (
	"context"
	"log/slog"
	"time"
)

// expiryBatch is how many drafts one write deletes: small enough that the embedded store's
// writer is never held long, so saves and submissions queued behind it barely wait.
const expiryBatch = 500

// ExpireDrafts deletes the drafts not saved for longer than ttl (by the service's clock), in
// batches, and returns how many it deleted. Submitted assessments are never expired.
func (s *Service) ExpireDrafts(ctx context.Context, ttl time.Duration) (int, error) {
	before := s.now().UTC().Add(-ttl)
	total := 0
	for {
		n, err := s.store.DeleteDrafts(ctx, before, expiryBatch)
		total += n
		if err != nil || n < expiryBatch {
			return total, err
		}
	}
}

// RunDraftExpiry expires drafts (ExpireDrafts) at once and then every interval, until ctx
// ends. It logs counts only, never an assessment's content; a failed pass is logged and tried
// again at the next tick. Every server sharing a database may run it: a draft is deleted once.
func (s *Service) RunDraftExpiry(ctx context.Context, ttl, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		s.expireOnce(ctx, ttl, log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Service) expireOnce(ctx context.Context, ttl time.Duration, log *slog.Logger) {
	n, err := s.ExpireDrafts(ctx, ttl)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("draft expiry failed; it runs again at the next interval", "deleted", n, "err", err)
	case n > 0:
		log.Info("deleted abandoned drafts", "deleted", n, "draft_ttl", ttl.String())
	default:
		log.Debug("no abandoned drafts", "draft_ttl", ttl.String())
	}
}
