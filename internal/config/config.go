// Package config assembles the server's settings from four layers, each overriding the one
// before: the defaults embedded from configs/app.yaml, an app.yaml in SURVEY_CONFIG_DIR,
// SURVEY_* environment variables and command-line flags. Every invalid value is reported with
// the name of the setting and the layer it came from, so a bad deployment stops at start-up
// with a message an operator can act on.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/esready/esready/configs"
)

// Config holds the validated settings of one server process.
type Config struct {
	Addr       string
	DataDir    string
	MongoURI   string
	Database   string
	LogLevel   slog.Level
	LogFormat  string
	JWTKeyFile string
	// SMTP is where invitation e-mails are sent through; Host "" sends none (the chamber mails
	// the links itself, from the mail-merge file).
	SMTP SMTP
	// PublicURL is the address firms and staff reach the server at (https://survey.example.jp),
	// for the links in invitations; empty = the host each request names.
	PublicURL       string
	MaxBodyBytes    int64
	ShutdownTimeout time.Duration
	RequestTimeout  time.Duration // rendering a report or workbook gets three times as long
	TrustedProxies  []string
	PeerK           int
	CellK           int
	// DraftTTL is how long a draft may go unsaved before the expiry job deletes it; 0 keeps
	// drafts for ever.
	DraftTTL time.Duration
	// RateLimit is the requests per minute one client address may make for anonymous writes;
	// the per-route budgets derive from it (internal/httpapi/ratelimit.go). 0 = no limits.
	RateLimit int

	// ConfigDir is SURVEY_CONFIG_DIR; Files is the embedded configs/ overlaid by it.
	ConfigDir string
	Files     fs.FS
}

// Error reports one invalid setting.
type Error struct {
	Setting string // the key in app.yaml, e.g. "log_level"
	Source  string // where the value came from, e.g. "SURVEY_LOG_LEVEL" or "--log-level"
	Value   string
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid setting %s (from %s, value %q): %s", e.Setting, e.Source, e.Value, e.Problem)
}

// setting describes one key: its default lives in configs/app.yaml, its environment variable is
// SURVEY_ + the upper-cased key and its flag is -- + the key with dashes.
type setting struct {
	key   string
	usage string
	apply func(c *Config, v string) error
}

func (s setting) env() string  { return "SURVEY_" + strings.ToUpper(s.key) }
func (s setting) flag() string { return strings.ReplaceAll(s.key, "_", "-") }

// minDraftTTL is the shortest draft_ttl accepted: a shorter one would delete the drafts of
// respondents who pause overnight.
const minDraftTTL = 24 * time.Hour

var dbName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

var settings = []setting{
	{"addr", "listen address host:port", parseAddr},
	{"data_dir", "directory of the embedded SQLite database", parseDataDir},
	{"mongodb_uri", "MongoDB connection string; empty = embedded store", parseMongoURI},
	{"database", "database name", parseDatabase},
	{"log_level", "debug, info, warn or error", parseLogLevel},
	{"log_format", "json or text", oneOf(func(c *Config, v string) { c.LogFormat = v }, "json", "text")},
	{"jwt_key_file", "file with the JWT signing key", text(func(c *Config, v string) { c.JWTKeyFile = v })},
	{"public_url", "address firms reach the server at, for invitation links", parsePublicURL},
	{"max_body_bytes", "largest request body in bytes", parseMaxBody},
	{"shutdown_timeout", "how long shutdown waits for in-flight requests", durationIn(func(d time.Duration) bool { return d > 0 },
		"must be a positive duration such as 15s", func(c *Config, d time.Duration) { c.ShutdownTimeout = d })},
	{"request_timeout", "deadline of one request (rendering a file gets three times as long)", durationIn(func(d time.Duration) bool { return d >= time.Second && d <= 5*time.Minute },
		"must be a duration from 1s to 5m, such as 10s", func(c *Config, d time.Duration) { c.RequestTimeout = d })},
	{"peer_k", "fewest peers a benchmark cohort needs", intIn(2, 1000, func(c *Config, n int) { c.PeerK = n })},
	{"cell_k", "fewest firms an aggregate cell may show", intIn(3, 1000, func(c *Config, n int) { c.CellK = n })},
	{"rate_limit", "anonymous writes per minute per client address; 0 = no limits", intIn(0, 1000000, func(c *Config, n int) { c.RateLimit = n })},
	{"draft_ttl", "delete drafts not saved for this long, e.g. 2160h (90 days); 0 = never", durationIn(func(d time.Duration) bool { return d == 0 || d >= minDraftTTL },
		"must be 0 (never expire) or a duration of at least 24h in hours, e.g. 2160h for 90 days", func(c *Config, d time.Duration) { c.DraftTTL = d })},
	{"trusted_proxies", "comma-separated IPs or CIDRs of trusted reverse proxies", parseTrustedProxies},
	{"smtp_host", "SMTP server for invitation e-mails; empty = none", text(func(c *Config, v string) { c.SMTP.Host = v })},
	{"smtp_port", "SMTP port; 0 = 587 (starttls), 465 (tls) or 25 (none)", intIn(0, 65535, func(c *Config, n int) { c.SMTP.Port = n })},
	{"smtp_username", "SMTP user; empty = no authentication", text(func(c *Config, v string) { c.SMTP.Username = v })},
	{"smtp_password", "SMTP password (set it in the environment, SURVEY_SMTP_PASSWORD)", text(func(c *Config, v string) { c.SMTP.Password = v })},
	{"smtp_from", "sender of invitation e-mails, e.g. esready <survey@example.jp>", text(func(c *Config, v string) { c.SMTP.From = v })},
	{"smtp_tls", "starttls, tls or none (none only for a server on this machine)", oneOf(func(c *Config, v string) { c.SMTP.TLS = v }, "starttls", "tls", "none")},
}

func parseDataDir(c *Config, v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("must not be empty")
	}
	c.DataDir = v
	return nil
}

func parseMongoURI(c *Config, v string) error {
	if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
		return errors.New(`must start with "mongodb://" or "mongodb+srv://"`)
	}
	c.MongoURI = v
	return nil
}

func parseDatabase(c *Config, v string) error {
	if !dbName.MatchString(v) {
		return errors.New("must be 1-63 letters, digits, '_' or '-'")
	}
	c.Database = v
	return nil
}

func parsePublicURL(c *Config, v string) error {
	if v == "" {
		c.PublicURL = ""
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must be an http(s) address such as https://survey.example.jp, without query or fragment")
	}
	c.PublicURL = strings.TrimRight(v, "/")
	return nil
}

func parseMaxBody(c *Config, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1024 || n > 1<<30 {
		return errors.New("must be a whole number of bytes from 1024 to 1073741824")
	}
	c.MaxBodyBytes = n
	return nil
}

// oneOf accepts exactly one of values ("must be json or text" otherwise).
func oneOf(set func(*Config, string), values ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if !slices.Contains(values, v) {
			return fmt.Errorf("must be %s or %s", strings.Join(values[:len(values)-1], ", "), values[len(values)-1])
		}
		set(c, v)
		return nil
	}
}

// SMTP holds the settings of the mail server (checked in full by campaign.NewMailer).
type SMTP struct {
	Host, Username, Password, From, TLS string
	Port                                int
}

// text sets a free-text setting.
func text(set func(*Config, string)) func(*Config, string) error {
	return func(c *Config, v string) error {
		set(c, v)
		return nil
	}
}

func parseAddr(c *Config, v string) error {
	if _, port, err := net.SplitHostPort(v); err != nil {
		return errors.New("must be host:port, e.g. 127.0.0.1:8080")
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	c.Addr = v
	return nil
}

func parseLogLevel(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return errors.New("must be one of debug, info, warn, error")
	}
	return nil
}

func parseTrustedProxies(c *Config, v string) error {
	c.TrustedProxies = nil
	for p := range strings.SplitSeq(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	return nil
}

// durationIn parses a Go duration that ok accepts (otherwise the error says want) and stores it
// with set.
func durationIn(ok func(time.Duration) bool, want string, set func(*Config, time.Duration)) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || !ok(d) {
			return errors.New(want)
		}
		set(c, d)
		return nil
	}
}

// intIn parses a whole number from lo to hi and stores it with set.
func intIn(lo, hi int, set func(*Config, int)) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		set(c, n)
		return nil
	}
}

// Load builds the configuration. args are the flags after the subcommand name; getenv reads the
// environment (os.Getenv in production, a map in tests). It returns every invalid setting at
// once, joined, so an operator fixes them in one go.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := Config{ConfigDir: getenv("SURVEY_CONFIG_DIR")}
	c.Files = configs.Overlay(c.ConfigDir)

	values := map[string]string{}
	sources := map[string]string{}
	if err := readYAML(configs.Embedded(), "embedded configs/app.yaml", values, sources); err != nil {
		return c, err
	}
	if c.ConfigDir != "" {
		err := readYAML(configs.Overlay(c.ConfigDir), c.ConfigDir+"/app.yaml", values, sources)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return c, err
		}
	}
	for _, s := range settings {
		if v, ok := lookupEnv(getenv, s.env()); ok {
			values[s.key], sources[s.key] = v, s.env()
		}
	}

	fset := flag.NewFlagSet("survey", flag.ContinueOnError)
	fset.SetOutput(stderr)
	for _, s := range settings {
		fset.Func(s.flag(), s.usage+" (env "+s.env()+")", func(v string) error {
			values[s.key], sources[s.key] = v, "--"+s.flag()
			return nil
		})
	}
	if err := fset.Parse(args); err != nil {
		return c, err
	}
	if fset.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fset.Arg(0))
	}

	var errs []error
	for _, s := range settings {
		v := values[s.key]
		if err := s.apply(&c, v); err != nil {
			errs = append(errs, &Error{Setting: s.key, Source: sources[s.key], Value: v, Problem: err.Error()})
		}
	}
	return c, errors.Join(errs...)
}

// lookupEnv treats an empty variable as unset: in shells and compose files VAR= usually means
// "not configured", not "configured as empty".
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// readYAML reads app.yaml of fsys into values. Unknown keys are errors: a misspelt key would
// otherwise be ignored silently and the default used.
func readYAML(fsys fs.FS, label string, values, sources map[string]string) error {
	raw, err := fs.ReadFile(fsys, "app.yaml")
	if err != nil {
		return err
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	known := map[string]bool{}
	for _, s := range settings {
		known[s.key] = true
	}
	for k, n := range doc {
		if !known[k] {
			return &Error{Setting: k, Source: label, Problem: "unknown setting"}
		}
		switch n.Kind {
		case yaml.ScalarNode:
			values[k] = n.Value
		case yaml.SequenceNode:
			var items []string
			for _, it := range n.Content {
				items = append(items, it.Value)
			}
			values[k] = strings.Join(items, ",")
		default:
			return &Error{Setting: k, Source: label, Problem: "must be a value or a list"}
		}
		sources[k] = label
	}
	return nil
}
