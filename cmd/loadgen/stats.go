package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// The endpoints (or, for the store alone, the store calls) a respondent's flow measures.
const (
	opCreate = "create"
	opSave   = "save"
	opSubmit = "submit"
	opResult = "result"
	opPDF    = "pdf"
)

var ops = []string{opCreate, opSave, opSubmit, opResult, opPDF}

// recorder collects one worker's samples; workers never share one, so recording takes no lock.
type recorder struct {
	samples  map[string][]time.Duration
	errors   map[string]int
	firstErr map[string]string
	flows    int // respondents whose flow completed
}

func newRecorder() *recorder {
	return &recorder{samples: map[string][]time.Duration{}, errors: map[string]int{}, firstErr: map[string]string{}}
}

func (r *recorder) ok(op string, d time.Duration) { r.samples[op] = append(r.samples[op], d) }

func (r *recorder) fail(op string, err error) {
	r.errors[op]++
	if _, seen := r.firstErr[op]; !seen {
		r.firstErr[op] = err.Error()
	}
}

func (r *recorder) merge(o *recorder) {
	for op, s := range o.samples {
		r.samples[op] = append(r.samples[op], s...)
	}
	for op, n := range o.errors {
		r.errors[op] += n
		if _, seen := r.firstErr[op]; !seen {
			r.firstErr[op] = o.firstErr[op]
		}
	}
	r.flows += o.flows
}

// summary is the latency distribution of one endpoint at one level. Percentiles are exact
// (nearest rank over every sample), not estimated.
type summary struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func summarize(s []time.Duration) summary {
	if len(s) == 0 {
		return summary{}
	}
	s = slices.Clone(s)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(float64(len(s))*p/100)) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return summary{N: len(s), P50: rank(50), P95: rank(95), P99: rank(99), Max: s[len(s)-1]}
}

// level is the outcome of one concurrency level of one phase.
type level struct {
	Concurrency int
	Elapsed     time.Duration
	Flows       int // respondents that completed their whole flow
	Requests    int // successful calls, all endpoints
	Ops         map[string]summary
	Errors      map[string]int
	FirstErr    map[string]string
	// CPU time used during the level by this process (the load generator, and for the store
	// alone the store too) and by the server process.
	ClientCPU, ServerCPU time.Duration
}

func newLevel(c int, elapsed time.Duration, r *recorder) level {
	l := level{Concurrency: c, Elapsed: elapsed, Flows: r.flows, Ops: map[string]summary{}, Errors: r.errors, FirstErr: r.firstErr}
	for op, s := range r.samples {
		l.Ops[op] = summarize(s)
		l.Requests += len(s)
	}
	return l
}

// Submissions is the throughput the targets speak of: acknowledged submits per second.
func (l level) Submissions() float64 { return rate(l.Ops[opSubmit].N, l.Elapsed) }

// RequestRate counts every successful call per second.
func (l level) RequestRate() float64 { return rate(l.Requests, l.Elapsed) }

func (l level) errorCount() int {
	n := 0
	for _, e := range l.Errors {
		n += e
	}
	return n
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ms formats a latency in milliseconds with the precision that matters at its size.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 1:
		return fmt.Sprintf("%.2f", f)
	case f < 100:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.0f", f)
	}
}
