package questionnaire_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/questionnaire"
)

// complete is a full, valid submission to mini.yaml.
const complete = `{
  "industry": "manufacturing", "employees": 45, "materials": ["magnets", "batteries"],
  "shares": {"magnets": {"CN": 90, "JP": 10}, "batteries": {"CN": 70, "KR": 20}},
  "china_sales": "na", "origin": {"TW": 55.5, "US": 44.5}, "exports": "yes",
  "gov_owner": 2, "gov_cp": 3, "gov_measures": ["info", "bcp"], "gov_risks": ["taiwan"], "gov_note": "見直し中"
}`

func answers(t testing.TB, js string) questionnaire.Answers {
	t.Helper()
	var a questionnaire.Answers
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	return a
}

// with returns the complete answers with some changed (a nil value deletes the key).
func with(t testing.TB, changes string) questionnaire.Answers {
	a := answers(t, complete)
	for k, v := range answers(t, changes) {
		if v == nil {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}

func TestValidate(t *testing.T) {
	d := loadMini(t)
	if errs := d.Validate(answers(t, complete), questionnaire.Submit, "en"); errs != nil {
		t.Fatalf("complete answers rejected: %v", errs)
	}
	tests := []struct {
		name    string
		changes string
		mode    questionnaire.Mode
		want    []string // "question: message fragment"
	}{
		{"unknown question", `{"colour": "red"}`, questionnaire.Draft, []string{"colour: no such question"}},
		{"single wants a string", `{"industry": 3}`, questionnaire.Draft, []string{"industry: Choose one"}},
		{"option not offered", `{"industry": "mining"}`, questionnaire.Draft, []string{`industry: "mining" is not an option`}},
		{"na not allowed", `{"industry": "na"}`, questionnaire.Draft, []string{`industry: "na" is not an option`}},
		{"multi wants a list", `{"materials": "magnets"}`, questionnaire.Draft, []string{"materials: list of options"}},
		{"multi empty", `{"materials": []}`, questionnaire.Draft, []string{"materials: at least one"}},
		{"multi duplicate", `{"materials": ["magnets", "magnets"]}`, questionnaire.Draft, []string{"materials: chosen twice"}},
		{"exclusive combined", `{"materials": ["magnets", "none"]}`, questionnaire.Draft, []string{`materials: "None" cannot be combined`}},
		{"scale out of range", `{"gov_owner": 5}`, questionnaire.Draft, []string{"gov_owner: whole number from 0 to 4"}},
		{"scale fraction", `{"gov_owner": 2.5}`, questionnaire.Draft, []string{"gov_owner: whole number from 0 to 4"}},
		{"scale as string", `{"gov_owner": "3"}`, questionnaire.Draft, []string{"gov_owner: whole number"}},
		{"dont_know where not allowed", `{"gov_cp": "dont_know"}`, questionnaire.Draft, []string{"gov_cp: whole number"}},
		{"number below min", `{"employees": -1}`, questionnaire.Draft, []string{"employees: from 0 to"}},
		{"number not integer", `{"employees": 4.5}`, questionnaire.Draft, []string{"employees: whole number"}},
		{"number as string", `{"employees": "45"}`, questionnaire.Draft, []string{"employees: Answer with a number"}},
		{"percent over 100", `{"china_sales": 101}`, questionnaire.Draft, []string{"china_sales: from 0 to 100"}},
		{"text too long", `{"gov_note": "` + strings.Repeat("あ", 21) + `"}`, questionnaire.Draft, []string{"gov_note: at most 20 characters"}},
		{"text control char", `{"gov_note": "a\u0000b"}`, questionnaire.Draft, []string{"gov_note: control characters"}},
		{"shares not an object", `{"origin": ["CN"]}`, questionnaire.Draft, []string{"origin: country codes and shares"}},
		{"shares bad country", `{"origin": {"XX": 10}}`, questionnaire.Draft, []string{`origin: "XX" is not an ISO`}},
		{"shares lower-case country", `{"origin": {"cn": 10}}`, questionnaire.Draft, []string{`origin: "cn" is not an ISO`}},
		{"shares over 100", `{"origin": {"CN": 60, "VN": 50}}`, questionnaire.Draft, []string{"origin: add up to 110"}},
		{"share zero", `{"origin": {"CN": 0}}`, questionnaire.Draft, []string{`origin: The share of "CN"`}},
		{"shares empty", `{"origin": {}}`, questionnaire.Draft, []string{"origin: are empty"}},
		{"item shares over 100", `{"shares": {"magnets": {"CN": 90, "JP": 20}}}`, questionnaire.Draft, []string{"shares: add up to 110"}},
		{"item not an option", `{"shares": {"gold": {"CN": 90}}}`, questionnaire.Draft, []string{`shares: "gold" is not an item`}},
		{"exclusive option is no item", `{"shares": {"none": {"CN": 90}}}`, questionnaire.Draft, []string{`shares: "none" is not an item`}},
		{"item not selected", `{"materials": ["magnets"], "shares": {"magnets": {"CN": 90}, "batteries": {"CN": 70}}}`, questionnaire.Submit, []string{`shares: "batteries" was not selected`}},
		{"selected item without shares", `{"shares": {"magnets": {"CN": 90}}}`, questionnaire.Submit, []string{"shares: [batteries]"}},
		{"required missing", `{"industry": null}`, questionnaire.Submit, []string{"industry: must be answered"}},
		{"required but hidden is fine", `{"materials": ["none"], "shares": null}`, questionnaire.Submit, nil},
		{"hidden answered", `{"materials": ["none"]}`, questionnaire.Submit, []string{"shares: not shown"}},
		{"hidden by numeric rule", `{"exports": "no", "employees": 120}`, questionnaire.Submit, []string{"gov_cp: not shown"}},
		{"shown by numeric rule", `{"exports": "no", "employees": 300}`, questionnaire.Submit, nil},
		{"hidden by answered rule", `{"gov_owner": null}`, questionnaire.Submit, []string{"gov_owner: must be answered", "gov_note: not shown"}},
		{"drafts may be incomplete", `{"industry": null, "gov_owner": null}`, questionnaire.Draft, nil},
		{"drafts may answer hidden questions", `{"materials": ["none"]}`, questionnaire.Draft, nil},
		{"null is no answer", `{"gov_risks": null}`, questionnaire.Submit, nil},
		{"several problems at once", `{"industry": 1, "employees": -5}`, questionnaire.Draft, []string{"industry: Choose one", "employees: from 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := d.Validate(with(t, tt.changes), tt.mode, "en")
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors %v, want %v", len(errs), errs, tt.want)
			}
			for i, w := range tt.want {
				q, frag, _ := strings.Cut(w, ": ")
				if errs[i].Question != q || !strings.Contains(errs[i].Message, frag) {
					t.Errorf("error %d = %s: %q, want %s: …%s…", i, errs[i].Question, errs[i].Message, q, frag)
				}
			}
		})
	}
}

func TestValidateJapanese(t *testing.T) {
	d := loadMini(t)
	errs := d.Validate(with(t, `{"materials": ["magnets", "none"], "industry": null}`), questionnaire.Submit, "ja")
	want := []questionnaire.FieldError{
		{Question: "industry", Message: "この質問は回答が必須です。"},
		{Question: "materials", Message: "「いずれもない」はほかの選択肢と同時には選べません。"},
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestConditions(t *testing.T) {
	d := loadMini(t)
	q, _ := d.Question("gov_cp")
	tests := []struct {
		answers string
		band    string
		want    string
	}{
		{`{"exports": "yes"}`, "sme", "essential"},
		{`{"exports": "no"}`, "small_scale", "recommended"},
		{`{"exports": "no"}`, "sme", "important"},
		{`{"exports": "yes"}`, "small_scale", "essential"}, // the first rule that holds wins
	}
	for _, tt := range tests {
		env := d.NewEnv(answers(t, tt.answers), tt.band)
		got := q.Tier
		for _, r := range q.TierRules {
			if r.If.Holds(env) {
				got = r.Tier
				break
			}
		}
		if got != tt.want {
			t.Errorf("%s %s: tier %s, want %s", tt.answers, tt.band, got, tt.want)
		}
	}
}
