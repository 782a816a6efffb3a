package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// NewServer wraps a handler in an http.Server with timeouts that keep slow clients from holding
// connections forever.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it sets draining (when not
// nil), so /readyz fails from the first moment, stops accepting, lets in-flight requests finish
// for up to grace, and closes what is still open after that.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, draining *Draining) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if draining != nil {
		draining.Store(true)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("graceful shutdown did not finish within %s: %w", grace, err)
	}
	return nil
}
