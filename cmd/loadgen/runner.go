package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// flow runs respondent number i on one worker, recording each call in rec. It returns false
// when a call failed (the failure is recorded); the respondent is then abandoned.
type flow func(ctx context.Context, i int, rec *recorder) bool

// bounds limit one level: at most flows respondents and at most d of starting new ones.
type bounds struct {
	flows int
	d     time.Duration
}

// runLevel runs respondents on c concurrent workers until the bounds are reached. Each worker
// runs one respondent after another, so c is also the number of requests in flight. server, when
// not nil, reads the server process's CPU time, so the report shows how the two cores were
// shared between the server and the load generator.
func runLevel(ctx context.Context, name string, c int, b bounds, f flow, server func() time.Duration, progress io.Writer) level {
	var next atomic.Int64
	var done atomic.Int64
	recs := make([]*recorder, c)
	cpu0, srv0 := ownCPU(), cpuOf(server)
	began := time.Now()
	deadline := began.Add(b.d)
	stop := tick(progress, func() string {
		return fmt.Sprintf("  %s, %d concurrent: %d respondents done, %s", name, c, done.Load(), time.Since(began).Round(time.Second))
	})
	var wg sync.WaitGroup
	for w := range c {
		recs[w] = newRecorder()
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= b.flows {
					return
				}
				if f(ctx, i, recs[w]) {
					recs[w].flows++
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	stop()
	all := newRecorder()
	for _, r := range recs {
		all.merge(r)
	}
	l := newLevel(c, elapsed, all)
	l.ClientCPU, l.ServerCPU = ownCPU()-cpu0, cpuOf(server)-srv0
	fmt.Fprintf(progress, "  %s, %d concurrent: %d respondents in %s, %.0f submissions/s, %d errors\n",
		name, c, l.Flows, elapsed.Round(10*time.Millisecond), l.Submissions(), l.errorCount())
	return l
}

func cpuOf(server func() time.Duration) time.Duration {
	if server == nil {
		return 0
	}
	return server()
}

// tick prints a progress line every five seconds until the returned stop is called.
func tick(w io.Writer, line func() string) (stop func()) {
	t := time.NewTicker(5 * time.Second)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-t.C:
				fmt.Fprintln(w, line())
			case <-quit:
				return
			}
		}
	})
	return func() { t.Stop(); close(quit); wg.Wait() }
}
