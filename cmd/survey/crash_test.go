package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/surveyproc"
)

var (
	crashRounds = flag.Int("crash.rounds", 5, "TestCrash: rounds of kill -9 under load and restart (make crashtest runs 20)")
	crashSeed   = flag.Uint64("crash.seed", 0, "TestCrash: seed of the kill moments; 0 picks one and logs it")
)

// crashWorkers is how many respondents write at once while the server is killed.
const crashWorkers = 8

// TestCrash kills the real server with SIGKILL at a random moment under load, restarts it on
// the same data directory, and checks that nothing acknowledged was lost: every submission
// answered 200 is there with the same stored result, and every save answered 200 is there at
// least at its revision (with its answers, when nothing newer landed). The short form runs in
// `make test`; `make crashtest` runs 20 rounds.
func TestCrash(t *testing.T) {
	bin := buildSurvey(t)
	dir := t.TempDir()
	seed := *crashSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	work := loadAnswerSets(t)
	all := newLedger()
	var readies, delays []time.Duration

	srv := startSurvey(t, bin, dir)
	for round := range *crashRounds {
		l := newLedger()
		delays = append(delays, crashUnderLoad(t, srv, l, work, rng))
		if t.Failed() {
			return
		}
		// The writes of this round are checked right after the restart that follows the
		// crash, where a lost write would show; all of them once more at the end.
		srv = startSurvey(t, bin, dir)
		readies = append(readies, srv.Ready)
		began := time.Now()
		l.verify(t, surveyproc.NewClient(srv.URL, crashWorkers, 10*time.Second), round+1)
		t.Logf("crash %d: killed %s after the first acknowledged write; %d submissions and %d saves acknowledged; ready again in %s; verified in %s",
			round+1, delays[round].Round(time.Millisecond), len(l.subs), len(l.saves), srv.Ready.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
		all.add(l)
		if t.Failed() {
			return
		}
	}
	all.verify(t, surveyproc.NewClient(srv.URL, crashWorkers, 10*time.Second), *crashRounds)
	if err := srv.Stop(30 * time.Second); err != nil {
		t.Errorf("graceful stop after the crashes: %v", err)
	}
	if len(all.subs) == 0 {
		t.Errorf("no submission was acknowledged in %d rounds: the test proved nothing", *crashRounds)
	}
	t.Logf("%d rounds; verified %d acknowledged submissions and %d acknowledged saves; kill after first ack: %s; restart to ready: %s",
		*crashRounds, len(all.subs), len(all.saves), spread(delays), spread(readies))
}

// buildSurvey builds the command under test once. `go test` puts its own toolchain's bin
// directory first in PATH, so the binary is built by the Go that runs the test.
func buildSurvey(t *testing.T) string {
	t.Helper()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build survey with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "survey")
	out, err := exec.Command(gotool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("building survey: %v\n%s", err, out)
	}
	return bin
}

func startSurvey(t *testing.T, bin, dir string) *surveyproc.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := surveyproc.Start(ctx, bin, dir)
	if err != nil {
		t.Fatalf("starting survey on the data directory: %v", err)
	}
	t.Cleanup(srv.Kill)
	return srv
}

// crashUnderLoad runs the respondents, kills the server at a random moment after the first
// acknowledged write, and waits for the respondents to notice. It returns the kill delay.
func crashUnderLoad(t *testing.T, srv *surveyproc.Server, l *ledger, work []answerSet, rng *rand.Rand) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := surveyproc.NewClient(srv.URL, crashWorkers, 10*time.Second)
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() { respond(ctx, t, c, l, work, w) })
	}
	select {
	case <-l.first:
	case <-time.After(30 * time.Second):
		t.Error("no write was acknowledged within 30 s of load")
	}
	delay := time.Duration(rng.Int64N(int64(time.Second)))
	time.Sleep(delay) // the random moment of the crash: the one sleep that is the point
	if !srv.Alive() {
		t.Errorf("survey serve died by itself under load: %s", srv.Stderr())
	}
	srv.Kill()
	cancel()
	wg.Wait()
	return delay
}

// respond runs respondents one after another until the server goes away, recording every
// acknowledged write. A reply other than the contract's is a failure; no reply is the crash.
func respond(ctx context.Context, t *testing.T, c *surveyproc.Client, l *ledger, work []answerSet, w int) {
	gone := func(err error) bool {
		var se *surveyproc.StatusError
		if errors.As(err, &se) {
			t.Errorf("respondent %d: %v", w, err)
		}
		return err != nil
	}
	for i := w; ; i += crashWorkers {
		p, _, err := c.Create(ctx, "ja")
		if gone(err) {
			return
		}
		l.saved(p, map[string]any{})
		set := work[i%len(work)]
		for _, a := range set {
			if _, err := c.Save(ctx, &p, a); gone(err) {
				return
			}
			l.saved(p, a)
		}
		r, err := c.Submit(ctx, p)
		if gone(err) {
			return
		}
		l.submitted(t, p, r.Body)
	}
}

// answerSet is three autosaves, the last of them complete.
type answerSet [3]map[string]any

// loadAnswerSets makes the autosaves from the example answer files: a third of the answers,
// two thirds, then all. Drafts are only type-checked, so any subset saves.
func loadAnswerSets(t *testing.T) []answerSet {
	files, _ := filepath.Glob("../../examples/answers/*.json")
	var out []answerSet
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var full map[string]any
		if err := json.Unmarshal(data, &full); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ids := slices.Sorted(maps.Keys(full))
		var set answerSet
		for i := range set {
			set[i] = map[string]any{}
			for _, id := range ids[:len(ids)*(i+1)/len(set)] {
				set[i][id] = full[id]
			}
		}
		out = append(out, set)
	}
	if len(out) == 0 {
		t.Fatal("no answer files in examples/answers")
	}
	return out
}

// ledger holds what the server acknowledged: per assessment, the latest save and the submit.
type ledger struct {
	mu    sync.Mutex
	saves map[string]ackedSave
	subs  map[string]ackedSubmit
	first chan struct{} // closed at the first acknowledged write
	once  sync.Once
}

type ackedSave struct {
	p       surveyproc.Respondent // with the acknowledged revision
	answers map[string]any
}

type ackedSubmit struct {
	p      surveyproc.Respondent
	stored map[string]any
}

func newLedger() *ledger {
	return &ledger{saves: map[string]ackedSave{}, subs: map[string]ackedSubmit{}, first: make(chan struct{})}
}

func (l *ledger) saved(p surveyproc.Respondent, answers map[string]any) {
	l.mu.Lock()
	l.saves[p.ID] = ackedSave{p, answers}
	l.mu.Unlock()
	l.once.Do(func() { close(l.first) })
}

func (l *ledger) submitted(t *testing.T, p surveyproc.Respondent, body []byte) {
	stored, err := storedPart(body)
	if err != nil {
		t.Errorf("submit of %s acknowledged with %s: %v", p.ID, body, err)
		return
	}
	l.mu.Lock()
	l.subs[p.ID] = ackedSubmit{p, stored}
	l.mu.Unlock()
}

func (l *ledger) add(o *ledger) {
	for id, s := range o.saves {
		l.saves[id] = s
	}
	for id, s := range o.subs {
		l.subs[id] = s
	}
}

// verify checks every acknowledged write against the restarted server, several at a time,
// reporting the first few problems in full and how many there were.
func (l *ledger) verify(t *testing.T, c *surveyproc.Client, round int) {
	t.Helper()
	ctx := context.Background()
	var checks []func() string
	for id, s := range l.subs {
		checks = append(checks, func() string { return verifySubmit(ctx, c, id, s) })
	}
	for id, s := range l.saves {
		checks = append(checks, func() string { return verifySave(ctx, c, id, s) })
	}
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() {
			for i := w; i < len(checks); i += crashWorkers {
				if p := checks[i](); p != "" {
					mu.Lock()
					problems = append(problems, p)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for i, p := range problems {
		if i == 10 {
			t.Errorf("after crash %d: ... and %d more", round, len(problems)-i)
			break
		}
		t.Errorf("after crash %d: %s", round, p)
	}
}

func verifySubmit(ctx context.Context, c *surveyproc.Client, id string, s ackedSubmit) string {
	r, err := c.Result(ctx, s.p)
	if err != nil {
		return fmt.Sprintf("acknowledged submission %s: %v", id, err)
	}
	got, err := storedPart(r.Body)
	if err != nil {
		return fmt.Sprintf("result of %s: %v", id, err)
	}
	if !reflect.DeepEqual(s.stored, got) { // cmp.Diff only to explain: it is slow under -race
		return fmt.Sprintf("the stored result of %s changed (-acknowledged +now):\n%s", id, cmp.Diff(s.stored, got))
	}
	return ""
}

func verifySave(ctx context.Context, c *surveyproc.Client, id string, s ackedSave) string {
	r, err := c.Get(ctx, s.p)
	if err != nil {
		return fmt.Sprintf("acknowledged save of %s (revision %d): %v", id, s.p.Revision, err)
	}
	var got struct {
		Revision int            `json:"revision"`
		Answers  map[string]any `json:"answers"`
	}
	if err := json.Unmarshal(r.Body, &got); err != nil {
		return fmt.Sprintf("assessment %s: %v", id, err)
	}
	switch {
	case got.Revision < s.p.Revision:
		return fmt.Sprintf("assessment %s is at revision %d, but revision %d was acknowledged", id, got.Revision, s.p.Revision)
	case got.Revision == s.p.Revision:
		if want, have := normalJSON(s.answers), normalJSON(got.Answers); !reflect.DeepEqual(want, have) {
			return fmt.Sprintf("the answers of %s at revision %d changed (-acknowledged +now):\n%s", id, got.Revision, cmp.Diff(want, have))
		}
	}
	return ""
}

// storedPart is what submission froze of a result. The benchmark is left out: it is computed
// at read time from a peer population that grows.
func storedPart(body []byte) (map[string]any, error) {
	var all map[string]any
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, k := range []string{"status", "overall", "domains", "size_band", "exposure", "checklist"} {
		out[k] = all[k]
	}
	if out["overall"] == nil || out["status"] != "submitted" {
		return nil, errors.New("no overall score or not submitted")
	}
	return out, nil
}

// normalJSON is v as it reads back from JSON, so sent and returned answers compare equal.
// Both sides came from JSON, so neither step can fail.
func normalJSON(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// spread summarises durations as min / median / max.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return r(s[0]).String() + " / " + r(s[len(s)/2]).String() + " / " + r(s[len(s)-1]).String() + " (min / median / max)"
}
