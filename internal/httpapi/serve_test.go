package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/esready/esready/internal/httpapi"
)

// TestGracefulShutdown starts a slow request, then ends the serving context as SIGTERM does:
// the slow request still completes, new connections are refused, and Serve returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpapi.Serve(ctx, httpapi.NewServer(mux), ln, 30*time.Second, nil) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()

	<-started
	cancel() // shutdown begins while /slow is in flight

	// Wait until the listener is closed: a new connection is refused.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		select {
		case err := <-served:
			t.Fatalf("Serve returned %v while a request was in flight", err)
		default:
		}
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight request finished", err)
	default:
	}

	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: body %q, err %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestShutdownIsBounded: a request that never finishes does not hold shutdown past the grace
// period.
func TestShutdownIsBounded(t *testing.T) {
	started := make(chan struct{})
	block := make(chan struct{})
	defer close(block)
	mux := http.NewServeMux()
	mux.HandleFunc("/stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-block
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpapi.Serve(ctx, httpapi.NewServer(mux), ln, 50*time.Millisecond, nil) }()
	go func() {
		if res, err := http.Get("http://" + ln.Addr().String() + "/stuck"); err == nil {
			res.Body.Close()
		}
	}()
	<-started
	cancel()
	if err := <-served; err == nil {
		t.Fatal("Serve reported a clean shutdown although a request was cut off")
	}
}
