package questionnaire_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/questionnaire"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; go test -update accepts the change):\n%s", name, d)
	}
}

func TestSurveyJSGolden(t *testing.T) {
	defs := map[string]*questionnaire.Definition{"mini": loadMini(t)}
	if reg, err := questionnaire.Load(configs.Embedded(), "questionnaires"); err != nil {
		t.Fatal(err)
	} else if esr, ok := reg.Latest("esr"); ok {
		defs["esr"] = esr
	}
	for name, d := range defs {
		for _, lang := range []string{"ja", "en"} {
			t.Run(name+"-"+lang, func(t *testing.T) {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(d.SurveyJS(lang)); err != nil {
					t.Fatal(err)
				}
				golden(t, name+".surveyjs."+lang+".json", buf.Bytes())
			})
		}
	}
}
