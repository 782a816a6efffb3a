package sqlite

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var domainsSeeds = []string{
	`{}`, `{"governance":55.5,"supply":0,"export":100}`, `{"a":-1.25e-3,"b":1E+2,"c":-0}`, `null`, ``,
	`{"a":1,}`, `{"a":01}`, `{"a":.5}`, `{"a":1.}`, `{"a":+1}`, `{"a":1e}`, `{"a":1e400}`, `{"a":NaN}`,
	`{"a":null}`, `{"a\u00e9":1}`, `{"é":1}`, `{"a" :1}`, `{ "a":1}`, `{"a":1,"a":2}`, `{"a":"1"}`, `{"a":1`,
	`{"a:1}`, `{"":3}`, `{"a":1}x`, `{"a":0x10}`, `{"a":1_0}`, `{"a":Inf}`, `{"a":1}` + "\n",
}

// TestDecodeDomains: the domains column decodes as json.Unmarshal decodes it, the same values
// for what it accepts and an error for what it refuses.
func TestDecodeDomains(t *testing.T) {
	for _, s := range domainsSeeds {
		checkDecodeDomains(t, []byte(s))
	}
	ids := map[string]string{}
	a, _ := decodeDomains([]byte(`{"governance":1}`), ids)
	b, _ := decodeDomains([]byte(`{"governance":2}`), ids)
	if len(ids) != 1 || a["governance"] != 1 || b["governance"] != 2 {
		t.Errorf("ids %v after two rows of one domain; rows %v %v", ids, a, b)
	}
}

func FuzzDecodeDomains(f *testing.F) {
	for _, s := range domainsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkDecodeDomains)
}

func checkDecodeDomains(t *testing.T, b []byte) {
	var want map[string]float64
	wantErr := json.Unmarshal(b, &want)
	got, err := decodeDomains(b, map[string]string{})
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeDomains(%q) error %v, json.Unmarshal %v", b, err, wantErr)
	}
	if wantErr != nil {
		return
	}
	if d := cmp.Diff(want, got); d != "" || (want == nil) != (got == nil) {
		t.Errorf("decodeDomains(%q) (-json.Unmarshal +got):\n%s", b, d)
	}
}
