package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/httpapi"
)

// TestReadinessFailsWhileDraining: once shutdown has begun, /readyz answers 503 shutting_down
// so a load balancer sends no new request, while /healthz still answers 200 so that the
// orchestrator lets the in-flight requests finish.
func TestReadinessFailsWhileDraining(t *testing.T) {
	draining := &httpapi.Draining{}
	ts := startServerWith(t, nil, func(d *httpapi.Deps) { d.Draining = draining })
	ts.run(t, scenario{method: "GET", path: "/readyz", wantStatus: 200, wantBody: `"status":"ready"`})
	draining.Store(true)
	ts.run(t, scenario{method: "GET", path: "/readyz", wantStatus: 503, wantCode: "shutting_down"})
	ts.run(t, scenario{method: "GET", path: "/healthz", wantStatus: 200, wantBody: `"status":"ok"`})
}

// TestServeDrainsFirst runs the real router under Serve on loopback and starts shutdown while
// a request is in flight: by the time Serve's listener refuses connections readiness fails
// (read through a second listener of the same router, as a load balancer still connected
// would), and the in-flight request then completes.
func TestServeDrainsFirst(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var router *gin.Engine
	draining := &httpapi.Draining{}
	ts := startServerWith(t, func(r *gin.Engine) {
		router = r
		r.GET("/api/v1/slow", func(c *gin.Context) {
			close(started)
			<-release
			c.String(200, "finished")
		})
	}, func(d *httpapi.Deps) { d.Draining = draining })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpapi.Serve(ctx, httpapi.NewServer(router), ln, 30*time.Second, draining) }()
	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("/readyz before shutdown: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	got := make(chan string, 1)
	go func() {
		res, err := http.Get(base + "/api/v1/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	for { // until the listener is closed
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
	}
	if !draining.Load() {
		t.Error("the listener closed before readiness failed")
	}
	ts.run(t, scenario{method: "GET", path: "/readyz", wantStatus: 503, wantCode: "shutting_down"})
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request: %q", body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
