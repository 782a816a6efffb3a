package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRateLimitSetting runs `survey serve` with the default rate_limit (60: downloads 15 at
// once per address) and with SURVEY_RATE_LIMIT=0, which turns the limits off.
func TestRateLimitSetting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		limited bool
	}{
		{"default", map[string]string{}, true},
		{"SURVEY_RATE_LIMIT=0", map[string]string{"SURVEY_RATE_LIMIT": "0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["SURVEY_DATA_DIR"] = t.TempDir()
			url := startServe(t, tc.env)
			statuses := map[int]int{}
			for range 16 {
				res, err := http.Get(url + "api/v1/checklist.xlsx")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				statuses[res.StatusCode]++
			}
			want := map[int]int{http.StatusOK: 16}
			if tc.limited {
				want = map[int]int{http.StatusOK: 15, http.StatusTooManyRequests: 1}
			}
			if len(statuses) != len(want) || statuses[200] != want[200] || statuses[429] != want[429] {
				t.Errorf("16 downloads: %v, want %v", statuses, want)
			}
		})
	}
}

// startServe runs `survey serve` on a free loopback port with env as its environment until the
// test ends, and returns its URL.
func startServe(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		code := run(ctx, []string{"survey", "serve", "--addr", "127.0.0.1:0", "--log-level", "warn"},
			func(k string) string { return env[k] }, pw, &stderr)
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("exit code %d; stderr: %s", code, stderr.String())
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start-up line: %v; stderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	m := urlLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start-up line %q has no URL", line)
	}
	return m[1]
}
