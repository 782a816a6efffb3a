package assessment_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/store/mongodb"
	"github.com/esready/esready/internal/store/mongodb/ferrettest"
	"github.com/esready/esready/internal/store/storetest"
)

// clock is a settable clock: tests move it forward and back.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testStore is a real store: every test here runs against real databases, and the races they
// check are races in them.
type testStore interface {
	assessment.Storer
	Close(ctx context.Context) error
}

// stores opens each store kind in turn: the embedded SQLite database and the MongoDB store on a
// FerretDB started in this process.
var stores = []struct {
	name string
	open func(t *testing.T) testStore
}{
	{"sqlite", func(t *testing.T) testStore { return storetest.SQLite(t) }},
	{"ferretdb", func(t *testing.T) testStore {
		s, err := mongodb.Open(context.Background(), mongodb.Options{URI: ferrettest.Start(t, nil), Database: "esready_test", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
}

// eachStore runs test once per store kind, each on a fresh database closed when it ends.
func eachStore(t *testing.T, test func(t *testing.T, st testStore)) {
	for _, k := range stores {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			t.Cleanup(func() { _ = st.Close(context.Background()) })
			test(t, st)
		})
	}
}

func registry(t *testing.T) *questionnaire.Registry {
	t.Helper()
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

// latest is the version of esr new assessments are answered on.
func latest(t *testing.T) int {
	t.Helper()
	def, ok := registry(t).Latest("esr")
	if !ok {
		t.Fatal("no esr questionnaire")
	}
	return def.Version
}

// example reads one of the complete answer sets in examples/answers.
func example(t *testing.T, name string) questionnaire.Answers {
	t.Helper()
	b, err := os.ReadFile("../../examples/answers/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var a questionnaire.Answers
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func newService(t *testing.T, st assessment.Storer, c *clock, k int) *assessment.Service {
	t.Helper()
	return assessment.NewService(st, registry(t), c.Now, assessment.Options{PeerK: k})
}

// draft creates an assessment and saves answers into it, returning its id and credential.
func draft(t *testing.T, svc *assessment.Service, answers questionnaire.Answers) (string, string) {
	t.Helper()
	ctx := context.Background()
	a, token, err := svc.Create(ctx, "esr", 0, "ja", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveDraft(ctx, a.ID, token, 0, answers, "ja"); err != nil {
		t.Fatal(err)
	}
	return a.ID, token
}
