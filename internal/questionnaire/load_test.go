package questionnaire_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/questionnaire"
)

func loadMini(t testing.TB) *questionnaire.Definition {
	t.Helper()
	data, err := os.ReadFile("testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := questionnaire.Parse(data, "testdata/mini.yaml")
	if err != nil {
		t.Fatalf("mini.yaml: %v", err)
	}
	return d
}

// base is a valid definition the problem cases break one way each.
const base = `id: t
version: 1
title: {ja: "題", en: "Title"}
sections:
  - id: s
    domain: governance
    title: {ja: "節", en: "Section"}
    questions:
      - id: a
        type: single
        text: {ja: "問A", en: "Question A"}
        options:
          - {id: "yes", label: {ja: "はい", en: "Yes"}}
          - {id: "no", label: {ja: "いいえ", en: "No"}}
        sources: [JCCI 2023]
      - id: b
        type: scale
        tier: important
        text: {ja: "問B", en: "Question B"}
        levels: [{ja: "0", en: "0"}, {ja: "1", en: "1"}, {ja: "2", en: "2"}, {ja: "3", en: "3"}, {ja: "4", en: "4"}]
        sources: [METI 2024c]
`

func TestDefinitionProblems(t *testing.T) {
	if _, err := questionnaire.Parse([]byte(base), "base.yaml"); err != nil {
		t.Fatalf("the base case must be valid: %v", err)
	}
	tests := []struct {
		name     string
		old, new string // replace old by new in base
		question string
		want     string
	}{
		{"duplicate id", "id: b\n", "id: a\n", "a", "duplicate question id"},
		{"dangling show_if", "        type: scale\n", "        type: scale\n        show_if: {question: zz, op: answered}\n", "b", `refers to question "zz", which does not exist`},
		{"show_if option missing", "        type: scale\n", "        type: scale\n        show_if: {question: a, op: in, values: [maybe]}\n", "b", `value "maybe" is not an option of "a"`},
		{"cycle", "        type: single\n", "        type: single\n        show_if: {question: b, op: answered}\n", "a", "cycle: a → b → a"},
		{"self cycle", "        type: scale\n", "        type: scale\n        show_if: {question: b, op: gte, value: 1}\n", "b", "cycle: b → b"},
		{"label without English", `{ja: "いいえ", en: "No"}`, `{ja: "いいえ"}`, "a", `option "no" label is missing in English`},
		{"label missing", `label: {ja: "いいえ", en: "No"}`, `label: {}`, "a", `option "no" label is missing in Japanese and English`},
		{"text without Japanese", `{ja: "問B", en: "Question B"}`, `{en: "Question B"}`, "b", "text is missing in Japanese"},
		{"scored without points", "        sources: [JCCI 2023]\n", "        tier: essential\n        sources: [JCCI 2023]\n", "a", `option "yes" has no points`},
		{"scored without tier has points", `{id: "yes", label`, `{id: "yes", points: 2, label`, "a", "has points but the question has no tier"},
		{"bad tier", "tier: important", "tier: vital", "b", `tier "vital"`},
		{"too few levels", `, {ja: "4", en: "4"}]`, `]`, "b", "exactly 5 levels"},
		{"no sources", "        sources: [METI 2024c]\n", "", "b", "names no source"},
		{"unknown type", "type: scale", "type: slider", "b", `type "slider"`},
		{"size band in show_if", "        type: scale\n", "        type: scale\n        show_if: {size_band: [sme]}\n", "b", "size_band cannot be used here"},
		{"bad tier rule", "        tier: important\n", "        tier: important\n        tier_rules:\n          - if: {question: a, op: in, values: [perhaps]}\n            tier: essential\n", "b", `tier rule 1: value "perhaps"`},
		{"numeric op on a choice", "        type: scale\n", "        type: scale\n        show_if: {question: a, op: gte, value: 3}\n", "b", "op gte needs a number"},
		{"two forms in one condition", "        type: scale\n", "        type: scale\n        show_if: {question: a, op: answered, size_band: [sme]}\n", "b", "exactly one of"},
		{"unknown key", "        type: scale\n", "        type: scale\n        colour: red\n", "", "field colour not found"},
		{"tier outside domain", "    domain: governance\n", "", "b", "section has no domain"},
		{"unknown role", "        type: single\n", "        type: single\n        role: turnover\n", "a", `role "turnover" is not one of`},
		{"role of the wrong type", "        type: scale\n", "        type: scale\n        role: employees\n", "b", `role "employees" needs a question of type number, not scale`},
		{"role without the options scoring reads", "        type: single\n", "        type: single\n        role: fdi_sector\n", "a", `role "fdi_sector" needs an option "core"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.old, tt.new, 1)
			if tt.name == "cycle" { // b depends on a as well
				src = strings.Replace(src, "        type: scale\n", "        type: scale\n        show_if: {question: a, op: in, values: [\"yes\"]}\n", 1)
			}
			if src == base {
				t.Fatalf("the case changes nothing: %q not in base", tt.old)
			}
			_, err := questionnaire.Parse([]byte(src), "broken.yaml")
			var ps questionnaire.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, want Problems", err)
			}
			for _, p := range ps {
				if p.File == "broken.yaml" && p.Question == tt.question && strings.Contains(p.Message, tt.want) {
					return
				}
			}
			t.Errorf("no problem for question %q containing %q; got:\n%v", tt.question, tt.want, err)
		})
	}
}

func TestRolePlayedTwice(t *testing.T) {
	src := strings.Replace(base, "        type: single\n", "        type: single\n        role: industry\n", 1)
	src = strings.Replace(src, "sources: [METI 2024c]\n", "sources: [METI 2024c]\n      - id: c\n        type: single\n        role: industry\n        text: {ja: \"問C\", en: \"Question C\"}\n        options: [{id: x, label: {ja: \"x\", en: \"x\"}}]\n        sources: [JCCI 2023]\n", 1)
	_, err := questionnaire.Parse([]byte(src), "twice.yaml")
	if err == nil || !strings.Contains(err.Error(), `role "industry" is already played by a`) {
		t.Fatalf("two questions with one role: %v", err)
	}
}

// TestShippedRoles: the shipped questionnaire names the question of every role the scoring
// reads, so nothing in internal/scoring depends on a question id.
func TestShippedRoles(t *testing.T) {
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range defs.All() {
		for _, role := range []string{questionnaire.RoleIndustry, questionnaire.RoleEmployees, questionnaire.RoleCapital,
			questionnaire.RolePrefecture, questionnaire.RoleCriticalMaterials, questionnaire.RoleMaterialShares,
			questionnaire.RoleChinaSales, questionnaire.RoleChinaProcurement, questionnaire.RoleControlledItems,
			questionnaire.RoleUSOrigin, questionnaire.RoleFDISector, questionnaire.RoleCriticalInfra} {
			if def.RoleID(role) == "" {
				t.Errorf("%s v%d: no question plays the role %s", def.ID, def.Version, role)
			}
		}
	}
}

func TestHash(t *testing.T) {
	a, err := questionnaire.Parse([]byte(base), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := questionnaire.Parse([]byte("# a comment\n"+strings.ReplaceAll(base, "{ja: \"題\", en: \"Title\"}", "\n  ja: 題\n  en: Title")), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Hash, "sha256:") || a.Hash != b.Hash {
		t.Errorf("layout and comments changed the hash: %s vs %s", a.Hash, b.Hash)
	}
	c, err := questionnaire.Parse([]byte(strings.Replace(base, "Question B", "Question B2", 1)), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Hash == a.Hash {
		t.Error("a changed question text kept the hash")
	}
}

func TestRegistryKeepsVersions(t *testing.T) {
	v2 := strings.Replace(strings.Replace(base, "version: 1", "version: 2", 1), "Question B", "Question B (v2)", 1)
	fsys := fstest.MapFS{
		"q/t-v1.yaml": {Data: []byte(base)},
		"q/t-v2.yaml": {Data: []byte(v2)},
		"q/README.md": {Data: []byte("not a definition")},
	}
	r, err := questionnaire.Load(fsys, "q")
	if err != nil {
		t.Fatal(err)
	}
	latest, ok := r.Latest("t")
	if !ok || latest.Version != 2 {
		t.Fatalf("latest = %+v", latest)
	}
	old, ok := r.Version("t", 1)
	if !ok || old.Hash == latest.Hash {
		t.Fatalf("version 1 not loadable or same hash")
	}
	if _, ok := r.Version("t", 3); ok {
		t.Error("version 3 found")
	}

	fsys["q/t-copy.yaml"] = &fstest.MapFile{Data: []byte(base)}
	if _, err := questionnaire.Load(fsys, "q"); err == nil || !strings.Contains(err.Error(), "version 1 is also defined") {
		t.Errorf("duplicate version: err = %v", err)
	}
}
