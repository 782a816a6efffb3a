package checklist_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// latest is the questionnaire version the examples answer; earlier versions keep their own rules.
const latest = 2

// esrRules loads the shipped checklist and questionnaire of esr at the latest version.
func esrRules(t testing.TB) (*checklist.Rules, *questionnaire.Definition) {
	return esrRulesAt(t, latest)
}

func esrRulesAt(t testing.TB, version int) (*checklist.Rules, *questionnaire.Definition) {
	t.Helper()
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	set, err := checklist.Load(configs.Embedded(), "checklist", defs)
	if err != nil {
		t.Fatalf("the shipped checklist does not load:\n%v", err)
	}
	r, ok := set.For("esr", version)
	if !ok {
		t.Fatalf("no checklist for esr v%d", version)
	}
	def, _ := defs.Version("esr", version)
	return r, def
}

// solver builds answer sets that make conditions hold or fail. It is a small constructive search:
// it sets the answers a condition reads (and makes the questions it reads visible), and the test
// then checks what the real engine makes of the answers, so a wrong guess fails the test rather
// than passing it.
type solver struct{ def *questionnaire.Definition }

func clone(a questionnaire.Answers) questionnaire.Answers {
	b, _ := json.Marshal(a)
	var c questionnaire.Answers
	_ = json.Unmarshal(b, &c)
	return c
}

// sizeAnswers give each size band.
var sizeAnswers = map[string]questionnaire.Answers{
	scoring.BandSmallScale: {"prof_industry": "manufacturing", "prof_employees": 10.0, "prof_capital_million_yen": 10.0},
	scoring.BandSME:        {"prof_industry": "manufacturing", "prof_employees": 150.0, "prof_capital_million_yen": 90.0},
	scoring.BandLarge:      {"prof_industry": "manufacturing", "prof_employees": 5000.0, "prof_capital_million_yen": 30000.0},
}

// solve returns answers extending a for which c holds (want) or fails (!want).
func (s solver) solve(c questionnaire.Condition, want bool, a questionnaire.Answers, depth int) (questionnaire.Answers, bool) {
	if depth > 12 {
		return nil, false
	}
	if holds(s.def, c, a) == want {
		return a, true
	}
	switch {
	case len(c.All) > 0 || len(c.Any) > 0:
		conj := len(c.All) > 0
		parts := c.All
		if !conj {
			parts = c.Any
		}
		if conj == want { // every part must hold (all, want) or fail (any, !want)
			cur := a
			for _, p := range parts {
				next, ok := s.solve(p, want, cur, depth+1)
				if !ok {
					return nil, false
				}
				cur = next
			}
			return cur, holds(s.def, c, cur) == want
		}
		for _, p := range parts { // one part suffices
			if next, ok := s.solve(p, want, clone(a), depth+1); ok && holds(s.def, c, next) == want {
				return next, true
			}
		}
		return nil, false
	case c.Not != nil:
		return s.solve(*c.Not, !want, a, depth+1)
	case len(c.SizeBand) > 0:
		for _, band := range questionnaire.SizeBands {
			if slices.Contains(c.SizeBand, band) == want {
				b := clone(a)
				for k, v := range sizeAnswers[band] {
					b[k] = v
				}
				if holds(s.def, c, b) == want {
					return b, true
				}
			}
		}
		return nil, false
	}
	q, _ := s.def.Question(c.Question)
	for _, v := range s.candidates(q, a[q.ID]) {
		b := clone(a)
		b[q.ID] = v
		if q.ShowIf != nil {
			var ok bool
			if b, ok = s.solve(*q.ShowIf, true, b, depth+1); !ok {
				continue
			}
		}
		if holds(s.def, c, b) == want {
			return b, true
		}
	}
	// Failing can also mean leaving the question unanswered.
	if !want {
		b := clone(a)
		delete(b, q.ID)
		if holds(s.def, c, b) == want {
			return b, true
		}
	}
	return nil, false
}

// candidates are the values a question may take in the search. A multi question already
// answered may also keep its selection and add one option (a condition may need two selected).
func (s solver) candidates(q *questionnaire.Question, cur any) []any {
	var out []any
	if sel, ok := cur.([]any); ok && q.Type == questionnaire.TypeMulti {
		for _, o := range q.Options {
			if !o.Exclusive && !slices.Contains(sel, any(o.ID)) {
				out = append(out, append(slices.Clone(sel), o.ID))
			}
		}
	}
	switch q.Type {
	case questionnaire.TypeSingle:
		for _, o := range q.Options {
			out = append(out, o.ID)
		}
	case questionnaire.TypeMulti:
		for _, o := range q.Options {
			out = append(out, []any{o.ID})
		}
	case questionnaire.TypeScale:
		out = []any{0.0, 1.0, 2.0, 3.0, 4.0}
	case questionnaire.TypeNumber, questionnaire.TypePercent:
		out = []any{0.0, 10.0, 30.0, 60.0, 100.0, 1000.0}
	}
	if q.DontKnow {
		out = append(out, questionnaire.DontKnow)
	}
	if q.AllowNA {
		out = append(out, questionnaire.NA)
	}
	return out
}

func holds(def *questionnaire.Definition, c questionnaire.Condition, a questionnaire.Answers) bool {
	return c.Holds(def.NewEnv(a, scoring.Score(def, a).SizeBand))
}

// reach finds answers giving the item a status: the item applies, and its status rule yields it.
func (s solver) reach(it checklist.Item, status string) (questionnaire.Answers, bool) {
	a := questionnaire.Answers{"prof_industry": "manufacturing", "prof_employees": 150.0}
	var ok bool
	if it.AppliesIf != nil {
		if a, ok = s.solve(*it.AppliesIf, true, a, 0); !ok {
			return nil, false
		}
	}
	if p := it.Practice; p != nil {
		level := 0.0
		if status == checklist.StatusDone {
			level = 4
		}
		a[p.Question] = level
		q, _ := s.def.Question(p.Question)
		if q.ShowIf != nil {
			if a, ok = s.solve(*q.ShowIf, true, a, 0); !ok {
				return nil, false
			}
		}
		return a, true
	}
	if status == checklist.StatusDone {
		return s.solve(*it.DoneIf, true, a, 0)
	}
	if a, ok = s.solve(*it.DoneIf, false, a, 0); !ok {
		return nil, false
	}
	if it.PartialIf != nil {
		return s.solve(*it.PartialIf, false, a, 0)
	}
	return a, true
}

// TestEveryItemReachable: each item of the shipped checklist is "to do" for some answers and
// "done" for others.
func TestEveryItemReachable(t *testing.T) {
	for v := 1; v <= latest; v++ {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) { everyItemReachable(t, v) })
	}
}

func everyItemReachable(t *testing.T, version int) {
	r, def := esrRulesAt(t, version)
	s := solver{def}
	for _, it := range r.Items {
		for _, want := range []string{checklist.StatusTodo, checklist.StatusDone} {
			a, ok := s.reach(it, want)
			if !ok {
				t.Errorf("%s: found no answers that make it %s", it.ID, want)
				continue
			}
			res := r.Evaluate(def, a, scoring.Score(def, a))
			got := ""
			for _, ir := range res.Items {
				if ir.ID == it.ID {
					got = ir.Status
				}
			}
			if got != want {
				b, _ := json.Marshal(a)
				t.Errorf("%s: answers %s give %q, want %q", it.ID, b, got, want)
			}
		}
	}
}
