package httpapi_test

import (
	"bytes"
	"io/fs"
	"os"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// testQuestionnaires loads the shipped questionnaires plus the engine's small test definition
// (mini.yaml), whose every question the API tests can reason about.
func testQuestionnaires(t testing.TB) *questionnaire.Registry {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(configs.Embedded(), "questionnaires/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fsys["q/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	mini, err := os.ReadFile("../questionnaire/testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys["q/mini-v1.yaml"] = &fstest.MapFile{Data: mini}
	defs, err := questionnaire.Load(fsys, "q")
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

// logBuffer lets the server's goroutines write the log while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testBaselines(t testing.TB, defs *questionnaire.Registry) []scoring.Baseline {
	t.Helper()
	def, ok := defs.Latest("esr")
	if !ok {
		t.Fatal("no esr")
	}
	data, err := fs.ReadFile(configs.Embedded(), "benchmarks/published.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := scoring.ParseBaselines(data, "published.yaml", def)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func testChecklists(t testing.TB, defs *questionnaire.Registry) *checklist.Set {
	t.Helper()
	set, err := checklist.Load(configs.Embedded(), "checklist", defs)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
