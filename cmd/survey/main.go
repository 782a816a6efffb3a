// Command survey is the esready server and its command-line tools.
//
//	survey serve [flags]     start the HTTP server (see survey serve -h for the flags)
//	survey score FILE [--json]  score an answer file
//	survey report FILE --lang ja -o OUT.pdf    the PDF action report
//	survey checklist FILE|--blank -o OUT.xlsx   the checklist workbook
//	survey validate [path]   check questionnaire definitions
//	survey backup FILE       online snapshot of the embedded database
//	survey healthcheck [--ready]  exit 0 when the local server is alive (--ready: ready to serve)
//	survey version           print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/esready/esready/frontend"
	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/httpapi"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
	"github.com/esready/esready/internal/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: survey <command> [flags]

commands:
  serve        start the HTTP server
  score        score an answer file (e.g. examples/answers/small-sme.json); --json for JSON
  report       write the PDF action report of an answer file (--lang ja|en -o OUT.pdf)
  checklist    write the checklist workbook of an answer file, or the blank one (--blank)
  validate     check questionnaire definitions (a file, a directory, or the configured ones)
  backup       write a consistent snapshot of the embedded database to FILE, also while serving
  chamber      create a chamber of commerce (chamber create --id ID --name NAME --name-en NAME)
  user         create a staff or admin account and print its set-password link (user create ...)
  healthcheck  exit 0 when the server at the configured address answers /healthz (--ready: /readyz)
  version      print the version

Run "survey <command> -h" for the flags of a command.
`

// run is main without the process: it returns the exit code, so tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[1] {
	case "serve":
		err = serve(ctx, args[2:], getenv, stdout, stderr)
	case "score":
		err = scoreFile(args[2:], getenv, stdout, stderr)
	case "report":
		err = reportFile(args[2:], getenv, stdout, stderr)
	case "checklist":
		err = checklistFile(args[2:], getenv, stdout, stderr)
	case "validate":
		err = validate(args[2:], getenv, stdout, stderr)
	case "backup":
		err = backup(ctx, args[2:], getenv, stdout, stderr)
	case "healthcheck":
		err = healthcheck(ctx, args[2:], getenv, stderr)
	case "chamber":
		err = chamberCmd(ctx, args[2:], getenv, stdout, stderr)
	case "user":
		err = userCmd(ctx, args[2:], getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "survey", version)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "survey: unknown command %q\n\n%s", args[1], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "survey %s: %v\n", args[1], err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// serve runs the HTTP server until ctx ends (SIGINT or SIGTERM in production), then shuts down:
// it stops accepting, lets in-flight requests finish within the shutdown timeout and closes the
// store, so the embedded database's WAL is checkpointed and its file consistent afterwards.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	started := time.Now()

	content, err := loadContent(cfg)
	if err != nil {
		return err
	}

	st, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database, Logger: log})
	if err != nil {
		return err
	}

	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := st.Close(cctx); err != nil {
			log.Error("closing the store", "err", err)
		}
		log.Info("stopped")
	}()

	clientKey, err := store.ClientKey(cfg.DataDir)
	if err != nil {
		return err
	}
	accounts, camps, err := staffServices(cfg, st, content.defs)
	if err != nil {
		return err
	}
	svc := assessment.NewService(st, content.defs, time.Now, assessment.Options{
		PeerK: cfg.PeerK, Baselines: content.baselines, Checklists: content.checklists, ClientKey: clientKey,
		CampaignOpen: camps.CampaignOpen,
	})
	peers, err := svc.LoadPeers(ctx)
	if err != nil {
		return err
	}
	stopExpiry := startDraftExpiry(ctx, svc, cfg.DraftTTL, log)
	defer stopExpiry() // before the store closes: deferred calls run last in, first out

	draining := &httpapi.Draining{} // set by Serve when shutdown begins: /readyz fails from then on
	router, err := httpapi.New(httpapi.Deps{
		Log: log, DB: st, MaxBodyBytes: cfg.MaxBodyBytes, TrustedProxies: cfg.TrustedProxies, Web: frontend.Dist(),
		Questionnaires: content.defs, Assessments: svc, RateLimit: cfg.RateLimit,
		RequestTimeout: cfg.RequestTimeout, Draining: draining, Auth: accounts, Campaigns: camps, PublicURL: cfg.PublicURL,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (setting addr): %w", cfg.Addr, err)
	}
	storeKind := st.Describe()
	log.Info("ready", "addr", ln.Addr().String(), "store", storeKind, "version", version,
		"peers", peers, "startup_ms", time.Since(started).Milliseconds())
	fmt.Fprintf(stdout, "esready is running at http://%s/ (store: %s). Press Ctrl+C to stop.\n", ln.Addr(), storeKind)

	return httpapi.Serve(ctx, httpapi.NewServer(router), ln, cfg.ShutdownTimeout, draining)
}

// healthcheck asks the server at the configured address for /healthz, its liveness: container
// images without a shell or curl use it as their health check, and a liveness probe must not
// fail because the database is slow, or the orchestrator restarts a process that is fine.
// With --ready it asks /readyz instead (the database answers, the server is not shutting down),
// which is what a load balancer should probe.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	path := "/healthz"
	if i := slices.Index(args, "--ready"); i >= 0 {
		path, args = "/readyz", slices.Delete(slices.Clone(args), i, i+1)
	}
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+localAddr(cfg.Addr)+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", path, res.Status)
	}
	return nil
}

// content is the configured questionnaires with the published baselines and checklist rules
// that go with them.
type content struct {
	defs       *questionnaire.Registry
	baselines  []scoring.Baseline
	checklists *checklist.Set
}

// configured loads the configuration (defaults and environment only: the CLI tools take no
// server flags) and the content.
func configured(getenv func(string) string, stderr io.Writer) (config.Config, content, error) {
	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return cfg, content{}, err
	}
	c, err := loadContent(cfg)
	return cfg, c, err
}

// offline scores a validated submission without a database: with no peers, the benchmark is
// the published figures. It assembles the result as the server does.
func (c content) offline(def *questionnaire.Definition, a questionnaire.Answers, peerK int) scored {
	opts := assessment.Options{PeerK: peerK, Baselines: c.baselines, Checklists: c.checklists}
	r, cl := opts.Assemble(def, a, scoring.Score(def, a), "", nil)
	return scored{Result: r, Checklist: cl}
}

// scored is a result with its checklist, as the API returns it.
type scored struct {
	scoring.Result
	Checklist *checklist.Result `json:"checklist,omitempty"`
}

// loadContent reads and checks the configured content; a defect stops start-up with every
// problem listed.
func loadContent(cfg config.Config) (content, error) {
	defs, err := questionnaire.Load(cfg.Files, "questionnaires")
	if err != nil {
		return content{}, err
	}
	if len(defs.All()) == 0 {
		return content{}, errors.New("no questionnaire definitions in configs/questionnaires")
	}
	baselines, err := loadBaselines(cfg, defs)
	if err != nil {
		return content{}, err
	}
	checklists, err := checklist.Load(cfg.Files, "checklist", defs)
	if err != nil {
		return content{}, err
	}
	return content{defs, baselines, checklists}, nil
}
