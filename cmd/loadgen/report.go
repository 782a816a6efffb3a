package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// results is everything one run measured.
type results struct {
	Machine machine
	Opts    options
	Mix     string
	Date    time.Time
	Took    time.Duration
	Store   []level // the same writes straight through the store package
	Empty   phase   // HTTP, on an empty data directory
	Loaded  phase   // HTTP, after the preload
	// LoadAvg is the one-minute load average at the start; OtherCPU the share of the CPU that
	// other processes used during the run. Either high means the figures are low.
	LoadAvg     string
	OtherCPU    float64
	PreloadTook time.Duration
}

// phase is one server process's run: how long it took to start, then the levels and the PDF
// pass.
type phase struct {
	// Listening is exec to the "running at" line; Ready exec to the first 200 from /readyz.
	Listening, Ready time.Duration
	Levels, PDF      []level
}

// errorCount is the number of failed calls in the whole run.
func (r results) errorCount() int {
	n := 0
	for _, ls := range [][]level{r.Store, r.Empty.Levels, r.Empty.PDF, r.Loaded.Levels, r.Loaded.PDF} {
		for _, l := range ls {
			n += l.errorCount()
		}
	}
	return n
}

// writeReport writes docs/benchmarks.md: machine, targets met or missed, then the tables.
func writeReport(w io.Writer, r results) {
	fmt.Fprintf(w, "# Benchmarks\n\nWritten by `make bench` (cmd/loadgen) on %s; the run took %s. "+
		"Regenerate rather than edit.\n\n", r.Date.Format("2006-01-02 15:04 MST"), r.Took.Round(time.Second))
	if n := r.errorCount(); n > 0 {
		fmt.Fprintf(w, "> **%d REQUESTS FAILED in this run; the figures below are not valid.** See the error table at the end.\n\n", n)
	}
	writeMachine(w, r)
	writeTargets(w, r)
	writeMethod(w, r)
	writeThroughput(w, r)
	writeCPU(w, r)
	writeLatency(w, "Latency over HTTP, empty store", r.Empty.Levels)
	if r.Opts.preload > 0 {
		writeLatency(w, fmt.Sprintf("Latency over HTTP, %s submitted assessments stored", thousands(r.Opts.preload)), r.Loaded.Levels)
	}
	if r.Opts.pdf {
		writeLatency(w, "Second pass with the PDF report, empty store", r.Empty.PDF)
		if r.Opts.preload > 0 {
			writeLatency(w, fmt.Sprintf("Second pass with the PDF report, %s stored", thousands(r.Opts.preload)), r.Loaded.PDF)
		}
	}
	writeLatency(w, "The store alone (same writes, no HTTP, no validation or scoring)", r.Store)
	writeErrors(w, r)
}

func writeMachine(w io.Writer, r results) {
	m := r.Machine
	fmt.Fprintf(w, "## Machine\n\n| | |\n|---|---|\n")
	fmt.Fprintf(w, "| CPU | %s, %d cores visible to Go |\n| Memory | %s |\n| Kernel | Linux %s |\n", m.CPU, m.Cores, m.Memory, m.Kernel)
	fmt.Fprintf(w, "| Go | %s |\n| Commit | %s |\n| Binary | `%s` (%s) |\n", m.Go, m.Commit, r.Opts.bin, m.Survey)
	fmt.Fprintf(w, "| Other load | load average %s at the start; other processes used %.0f%% of the CPU during the run |\n", r.LoadAvg, 100*r.OtherCPU)
	fmt.Fprintf(w, "| Run | %s concurrent respondents; per level at most %s respondents (PDF pass %s) and %s |\n\n",
		joinInts(r.Opts.levels), thousands(r.Opts.requests), thousands(r.Opts.pdfRequests), r.Opts.duration)
}

// target is one row of the targets table.
type target struct{ what, measured, verdict string }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func writeTargets(w io.Writer, r results) {
	fmt.Fprintf(w, "## Targets (issue: storage rewrite, 2 cores)\n\n| target | measured | |\n|---|---|---|\n")
	for _, t := range targets(r) {
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, t.measured, t.verdict)
	}
	fmt.Fprintln(w)
}

func targets(r results) []target {
	var ts []target
	e, ok := top(r.Empty.Levels)
	if !ok {
		return nil
	}
	c := e.Concurrency
	ts = append(ts,
		target{fmt.Sprintf("≥ 500 submissions/s at %d concurrent, empty store", c), fmt.Sprintf("%.0f/s", e.Submissions()), verdict(e.Submissions() >= 500)},
		target{fmt.Sprintf("submit p99 ≤ 100 ms at %d concurrent, empty store", c), ms(e.Ops[opSubmit].P99) + " ms", verdict(e.Ops[opSubmit].P99 <= 100*time.Millisecond)})
	full := r.Opts.preload >= 100_000
	stored := thousands(r.Opts.preload) + " stored"
	if l, ok := top(r.Loaded.Levels); ok {
		ratio := l.Submissions() / e.Submissions()
		ts = append(ts, target{fmt.Sprintf("with %s, ≥ 0.8 × the empty-store throughput at %d concurrent", stored, c),
			fmt.Sprintf("%.0f/s = %.2f ×", l.Submissions(), ratio), scaled(ratio >= 0.8, full)})
	}
	worst, where := time.Duration(0), ""
	for _, p := range []struct {
		name string
		ls   []level
	}{{"empty", r.Empty.Levels}, {stored, r.Loaded.Levels}} {
		for _, l := range p.ls {
			if s := l.Ops[opResult]; s.N > 0 && s.P99 >= worst {
				worst, where = s.P99, fmt.Sprintf("%s, %d concurrent", p.name, l.Concurrency)
			}
		}
	}
	ts = append(ts, target{"result p99 ≤ 20 ms (worst level)", fmt.Sprintf("%s ms (%s)", ms(worst), where), verdict(worst <= 20*time.Millisecond)})
	if r.Opts.preload > 0 {
		ts = append(ts, target{fmt.Sprintf("start to ready ≤ 2 s with %s", stored),
			fmt.Sprintf("%s (empty: %s)", seconds(r.Loaded.Ready), seconds(r.Empty.Ready)), scaled(r.Loaded.Ready <= 2*time.Second, full)})
	}
	return ts
}

// scaled is the verdict of a target stated for 100,000 stored assessments, which a quick run
// with a smaller preload cannot claim.
func scaled(ok, full bool) string {
	if !full {
		return "not measured at 100,000 (quick run)"
	}
	return verdict(ok)
}

// top is the highest concurrency level of a phase, the one the targets are stated for.
func top(ls []level) (level, bool) {
	if len(ls) == 0 {
		return level{}, false
	}
	return ls[len(ls)-1], true
}

func writeMethod(w io.Writer, r results) {
	fmt.Fprintf(w, "## What was measured\n\n")
	fmt.Fprintf(w, "Each respondent creates an assessment, autosaves three times (a third, two thirds, then all "+
		"of its answers), submits, and fetches the result; in the second pass it also fetches the PDF action report. "+
		"The answers vary (%s) and alternate between Japanese and English. "+
		"A level runs that many respondents at once, each starting the next when it finishes, against one `survey serve` "+
		"on loopback, with the per-address rate limits off (`--rate-limit 0`: all the load comes from one address); the levels run one after another on the same server, so the \"empty\" store holds the earlier levels' assessments. "+
		"The load generator shares the machine's cores with the server (see the CPU table). "+
		"Latency is one HTTP exchange, from sending the request to reading the whole body; percentiles are exact over every request. "+
		"Throughput is acknowledged submissions per second of the level's wall time; each submission is a whole respondent, "+
		"six requests (seven with the PDF).\n\n", r.Mix)
	fmt.Fprintf(w, "The store-alone rows make the same calls straight through `internal/store` (create, three `SaveDraft`, "+
		"`MarkSubmitted` with a precomputed result, and the `Assessment` read a result needs) on an empty data directory: "+
		"the ceiling the server works under. ")
	if r.Opts.preload > 0 {
		fmt.Fprintf(w, "Before the second server run, %s submitted assessments were written through the same store "+
			"interface with %d goroutines in %s (%.0f/s).", thousands(r.Opts.preload), r.Opts.preloadWorkers,
			seconds(r.PreloadTook), rate(r.Opts.preload, r.PreloadTook))
	}
	fmt.Fprintf(w, "\n\n")
}

func writeThroughput(w io.Writer, r results) {
	stored := thousands(r.Opts.preload) + " stored"
	fmt.Fprintf(w, "## Throughput (submissions/s)\n\n| concurrent | store alone | HTTP, empty | store ÷ HTTP | HTTP, %s | %s ÷ empty | HTTP requests/s, empty |\n|---:|---:|---:|---:|---:|---:|---:|\n", stored, stored)
	for i, e := range r.Empty.Levels {
		st, ld := "–", "–"
		ratio, growth := "–", "–"
		if i < len(r.Store) {
			st = fmt.Sprintf("%.0f", r.Store[i].Submissions())
			ratio = fmt.Sprintf("%.1f ×", r.Store[i].Submissions()/e.Submissions())
		}
		if i < len(r.Loaded.Levels) {
			ld = fmt.Sprintf("%.0f", r.Loaded.Levels[i].Submissions())
			growth = fmt.Sprintf("%.2f", r.Loaded.Levels[i].Submissions()/e.Submissions())
		}
		fmt.Fprintf(w, "| %d | %s | %.0f | %s | %s | %s | %.0f |\n", e.Concurrency, st, e.Submissions(), ratio, ld, growth, e.RequestRate())
	}
	fmt.Fprintf(w, "\nStart of `survey serve` (from exec to the \"running at\" line, and to the first 200 from /readyz): "+
		"%s and %s on the empty data directory", seconds(r.Empty.Listening), seconds(r.Empty.Ready))
	if r.Opts.preload > 0 {
		fmt.Fprintf(w, "; %s and %s with %s", seconds(r.Loaded.Listening), seconds(r.Loaded.Ready), stored)
	}
	fmt.Fprintf(w, ".\n\n")
}

// writeCPU shows how the cores were shared: the load generator runs on the same machine, so
// what it uses the server cannot.
func writeCPU(w io.Writer, r results) {
	fmt.Fprintf(w, "## CPU during the HTTP levels (cores busy on average)\n\n| concurrent | server, empty | load generator, empty | server, stored | load generator, stored |\n|---:|---:|---:|---:|---:|\n")
	cores := func(ls []level, i int, d func(level) time.Duration) string {
		if i >= len(ls) || ls[i].Elapsed <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", d(ls[i]).Seconds()/ls[i].Elapsed.Seconds())
	}
	srv := func(l level) time.Duration { return l.ServerCPU }
	gen := func(l level) time.Duration { return l.ClientCPU }
	for i, e := range r.Empty.Levels {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", e.Concurrency, cores(r.Empty.Levels, i, srv), cores(r.Empty.Levels, i, gen),
			cores(r.Loaded.Levels, i, srv), cores(r.Loaded.Levels, i, gen))
	}
	fmt.Fprintln(w)
}

func writeLatency(w io.Writer, title string, ls []level) {
	if len(ls) == 0 {
		return
	}
	fmt.Fprintf(w, "## %s\n\n| concurrent | call | n | p50 ms | p95 ms | p99 ms | max ms | errors |\n|---:|---|---:|---:|---:|---:|---:|---:|\n", title)
	for _, l := range ls {
		for _, op := range ops {
			s, ok := l.Ops[op]
			if !ok && l.Errors[op] == 0 {
				continue
			}
			fmt.Fprintf(w, "| %d | %s | %d | %s | %s | %s | %s | %d |\n", l.Concurrency, op, s.N, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), l.Errors[op])
		}
	}
	fmt.Fprintln(w)
}

func writeErrors(w io.Writer, r results) {
	if r.errorCount() == 0 {
		fmt.Fprintf(w, "No request failed: every call got the status the contract promises.\n")
		return
	}
	fmt.Fprintf(w, "## Errors\n\n| phase | concurrent | call | count | first error |\n|---|---:|---|---:|---|\n")
	for _, p := range []struct {
		name string
		ls   []level
	}{{"store alone", r.Store}, {"empty", r.Empty.Levels}, {"empty, PDF", r.Empty.PDF}, {"stored", r.Loaded.Levels}, {"stored, PDF", r.Loaded.PDF}} {
		for _, l := range p.ls {
			for _, op := range ops {
				if n := l.Errors[op]; n > 0 {
					msg := strings.ReplaceAll(l.FirstErr[op], "|", `\|`)
					fmt.Fprintf(w, "| %s | %d | %s | %d | %s |\n", p.name, l.Concurrency, op, n, strings.ReplaceAll(msg, "\n", " "))
				}
			}
		}
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// thousands writes 100000 as 100,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
