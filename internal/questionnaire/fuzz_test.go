package questionnaire_test

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/esready/esready/internal/questionnaire"
)

// FuzzValidate feeds random JSON to answer validation. It must never panic, and whatever it
// accepts must pass an independent check that each value is one the definition allows.
func FuzzValidate(f *testing.F) {
	d := loadMini(f)
	for _, seed := range []string{
		complete, `{}`, `{"industry":"retail"}`, `{"materials":["none"]}`, `{"materials":["magnets","none"]}`,
		`{"shares":{"magnets":{"CN":100}}}`, `{"origin":{"CN":50.5,"VN":49.5}}`, `{"gov_owner":"dont_know"}`,
		`{"china_sales":"na"}`, `{"employees":1e308}`, `{"gov_note":"\u0000"}`, `{"shares":{"none":{}}}`, `[1,2]`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a questionnaire.Answers
		if json.Unmarshal(data, &a) != nil {
			return
		}
		for _, mode := range []questionnaire.Mode{questionnaire.Draft, questionnaire.Submit} {
			errs := d.Validate(a, mode, "ja")
			if errs != nil {
				continue
			}
			for id, v := range a {
				if v == nil {
					continue
				}
				q, ok := d.Question(id)
				if !ok {
					t.Fatalf("accepted unknown question %q", id)
				}
				if !allowed(q, v) {
					t.Fatalf("accepted %s = %#v", id, v)
				}
			}
			if mode == questionnaire.Submit {
				vis := d.Visible(a)
				for _, q := range d.Questions() {
					v, answered := a[q.ID]
					answered = answered && v != nil
					if answered && !vis[q.ID] {
						t.Fatalf("accepted an answer to hidden %s", q.ID)
					}
					if q.Required && vis[q.ID] && !answered {
						t.Fatalf("accepted a submission without required %s", q.ID)
					}
				}
			}
		}
	})
}

// allowed is the fuzz oracle: a plain restatement of the answer rules of DESIGN.md.
func allowed(q *questionnaire.Question, v any) bool {
	if s, ok := v.(string); ok && ((s == "na" && q.AllowNA) || (s == "dont_know" && q.DontKnow)) {
		return true
	}
	isOption := func(s string) bool { _, ok := q.Option(s); return ok }
	switch q.Type {
	case "single":
		s, ok := v.(string)
		return ok && isOption(s)
	case "multi":
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return false
		}
		var seen []string
		for _, it := range list {
			s, ok := it.(string)
			if !ok || !isOption(s) || slices.Contains(seen, s) {
				return false
			}
			if o, _ := q.Option(s); o.Exclusive && len(list) > 1 {
				return false
			}
			seen = append(seen, s)
		}
		return true
	case "scale":
		f, ok := v.(float64)
		return ok && f >= 0 && f <= 4 && f == math.Floor(f)
	case "number", "percent":
		f, ok := v.(float64)
		if !ok || math.Abs(f) > 1e12 || (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) || (q.Integer && f != math.Floor(f)) {
			return false
		}
		return q.Type != "percent" || (f >= 0 && f <= 100)
	case "text":
		s, ok := v.(string)
		return ok && len([]rune(s)) <= max(q.MaxLength, 1)
	case "country_shares":
		obj, ok := v.(map[string]any)
		if !ok || len(obj) == 0 {
			return false
		}
		if q.ItemsFrom == "" {
			return sharesOK(obj)
		}
		for _, sub := range obj {
			m, ok := sub.(map[string]any)
			if !ok || !sharesOK(m) {
				return false
			}
		}
		return true
	}
	return false
}

func sharesOK(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	sum := 0.0
	for c, v := range m {
		f, ok := v.(float64)
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || !questionnaire.IsCountry(c) || !ok || f <= 0 || f > 100 {
			return false
		}
		sum += f
	}
	return sum <= 100+1e-9
}
