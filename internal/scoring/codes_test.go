package scoring_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// TestEncodeChoicesLayout pins the encoding: codes are stored, so the bytes of a questionnaire
// version must never change.
func TestEncodeChoicesLayout(t *testing.T) {
	a := answers(t, `{"industry": "retail", "employees": 12, "materials": ["batteries", "none"],
		"gov_owner": "dont_know", "gov_cp": 3, "gov_measures": ["info", "section"], "gov_risks": []}`)
	// format; industry: retail; materials: bits 1, 2; exports: none; gov_owner: dont_know (column
	// 5); gov_cp: 3; gov_measures: bits 0, 2; gov_risks: none.
	want := []byte{1, 2, 0b110, 0, 6, 4, 0b101, 0}
	if d := cmp.Diff(want, scoring.EncodeChoices(mini(t), a)); d != "" {
		t.Errorf("EncodeChoices (-want +got):\n%s", d)
	}
}

func TestCheckCodes(t *testing.T) {
	def := mini(t)
	v := scoring.NewViews(def)
	good := scoring.EncodeChoices(def, nil)
	for _, tc := range []struct {
		name  string
		codes []byte
		ok    bool
	}{
		{"none", nil, true},
		{"encoded", good, true},
		{"other format", append([]byte{2}, good[1:]...), false},
		{"short", good[:len(good)-1], false},
		{"long", append(good, 0), false},
		{"of another questionnaire", scoring.EncodeChoices(esr(t), nil), false},
	} {
		if err := v.CheckCodes(tc.codes); (err == nil) != tc.ok {
			t.Errorf("%s: CheckCodes(%v) = %v", tc.name, tc.codes, err)
		}
	}
	// A row whose codes do not fit counts as a row without answers.
	bad, none := scoring.NewViews(def), scoring.NewViews(def)
	bad.Add(scoring.Row{Band: "sme", Codes: []byte{2, 1, 1, 1, 1, 1, 1, 1}})
	none.Add(scoring.Row{Band: "sme"})
	got, _ := bad.Result(scoring.Filter{}, 1)
	want, _ := none.Result(scoring.Filter{}, 1)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("a row with codes of another format (-as without answers +got):\n%s", d)
	}
}

// TestCodesFoldAsAnswers: rows folded from their choice codes give the same tables, byte for
// byte, as rows folded from their answers, for valid and invalid answers alike, in every view
// offered and in an Aggregator.
func TestCodesFoldAsAnswers(t *testing.T) {
	for _, def := range []*questionnaire.Definition{mini(t), esr(t)} {
		for seed := range uint64(scoring.OracleCases(8)) {
			rng := rand.New(rand.NewPCG(seed, 7))
			var byAnswers, byCodes []scoring.Row
			for range 50 + rng.IntN(250) {
				r := scoring.Row{
					Band:       []string{"sme", "large", ""}[rng.IntN(3)],
					Sector:     []string{"manufacturing", "retail", "services", ""}[rng.IntN(4)],
					Prefecture: []string{"JP-13", "JP-27", "JP-01", "JP-47", ""}[rng.IntN(5)],
					Answers:    randomChoices(rng, def),
				}
				if rng.IntN(4) > 0 {
					r.Overall = new(float64(rng.IntN(1001)) / 10)
				}
				byAnswers = append(byAnswers, r)
				r.Codes, r.Answers = scoring.EncodeChoices(def, r.Answers), nil
				byCodes = append(byCodes, r)
			}
			for _, k := range []int{1, 5} {
				compareFolds(t, def, k, byAnswers, byCodes)
			}
		}
	}
}

// randomChoices returns answers to def's questions, valid or not: options and levels, special
// answers allowed or not, unknown values, lists with repeats and strays, other shapes.
func randomChoices(rng *rand.Rand, def *questionnaire.Definition) questionnaire.Answers {
	a := questionnaire.Answers{"unknown_question": "x"}
	for _, q := range def.Questions() {
		values := []any{"nope", questionnaire.DontKnow, questionnaire.NA, "2", 2.5, -1.0, 7.0, true,
			map[string]any{"CN": 1.0}, []any{}}
		for _, o := range q.Options {
			values = append(values, o.ID, o.ID, o.ID)
		}
		for l := range questionnaire.ScaleMax + 1 {
			values = append(values, float64(l))
		}
		switch rng.IntN(5) {
		case 0: // no answer
		case 1:
			a[q.ID] = nil
		case 2:
			var list []any
			for range rng.IntN(6) {
				list = append(list, values[rng.IntN(len(values))])
			}
			a[q.ID] = list
		default:
			a[q.ID] = values[rng.IntN(len(values))]
		}
	}
	return a
}

// compareFolds folds each set of rows into Views and an Aggregator and compares the JSON of
// every table.
func compareFolds(t *testing.T, def *questionnaire.Definition, k int, byAnswers, byCodes []scoring.Row) {
	t.Helper()
	fold := func(rows []scoring.Row) (*scoring.Views, *scoring.Aggregator) {
		v, g := scoring.NewViews(def), scoring.NewAggregator(def)
		for _, r := range rows {
			v.Add(r)
			g.Add(r)
		}
		return v, g
	}
	va, ga := fold(byAnswers)
	vc, gc := fold(byCodes)
	filters := va.Filters(k)
	if d := cmp.Diff(filters, vc.Filters(k)); d != "" {
		t.Fatalf("%s, k %d: filters (-answers +codes):\n%s", def.ID, k, d)
	}
	sameJSON := func(what string, a, c any) {
		t.Helper()
		ja, _ := json.Marshal(a)
		jc, _ := json.Marshal(c)
		if !bytes.Equal(ja, jc) {
			t.Fatalf("%s, k %d, %s: tables differ:\nanswers %s\ncodes   %s", def.ID, k, what, ja, jc)
		}
	}
	for _, f := range append([]scoring.Filter{{}}, filters...) {
		a, errA := va.Result(f, k)
		c, errC := vc.Result(f, k)
		if errA != nil || errC != nil {
			t.Fatalf("%s, k %d, %+v: %v, %v", def.ID, k, f, errA, errC)
		}
		sameJSON("view "+f.Dimension+" "+f.Group, a, c)
	}
	sameJSON("aggregator", ga.Result(k), gc.Result(k))
}

// FuzzChoiceCodes: one firm's answers, any JSON, fold from their codes as from themselves.
func FuzzChoiceCodes(f *testing.F) {
	for _, s := range []string{
		`{"industry": "retail", "materials": ["batteries", "none"], "gov_owner": "dont_know", "gov_cp": 3}`,
		`{"industry": ["retail", "manufacturing"], "materials": ["magnets", "magnets"], "gov_cp": "na"}`,
		`{"exports": 1, "gov_owner": 4.5, "gov_measures": "none", "gov_risks": [1, "taiwan", null]}`,
	} {
		f.Add([]byte(s))
	}
	def := mini(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var a questionnaire.Answers
		if json.Unmarshal(data, &a) != nil {
			return
		}
		byAnswers := []scoring.Row{{Band: "sme", Sector: "retail", Answers: a}}
		byCodes := []scoring.Row{{Band: "sme", Sector: "retail", Codes: scoring.EncodeChoices(def, a)}}
		compareFolds(t, def, 1, byAnswers, byCodes)
	})
}
