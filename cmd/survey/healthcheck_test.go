package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheckProbesLiveness: the container health check asks /healthz, so a database that
// is down (readiness failing) does not get a healthy process restarted; --ready asks /readyz.
func TestHealthcheckProbesLiveness(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusServiceUnavailable) // /readyz: the database is down
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	noEnv := func(string) string { return "" }
	var stderr strings.Builder
	if code := run(context.Background(), []string{"survey", "healthcheck", "--addr", addr}, noEnv, io.Discard, &stderr); code != 0 {
		t.Errorf("healthcheck: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	code := run(context.Background(), []string{"survey", "healthcheck", "--ready", "--addr", addr}, noEnv, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "/readyz answered 503") {
		t.Errorf("healthcheck --ready: exit %d, %q", code, stderr.String())
	}
}
