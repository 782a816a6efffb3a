// Command loadgen measures the survey server under respondent load and writes
// docs/benchmarks.md. It starts a real `survey serve` on loopback, runs respondents (create,
// three autosaves, submit, result, and in a second pass the PDF) at several concurrency levels,
// each bounded in respondents and time, and reports throughput and exact latency percentiles
// per endpoint. In the same run it measures the ceiling of the store alone (the same writes
// straight through internal/store) and the same load again after bulk-loading submitted
// assessments, so the HTTP overhead and the cost of a full store show as ratios.
//
//	go build -o bin/survey ./cmd/survey && go run ./cmd/loadgen -bin bin/survey
//
// A failed request is an error: it is counted per endpoint, listed in the report, and makes
// the command exit 1.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/surveyproc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	bin            string
	levels         []int
	requests       int
	pdfRequests    int
	duration       time.Duration
	preload        int
	preloadWorkers int
	pdf            bool
	out            string
	answers        string
	tmp            string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "bin/survey", "the survey binary to run")
	levels := fs.String("c", "1,8,32", "concurrency levels: respondents at once, comma-separated")
	fs.IntVar(&o.requests, "requests", 3000, "at most this many respondents per level")
	fs.IntVar(&o.pdfRequests, "pdf-requests", 300, "at most this many respondents per level in the PDF pass")
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "at most this long per level")
	fs.IntVar(&o.preload, "preload", 100_000, "submitted assessments to bulk-load before the second run (0: none)")
	fs.IntVar(&o.preloadWorkers, "preload-workers", 16, "goroutines writing the preload")
	fs.BoolVar(&o.pdf, "pdf", true, "run the second pass that also fetches the PDF report")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "where to write the report (- for stdout)")
	fs.StringVar(&o.answers, "answers", "examples/answers", "directory of complete answer sets to vary")
	fs.StringVar(&o.tmp, "tmp", "", "directory for the data directories (default: the system's)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for f := range strings.SplitSeq(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-c: %q is not a positive number", f)
		}
		o.levels = append(o.levels, n)
	}
	if o.requests < 1 || o.pdfRequests < 1 || o.duration <= 0 || o.preload < 0 || o.preloadWorkers < 1 {
		return o, errors.New("-requests, -pdf-requests, -duration and -preload-workers must be positive, -preload not negative")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 2
	}
	r, err := measure(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 1
	}
	var doc bytes.Buffer
	writeReport(&doc, r)
	if err := output(o.out, doc.Bytes()); err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 1
	}
	for _, t := range targets(r) {
		fmt.Fprintf(stderr, "%-70s %-28s %s\n", t.what, t.measured, strings.Trim(t.verdict, "*"))
	}
	if n := r.errorCount(); n > 0 {
		fmt.Fprintf(stderr, "loadgen: %d REQUESTS FAILED; see the error table in %s\n", n, o.out)
		return 1
	}
	fmt.Fprintf(stderr, "loadgen: wrote %s\n", o.out)
	return 0
}

func output(path string, doc []byte) error {
	if path == "-" {
		_, err := os.Stdout.Write(doc)
		return err
	}
	return os.WriteFile(path, doc, 0o644)
}

// measure runs the phases in order: the store alone, the server on an empty data directory,
// the preload, the server on the preloaded one.
func measure(ctx context.Context, o options, progress io.Writer) (results, error) {
	r := results{Opts: o, Date: time.Now(), Machine: describeMachine(o.bin), LoadAvg: loadAverage()}
	cpu := sampleCPU()
	def, vs, err := loadVariants(o.answers)
	if err != nil {
		return r, err
	}
	r.Mix = mix(vs)
	tmp, err := os.MkdirTemp(o.tmp, "loadgen-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(tmp)

	fmt.Fprintf(progress, "loadgen: the store alone\n")
	if r.Store, err = storeAlone(ctx, filepath.Join(tmp, "store"), o, def, vs, progress); err != nil {
		return r, err
	}
	fmt.Fprintf(progress, "loadgen: survey serve, empty store\n")
	if r.Empty, err = serverRun(ctx, filepath.Join(tmp, "empty"), o, vs, "empty", progress); err != nil {
		return r, err
	}
	if o.preload > 0 {
		dir := filepath.Join(tmp, "loaded")
		fmt.Fprintf(progress, "loadgen: preloading %s submitted assessments\n", thousands(o.preload))
		if r.PreloadTook, err = preload(ctx, dir, def, vs, o.preload, o.preloadWorkers, progress); err != nil {
			return r, err
		}
		fmt.Fprintf(progress, "loadgen: survey serve, %s stored\n", thousands(o.preload))
		if r.Loaded, err = serverRun(ctx, dir, o, vs, "stored", progress); err != nil {
			return r, err
		}
	}
	r.Took = time.Since(r.Date)
	if r.OtherCPU = othersShare(cpu, sampleCPU()); r.OtherCPU > 0.1 {
		fmt.Fprintf(progress, "loadgen: WARNING: other processes used %.0f%% of the CPU during the run; the figures are low\n", 100*r.OtherCPU)
	}
	return r, nil
}

// loadVariants loads the questionnaire as the server does (embedded configs/, overlaid by
// SURVEY_CONFIG_DIR) and derives the answer sets from the examples.
func loadVariants(dir string) (*questionnaire.Definition, []variant, error) {
	cfg, err := config.Load(nil, os.Getenv, io.Discard)
	if err != nil {
		return nil, nil, err
	}
	defs, err := questionnaire.Load(cfg.Files, "questionnaires")
	if err != nil {
		return nil, nil, err
	}
	def, ok := defs.Latest("esr")
	if !ok {
		return nil, nil, errors.New(`no questionnaire "esr" configured`)
	}
	bases, err := loadBases(dir)
	if err != nil {
		return nil, nil, err
	}
	// A fixed seed: two runs load the server with the same answers.
	vs, err := buildVariants(def, bases, 96, rand.New(rand.NewPCG(1, 2)))
	return def, vs, err
}

// storeAlone runs the levels straight through the store, on one store as the server has one.
func storeAlone(ctx context.Context, dir string, o options, def *questionnaire.Definition, vs []variant, progress io.Writer) ([]level, error) {
	st, err := openStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	var ls []level
	for _, c := range o.levels {
		ls = append(ls, runLevel(ctx, "store alone", c, bounds{o.requests, o.duration}, storeFlow(st, def, vs), nil, progress))
	}
	return ls, st.Close(ctx)
}

// serverRun starts the server on dir, runs the levels and, with -pdf, the PDF pass, and stops
// it gracefully; a server that fails to stop cleanly fails the run.
func serverRun(ctx context.Context, dir string, o options, vs []variant, name string, progress io.Writer) (phase, error) {
	var p phase
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	srv, err := surveyproc.Start(sctx, o.bin, dir)
	cancel()
	if err != nil {
		return p, err
	}
	p.Listening, p.Ready = srv.Listening, srv.Ready
	fmt.Fprintf(progress, "  listening after %s, ready after %s\n", srv.Listening.Round(time.Millisecond), srv.Ready.Round(time.Millisecond))
	c := surveyproc.NewClient(srv.URL, slices.Max(o.levels), 30*time.Second)
	for _, n := range o.levels {
		p.Levels = append(p.Levels, runLevel(ctx, name, n, bounds{o.requests, o.duration}, httpFlow(c, vs, false), srv.CPUTime, progress))
	}
	if o.pdf {
		for _, n := range o.levels {
			p.PDF = append(p.PDF, runLevel(ctx, name+" with PDF", n, bounds{o.pdfRequests, o.duration}, httpFlow(c, vs, true), srv.CPUTime, progress))
		}
	}
	return p, srv.Stop(time.Minute)
}
