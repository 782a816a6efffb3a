package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCataloguesAgree: every key is in every language, non-empty, with the same placeholders.
func TestCataloguesAgree(t *testing.T) {
	ja, en := catalogue["ja"], catalogue["en"]
	for _, pair := range [][2]string{{"ja", "en"}, {"en", "ja"}} {
		for key := range catalogue[pair[0]] {
			if _, ok := catalogue[pair[1]][key]; !ok {
				t.Errorf("%s is in %s.json but not in %s.json", key, pair[0], pair[1])
			}
		}
	}
	for key, j := range ja {
		e, ok := en[key]
		if !ok {
			continue
		}
		if strings.TrimSpace(j) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("%s is empty in a language", key)
		}
		pj, pe := placeholders(j), placeholders(e)
		slices.Sort(pj)
		slices.Sort(pe)
		if !slices.Equal(pj, pe) {
			t.Errorf("%s: placeholders differ: ja %v, en %v", key, pj, pe)
		}
		// A text used as a format keeps its verbs in the same order in both languages.
		if vj, ve := verb.FindAllString(j, -1), verb.FindAllString(e, -1); !slices.Equal(vj, ve) {
			t.Errorf("%s: format verbs differ: ja %v, en %v", key, vj, ve)
		}
	}
}

// TestEnglishHasNoJapanesePunctuation: the English catalogue prints no 「」、。・ or full-width
// brackets, and the Japanese one no ASCII sentence full stop after Japanese text.
func TestEnglishHasNoJapanesePunctuation(t *testing.T) {
	for key, s := range catalogue["en"] {
		if strings.ContainsAny(s, "「」、。・（）：") {
			t.Errorf("en %s has Japanese punctuation: %q", key, s)
		}
	}
}

// TestEveryKeyUsedExists scans the Go code for locale keys in string literals ("api.…",
// "field.…" and the other prefixes of the catalogue) and fails on a key the catalogue lacks,
// and on a catalogue key no code uses.
func TestEveryKeyUsedExists(t *testing.T) {
	prefixes := map[string]bool{}
	for key := range catalogue["en"] {
		prefixes[key[:strings.Index(key, ".")+1]] = true
	}
	used := map[string]bool{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		for _, s := range stringLiterals(t, path) {
			if i := strings.Index(s, "."); i > 0 && prefixes[s[:i+1]] && !strings.ContainsAny(s, " /") {
				used[s] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range used {
		if strings.HasSuffix(key, ".") {
			continue // a prefix the code completes with a value: "label.exposure." + level
		}
		if _, ok := catalogue["en"][key]; !ok {
			t.Errorf("the code uses %s, which the catalogue lacks", key)
		}
	}
	for key := range catalogue["en"] {
		if !used[key] && !usedByPrefix(used, key) {
			t.Errorf("%s is in the catalogue but no code uses it", key)
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+#0]*\d*(\.\d+)?[vTtbcdoOqxXUeEfFgGsp%]`)

// usedByPrefix reports a key that code builds from a literal prefix ending in "." and a value.
func usedByPrefix(used map[string]bool, key string) bool {
	for u := range used {
		if strings.HasSuffix(u, ".") && strings.HasPrefix(key, u) {
			return true
		}
	}
	return false
}

func stringLiterals(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

func TestGetFillsPlaceholdersAndFallsBack(t *testing.T) {
	if got := Get("en", "api.stale_revision", "revision", 7); !strings.Contains(got, "revision 7") {
		t.Errorf("en: %q", got)
	}
	if got := Get("fr", "api.stale_revision", "revision", 7); !strings.Contains(got, "第7版") {
		t.Errorf("a language other than en falls back to Japanese: %q", got)
	}
	if got := Get("en", "no.such_key"); got != "no.such_key" {
		t.Errorf("missing key: %q", got)
	}
}
