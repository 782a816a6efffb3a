// Package surveyproc runs a real `survey serve` process on loopback and speaks the respondent
// API to it. The load generator (cmd/loadgen) and the crash test (cmd/survey/crash_test.go) both
// use it, so what the benchmark measures and what the crash test kills is the same program,
// started the same way.
package surveyproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is one running `survey serve` process.
type Server struct {
	// URL is the base the server printed, e.g. http://127.0.0.1:41234/.
	URL string
	// Listening is the time from exec to the "running at" line; Ready to the first 200 from
	// /readyz, what an orchestrator waits for.
	Listening, Ready time.Duration

	cmd    *exec.Cmd
	stderr *tail
	exited chan struct{}
	err    error // the process's exit, valid once exited is closed
}

var urlLine = regexp.MustCompile(`running at (http://\S+/)`)

// Start execs `bin serve` on a free loopback port with its embedded store in dataDir and waits
// until it is ready. env adds variables (KEY=value) to the inherited environment.
func Start(ctx context.Context, bin, dataDir string, env ...string) (*Server, error) {
	// Flags, not environment variables: they override whatever SURVEY_* the caller's
	// environment or a SURVEY_CONFIG_DIR holds, such as a MongoDB URI that would send the server
	// elsewhere than dataDir. --rate-limit 0 (SURVEY_RATE_LIMIT=0) turns the per-address limits
	// off: the load comes from one address, far above what one client may send.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--mongodb-uri", "", "--log-level", "warn",
		"--rate-limit", "0")
	cmd.Env = append(os.Environ(), env...)
	urls := &urlWatcher{found: make(chan string, 1)}
	s := &Server{cmd: cmd, stderr: &tail{max: 64 << 10}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = urls, s.stderr
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.err = cmd.Wait(); close(s.exited) }()

	select {
	case s.URL = <-urls.found:
		s.Listening = time.Since(began)
	case <-s.exited:
		return nil, fmt.Errorf("survey serve exited before listening (%v): %s", s.err, s.Stderr())
	case <-ctx.Done():
		s.Kill()
		return nil, ctx.Err()
	}
	if err := s.waitReady(ctx); err != nil {
		s.Kill()
		return nil, err
	}
	s.Ready = time.Since(began)
	return s, nil
}

// waitReady polls /readyz until it answers 200: the condition that the store is open and
// answering, which the listening line alone does not promise.
func (s *Server) waitReady(ctx context.Context) error {
	c := &http.Client{Timeout: 2 * time.Second}
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"readyz", nil)
		res, err := c.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("survey serve exited before ready (%v): %s", s.err, s.Stderr())
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last: %v)", ctx.Err(), err)
		case <-time.After(pause):
		}
	}
}

// Alive reports whether the process is still running.
func (s *Server) Alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Kill ends the process with SIGKILL, as a power cut or the OOM killer would, and waits for it.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// Stop asks the process to shut down gracefully (SIGTERM) and waits up to timeout; it reports
// a non-zero exit or a process that had to be killed.
func (s *Server) Stop(timeout time.Duration) error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-s.exited:
	case <-time.After(timeout):
		s.Kill()
		return fmt.Errorf("survey serve did not stop within %s after SIGTERM", timeout)
	}
	if s.err != nil {
		return fmt.Errorf("survey serve: %v: %s", s.err, s.Stderr())
	}
	return nil
}

// CPUTime is the CPU time the process has used so far (user and system), from /proc; zero where
// that cannot be read.
func (s *Server) CPUTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces and parentheses; fields are counted
	// after its closing one.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state); utime and stime are 14 and 15
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100
}

// Stderr returns the last part of what the process wrote to stderr, for error messages.
func (s *Server) Stderr() string { return s.stderr.String() }

// urlWatcher is the process's stdout: it reports the URL of the first "running at" line.
type urlWatcher struct {
	mu    sync.Mutex
	buf   []byte
	found chan string
	done  bool
}

func (w *urlWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	if m := urlLine.FindSubmatch(w.buf); m != nil {
		w.found <- string(m[1])
		w.done, w.buf = true, nil
	}
	return len(p), nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
