package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/esready/esready/internal/assessment"
)

// draftExpiryEvery is how often serve deletes the drafts not saved for longer than draft_ttl.
const draftExpiryEvery = time.Hour

// startDraftExpiry runs the draft expiry in the background until ctx ends (nothing when ttl is
// 0) and returns a function that stops it and waits for it, so that the store is closed only
// after the expiry's last write.
func startDraftExpiry(ctx context.Context, svc *assessment.Service, ttl time.Duration, log *slog.Logger) (stop func()) {
	if ttl == 0 {
		log.Info("draft expiry is off (draft_ttl 0): drafts are kept until deleted")
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunDraftExpiry(ctx, ttl, draftExpiryEvery, log)
	}()
	return func() {
		cancel()
		<-done
	}
}
