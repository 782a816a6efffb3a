package httpapi

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/report"
)

// TestRenderKeysCoverInputs fails when a renderer's input gains a field its cache key lacks:
// two inputs differing only there would otherwise share cached bytes.
func TestRenderKeysCoverInputs(t *testing.T) {
	for _, tc := range []struct{ input, key any }{
		{report.Input{}, reportKey{}},
		{report.WorkbookInput{}, workbookKey{}},
	} {
		if d := cmp.Diff(fieldNames(tc.input), fieldNames(tc.key)); d != "" {
			t.Errorf("%T fields (-) and its cache key %T (+) differ:\n%s", tc.input, tc.key, d)
		}
	}
}

func fieldNames(v any) []string {
	var names []string
	for f := range reflect.TypeOf(v).Fields() {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// TestInputKey: the key changes with every part of the input, and holds no firm name.
func TestInputKey(t *testing.T) {
	base := reportKey{Lang: "ja", FirmName: "株式会社テスト", Date: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	k, err := inputKey("report", base)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(k, "テスト") || len(k) != 32 {
		t.Errorf("key %q is not a bare SHA-256", k)
	}
	changed := []reportKey{base, base, base}
	changed[0].FirmName = "株式会社テスト2"
	changed[1].Lang = "en"
	changed[2].Questionnaire.Hash = "other"
	for _, c := range changed {
		if other, _ := inputKey("report", c); other == k {
			t.Errorf("%+v has the key of %+v", c, base)
		}
	}
	if other, _ := inputKey("checklist", base); other == k {
		t.Error("the kind is not part of the key")
	}
}

// TestByteCache: the total stays within the budget, the least recently used go first, and a
// value larger than the budget is not kept.
func TestByteCache(t *testing.T) {
	c := newByteCache(100)
	c.add("a", make([]byte, 40))
	c.add("b", make([]byte, 40))
	c.get("a") // a is now the most recently used
	c.add("c", make([]byte, 40))
	if _, ok := c.get("b"); ok {
		t.Error("b, the least recently used, was kept")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	if c.size != 80 {
		t.Errorf("size %d, want 80", c.size)
	}
	c.add("huge", make([]byte, 101))
	if _, ok := c.get("huge"); ok || c.size != 80 {
		t.Errorf("a value over the budget was kept (size %d)", c.size)
	}
	c.add("d", make([]byte, 100))
	if c.size != 100 || c.items.Len() != 1 {
		t.Errorf("size %d in %d items, want 100 in 1", c.size, c.items.Len())
	}
	var none *byteCache
	none.add("x", []byte("x"))
	if _, ok := none.get("x"); ok {
		t.Error("a nil cache kept a value")
	}
}

// TestClientKey: IPv4 addresses are their own bucket; IPv6 addresses share their /64.
func TestClientKey(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7/32",
		"::ffff:203.0.113.7":   "203.0.113.7/32",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2::ffff":   "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "invalid Prefix",
	} {
		if got := clientKey(ip); got.String() != want {
			t.Errorf("clientKey(%q) = %s, want %s", ip, got, want)
		}
	}
	if clientKey("2001:db8:1:2::1") != clientKey("2001:db8:1:2::2") || clientKey("2001:db8:1:2::1") == clientKey("2001:db8:1:3::1") {
		t.Error("IPv6 keys do not follow the /64")
	}
}
