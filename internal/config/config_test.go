package config_test

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.MongoURI != "" || c.LogLevel != slog.LevelInfo ||
		c.Database != "esready" || c.ShutdownTimeout != 15*time.Second || c.MaxBodyBytes != 1<<20 ||
		c.DraftTTL != 90*24*time.Hour || c.RateLimit != 60 || c.RequestTimeout != 10*time.Second {
		t.Errorf("defaults = %+v", c)
	}
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "app.yaml"), "addr: 0.0.0.0:9000\nlog_level: debug\ndata_dir: /var/lib/esready\ntrusted_proxies: [10.0.0.0/8, 127.0.0.1]\n")
	c, err := config.Load([]string{"--addr", "127.0.0.1:7000"}, env(map[string]string{
		"SURVEY_CONFIG_DIR": dir,
		"SURVEY_LOG_LEVEL":  "warn",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" {
		t.Errorf("flag must beat the config dir: addr = %s", c.Addr)
	}
	if c.LogLevel != slog.LevelWarn {
		t.Errorf("environment must beat the config dir: log level = %v", c.LogLevel)
	}
	if c.DataDir != "/var/lib/esready" {
		t.Errorf("config dir must beat the defaults: data dir = %s", c.DataDir)
	}
	if strings.Join(c.TrustedProxies, ",") != "10.0.0.0/8,127.0.0.1" {
		t.Errorf("trusted proxies = %v", c.TrustedProxies)
	}
	if c.Database != "esready" {
		t.Errorf("settings the config dir leaves out keep their defaults: database = %s", c.Database)
	}
}

// TestErrorsNameTheSetting checks that each invalid value stops loading with a message naming
// the setting and where its value came from.
func TestErrorsNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "app.yaml"), "adress: 127.0.0.1:1\n")
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		setting string
		source  string
	}{
		{"bad addr from env", nil, map[string]string{"SURVEY_ADDR": "localhost"}, "addr", "SURVEY_ADDR"},
		{"bad port from flag", []string{"--addr", "127.0.0.1:99999"}, nil, "addr", "--addr"},
		{"bad log level", nil, map[string]string{"SURVEY_LOG_LEVEL": "loud"}, "log_level", "SURVEY_LOG_LEVEL"},
		{"bad uri", nil, map[string]string{"SURVEY_MONGODB_URI": "postgres://x"}, "mongodb_uri", "SURVEY_MONGODB_URI"},
		{"bad database", []string{"--database", "a/b"}, nil, "database", "--database"},
		{"bad body limit", nil, map[string]string{"SURVEY_MAX_BODY_BYTES": "lots"}, "max_body_bytes", "SURVEY_MAX_BODY_BYTES"},
		{"bad timeout", []string{"--shutdown-timeout", "-1s"}, nil, "shutdown_timeout", "--shutdown-timeout"},
		{"draft TTL in days", nil, map[string]string{"SURVEY_DRAFT_TTL": "90d"}, "draft_ttl", "SURVEY_DRAFT_TTL"},
		{"draft TTL under a day", []string{"--draft-ttl", "90m"}, nil, "draft_ttl", "--draft-ttl"},
		{"negative draft TTL", nil, map[string]string{"SURVEY_DRAFT_TTL": "-2160h"}, "draft_ttl", "SURVEY_DRAFT_TTL"},
		{"request timeout under a second", nil, map[string]string{"SURVEY_REQUEST_TIMEOUT": "500ms"}, "request_timeout", "SURVEY_REQUEST_TIMEOUT"},
		{"request timeout not a duration", []string{"--request-timeout", "10"}, nil, "request_timeout", "--request-timeout"},
		{"negative rate limit", nil, map[string]string{"SURVEY_RATE_LIMIT": "-1"}, "rate_limit", "SURVEY_RATE_LIMIT"},
		{"rate limit not a number", []string{"--rate-limit", "60/min"}, nil, "rate_limit", "--rate-limit"},
		{"bad proxy", nil, map[string]string{"SURVEY_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, "trusted_proxies", "SURVEY_TRUSTED_PROXIES"},
		{"unknown key in app.yaml", nil, map[string]string{"SURVEY_CONFIG_DIR": dir}, "adress", dir + "/app.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(tt.args, env(tt.env), io.Discard)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if ce.Setting != tt.setting || ce.Source != tt.source {
				t.Errorf("error names setting %q from %q, want %q from %q", ce.Setting, ce.Source, tt.setting, tt.source)
			}
			if !strings.Contains(err.Error(), tt.setting) {
				t.Errorf("message %q does not name %s", err, tt.setting)
			}
		})
	}
}

// TestDraftTTL: a duration in hours, at least a day, or 0 for drafts kept for ever.
func TestDraftTTL(t *testing.T) {
	for v, want := range map[string]time.Duration{"0": 0, "24h": 24 * time.Hour, "8760h": 365 * 24 * time.Hour, "2160h0m0s": 90 * 24 * time.Hour} {
		c, err := config.Load(nil, env(map[string]string{"SURVEY_DRAFT_TTL": v}), io.Discard)
		if err != nil || c.DraftTTL != want {
			t.Errorf("SURVEY_DRAFT_TTL=%s: %v, %v; want %v", v, c.DraftTTL, err, want)
		}
	}
}

// TestRateLimit: 0 turns the limits off (the load benchmark runs so); a flag beats the
// environment.
func TestRateLimit(t *testing.T) {
	c, err := config.Load(nil, env(map[string]string{"SURVEY_RATE_LIMIT": "0"}), io.Discard)
	if err != nil || c.RateLimit != 0 {
		t.Errorf("SURVEY_RATE_LIMIT=0: %d, %v", c.RateLimit, err)
	}
	c, err = config.Load([]string{"--rate-limit", "600"}, env(map[string]string{"SURVEY_RATE_LIMIT": "0"}), io.Discard)
	if err != nil || c.RateLimit != 600 {
		t.Errorf("--rate-limit 600: %d, %v", c.RateLimit, err)
	}
}

func TestAllErrorsReportedAtOnce(t *testing.T) {
	_, err := config.Load(nil, env(map[string]string{"SURVEY_ADDR": "x", "SURVEY_LOG_LEVEL": "y"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "addr") || !strings.Contains(err.Error(), "log_level") {
		t.Fatalf("err = %v, want both addr and log_level", err)
	}
}

func TestUnknownFlag(t *testing.T) {
	_, err := config.Load([]string{"--adr", "x"}, env(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "adr") {
		t.Fatalf("err = %v, want one naming -adr", err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
