package questionnaire

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/esready/esready/internal/locale"
)

// Answers maps question ids to answer values as decoded from JSON: string, float64, []any,
// map[string]any. See DESIGN.md, "Answer values".
type Answers map[string]any

// Mode says how strictly answers are checked.
type Mode int

const (
	// Draft checks each value's type and range only: a respondent saves work in progress.
	Draft Mode = iota
	// Submit also checks visibility and completeness: no answer to a hidden question, every
	// visible required question answered.
	Submit
)

// FieldError is one problem with one answer.
type FieldError struct {
	Question string `json:"path"`
	Message  string `json:"message"`
}

// defaultMaxLength bounds text answers that set no max_length.
const defaultMaxLength = 2000

// Validate checks answers against the definition and returns the problems, in questionnaire
// order, with messages in lang ("ja" or "en"). A nil result means the answers are acceptable.
func (d *Definition) Validate(a Answers, mode Mode, lang string) []FieldError {
	var errs []FieldError
	add := func(q string, m msg, args ...any) {
		errs = append(errs, FieldError{Question: q, Message: m.format(lang, args...)})
	}
	for _, id := range d.unknownIDs(a) {
		add(id, msgUnknown)
	}

	// Type errors first: an invalid answer must not decide what else is shown or required.
	invalid, valid := d.checkValues(a)
	vis := d.visibility(valid)
	decide := d.undecided(invalid)
	for _, q := range d.Questions() {
		v, answered := a[q.ID]
		answered = answered && v != nil // JSON null: no answer
		p, bad := invalid[q.ID]
		settled := mode == Submit && !decide(q)
		switch {
		case settled && answered && !vis[q.ID]:
			add(q.ID, msgHidden)
		case settled && !answered && vis[q.ID] && q.Required:
			add(q.ID, msgRequired)
		case bad:
			add(q.ID, *p.m, p.args...)
		case answered && mode == Submit && q.ItemsFrom != "":
			// Shares per item must match the items selected, once that answer is itself valid.
			if _, itemsBad := invalid[q.ItemsFrom]; !itemsBad {
				if m, args := q.checkItems(v, a); m != nil {
					add(q.ID, *m, args...)
				}
			}
		}
	}
	return errs
}

// unknownIDs returns, sorted, the answered ids that name no question of the definition.
func (d *Definition) unknownIDs(a Answers) []string {
	var unknown []string
	for id := range a {
		if _, ok := d.byID[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// valueProblem is the message, with its values, for one answer of the wrong type or range.
type valueProblem struct {
	m    *msg
	args []any
}

// checkValues checks each non-null answer to a known question on its own. It returns the
// problems of the invalid answers by question id, and the valid answers.
func (d *Definition) checkValues(a Answers) (map[string]valueProblem, Answers) {
	invalid := map[string]valueProblem{}
	valid := make(Answers, len(a))
	for id, v := range a {
		q, ok := d.byID[id]
		if !ok || v == nil {
			continue
		}
		if m, args := q.check(v); m != nil {
			invalid[id] = valueProblem{m, args}
			continue
		}
		valid[id] = v
	}
	return invalid, valid
}

// undecided returns a function that reports whether a question's visibility turns, directly or
// through other show-if rules, on an invalid answer. Such a question is neither hidden nor
// required until that answer is fixed: reporting it would only repeat the first error.
func (d *Definition) undecided(invalid map[string]valueProblem) func(q *Question) bool {
	undecided := map[string]bool{}
	var decide func(q *Question) bool
	decide = func(q *Question) bool {
		if v, ok := undecided[q.ID]; ok {
			return v
		}
		undecided[q.ID] = false
		if q.ShowIf != nil {
			for _, r := range q.ShowIf.refs(nil) {
				_, bad := invalid[r]
				if rq := d.byID[r]; bad || (rq != nil && decide(rq)) {
					undecided[q.ID] = true
				}
			}
		}
		return undecided[q.ID]
	}
	return decide
}

// check returns the problem with one value, or nil.
func (q *Question) check(v any) (*msg, []any) {
	if q.isSpecial(v) {
		return nil, nil
	}
	switch q.Type {
	case TypeSingle:
		return q.checkSingle(v)
	case TypeMulti:
		return q.checkMulti(v)
	case TypeScale:
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || f < 0 || f > ScaleMax {
			return &msgWantLevel, nil
		}
	case TypeNumber, TypePercent:
		return q.checkNumber(v)
	case TypeText:
		return q.checkTextAnswer(v)
	case TypeCountryShares:
		return q.checkCountryShares(v)
	}
	return nil, nil
}

// isSpecial reports whether v is a special answer (not applicable, don't know) q allows.
func (q *Question) isSpecial(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	return (s == NA && q.AllowNA) || (s == DontKnow && q.DontKnow)
}

// checkSingle checks the answer to a single-choice question: one of its options.
func (q *Question) checkSingle(v any) (*msg, []any) {
	s, ok := v.(string)
	if !ok {
		return &msgWantOption, nil
	}
	if _, ok := q.Option(s); !ok {
		return &msgNoSuchOption, []any{"option", quoted{s}}
	}
	return nil, nil
}

// checkMulti checks the answer to a multi-choice question: a non-empty list of distinct
// options, an exclusive option only on its own.
func (q *Question) checkMulti(v any) (*msg, []any) {
	list, ok := v.([]any)
	if !ok {
		return &msgWantOptions, nil
	}
	if len(list) == 0 {
		return &msgEmptyChoice, nil
	}
	seen := map[string]bool{}
	for _, it := range list {
		s, ok := it.(string)
		if !ok {
			return &msgWantOptions, nil
		}
		o, ok := q.Option(s)
		if !ok {
			return &msgNoSuchOption, []any{"option", quoted{s}}
		}
		if seen[s] {
			return &msgDuplicate, []any{"option", quoted{s}}
		}
		seen[s] = true
		if o.Exclusive && len(list) > 1 {
			return &msgExclusive, []any{"option", quoted{o.Label}}
		}
	}
	return nil, nil
}

// checkNumber checks the answer to a number or percent question: a finite number within the
// question's range (its bounds, narrowed by its role's plausible range), whole when it asks for
// an integer or its role counts things.
func (q *Question) checkNumber(v any) (*msg, []any) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return &msgWantNumber, nil
	}
	r := q.numberRange()
	if f < r.min || f > r.max {
		return &msgRange, []any{"min", figure(r.min), "max", figure(r.max)}
	}
	if r.integer && f != math.Trunc(f) {
		return &msgWantInteger, nil
	}
	return nil, nil
}

// checkTextAnswer checks the answer to a text question: valid UTF-8 within the length limit, with no
// control characters but line breaks and tabs.
func (q *Question) checkTextAnswer(v any) (*msg, []any) {
	s, ok := v.(string)
	if !ok {
		return &msgWantText, nil
	}
	if !utf8.ValidString(s) {
		return &msgWantText, nil
	}
	if n, limit := utf8.RuneCountInString(s), q.maxLength(); n > limit {
		return &msgTooLong, []any{"limit", limit}
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return &msgControlChar, nil
		}
	}
	return nil, nil
}

// checkCountryShares checks the answer to a country_shares question: one set of shares, or,
// when the question takes its items from another, one set per item, keyed by that question's
// non-exclusive options.
func (q *Question) checkCountryShares(v any) (*msg, []any) {
	obj, ok := v.(map[string]any)
	if !ok {
		return &msgWantShares, nil
	}
	if q.ItemsFrom == "" || len(obj) == 0 {
		return checkShares(obj, "")
	}
	items := make([]string, 0, len(obj))
	for k := range obj {
		items = append(items, k)
	}
	sort.Strings(items)
	for _, item := range items {
		src := q.itemsQuestion
		if src != nil {
			if o, ok := src.Option(item); !ok || o.Exclusive {
				return &msgNoSuchItem, []any{"item", quoted{item}}
			}
		}
		shares, ok := obj[item].(map[string]any)
		if !ok {
			return &msgWantShares, nil
		}
		if m, args := checkShares(shares, item); m != nil {
			return m, args
		}
	}
	return nil, nil
}

// checkShares checks one set of country shares: ISO codes, each share 0..100, sum ≤ 100.
func checkShares(shares map[string]any, item string) (*msg, []any) {
	if len(shares) == 0 {
		return &msgEmptyShares, []any{"item", quoted{item}}
	}
	codes := make([]string, 0, len(shares))
	for c := range shares {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	sum := 0.0
	for _, c := range codes {
		if !IsCountry(c) {
			return &msgBadCountry, []any{"code", quoted{c}}
		}
		f, ok := shares[c].(float64)
		if !ok || math.IsNaN(f) || f <= 0 || f > 100 {
			return &msgBadShare, []any{"code", quoted{c}}
		}
		sum += f
	}
	if sum > 100+1e-9 {
		return &msgShareSum, []any{"sum", sum}
	}
	return nil, nil
}

func (q *Question) maxLength() int {
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	return defaultMaxLength
}

// checkItems checks that shares are given only for the items selected in q.ItemsFrom and, when
// the question is required, for every one of them.
func (q *Question) checkItems(v any, a Answers) (*msg, []any) {
	obj, _ := v.(map[string]any)
	selected := selectedOptions(a[q.ItemsFrom])
	items := make([]string, 0, len(obj))
	for k := range obj {
		items = append(items, k)
	}
	sort.Strings(items)
	for _, item := range items {
		if !slices.Contains(selected, item) {
			return &msgItemNotSelected, []any{"item", quoted{item}}
		}
	}
	if !q.Required {
		return nil, nil
	}
	var missing []string
	for _, s := range selectedOptions(a[q.ItemsFrom]) {
		if o, ok := q.itemsQuestion.Option(s); ok && o.Exclusive {
			continue
		}
		if _, ok := obj[s]; !ok {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return &msgItemsMissing, []any{"items", missing}
	}
	return nil, nil
}

// selectedOptions returns the options selected in a multi answer (nil for anything else).
func selectedOptions(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, it := range list {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// visibility decides which questions are shown for these answers. A question whose show-if
// reads a hidden question sees that question as unanswered.
func (d *Definition) visibility(a Answers) map[string]bool {
	vis := make(map[string]bool, len(d.byID))
	var visible func(id string) bool
	visible = func(id string) bool {
		if v, ok := vis[id]; ok {
			return v
		}
		q := d.byID[id]
		vis[id] = true // guards recursion; definitions are acyclic (checked at load)
		if q != nil && q.ShowIf != nil {
			vis[id] = q.ShowIf.Holds(env{a: a, visible: visible})
		}
		return vis[id]
	}
	for id := range d.byID {
		visible(id)
	}
	return vis
}

// Visible reports which questions are shown for these answers.
func (d *Definition) Visible(a Answers) map[string]bool { return d.visibility(a) }

// Env is what a condition reads: the answers of visible questions and the firm's size band.
type Env interface {
	// Answer returns the answer to a question, or false when it is unanswered or hidden.
	Answer(id string) (any, bool)
	// SizeBand returns small_scale, sme or large ("" when unknown).
	SizeBand() string
}

type env struct {
	a       Answers
	visible func(string) bool
	band    string
}

func (e env) Answer(id string) (any, bool) {
	if e.visible != nil && !e.visible(id) {
		return nil, false
	}
	v, ok := e.a[id]
	return v, ok && v != nil
}

func (e env) SizeBand() string { return e.band }

// Submission is a validated submission as conditions read it: answers of hidden questions are
// ignored. Visibility is decided once, when it is made.
type Submission struct {
	answers Answers
	vis     map[string]bool
	band    string
}

// NewEnv returns the submission's Env for a firm of sizeBand ("" when not yet known).
func (d *Definition) NewEnv(a Answers, sizeBand string) *Submission {
	return &Submission{answers: a, vis: d.visibility(a), band: sizeBand}
}

// WithSizeBand returns the same submission for a firm of another size band.
func (s *Submission) WithSizeBand(band string) *Submission {
	c := *s
	c.band = band
	return &c
}

// Answer returns the answer to a visible question.
func (s *Submission) Answer(id string) (any, bool) {
	if !s.vis[id] {
		return nil, false
	}
	v, ok := s.answers[id]
	return v, ok && v != nil
}

// SizeBand returns the firm's size band.
func (s *Submission) SizeBand() string { return s.band }

// Visible reports whether a question is shown.
func (s *Submission) Visible(id string) bool { return s.vis[id] }

// Holds evaluates the condition.
func (c Condition) Holds(e Env) bool {
	switch {
	case len(c.All) > 0:
		for _, s := range c.All {
			if !s.Holds(e) {
				return false
			}
		}
		return true
	case len(c.Any) > 0:
		for _, s := range c.Any {
			if s.Holds(e) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.Holds(e)
	case len(c.SizeBand) > 0:
		return slices.Contains(c.SizeBand, e.SizeBand())
	}
	return c.holdsAnswer(e)
}

// holdsAnswer evaluates a condition on one question's answer.
func (c Condition) holdsAnswer(e Env) bool {
	v, ok := e.Answer(c.Question)
	if c.Op == OpNotAnswered {
		return !ok || v == NA
	}
	if !ok {
		return false
	}
	switch c.Op {
	case OpAnswered:
		return v != NA
	case OpIn, OpNotIn:
		return c.holdsIn(v)
	case OpGTE, OpLTE, OpGT, OpLT:
		return c.holdsCompare(v)
	}
	return false
}

// holdsIn evaluates an in or not_in condition on a choice answer. not_in holds only for an
// answer that selects something, none of it listed.
func (c Condition) holdsIn(v any) bool {
	vals := selectedOptions(v)
	if s, isStr := v.(string); isStr {
		vals = []string{s}
	}
	found := false
	for _, x := range vals {
		if slices.Contains(c.Values, x) {
			found = true
			break
		}
	}
	if c.Op == OpIn {
		return found
	}
	return len(vals) > 0 && !found
}

// holdsCompare evaluates a numeric comparison; a non-numeric answer satisfies none.
func (c Condition) holdsCompare(v any) bool {
	f, isNum := v.(float64)
	if !isNum || c.Value == nil {
		return false
	}
	switch c.Op {
	case OpGTE:
		return f >= *c.Value
	case OpLTE:
		return f <= *c.Value
	case OpGT:
		return f > *c.Value
	default:
		return f < *c.Value
	}
}

// msg is the catalogue key of a validation message ("validation.…"); its values come as
// name–value pairs for the {placeholders} of both languages.
type msg string

// quoted is a value a message quotes: the Japanese text puts it in 「」 itself, the English one
// shows it Go-quoted ("mining").
type quoted struct{ v any }

func (m msg) format(lang string, pairs ...any) string {
	vals := make([]any, len(pairs))
	for i, a := range pairs {
		q, isQuoted := a.(quoted)
		if isQuoted {
			a = q.v
		}
		if t, ok := a.(Text); ok {
			a = t.In(lang)
		}
		if isQuoted && lang == "en" {
			a = strconv.Quote(fmt.Sprint(a))
		}
		vals[i] = a
	}
	return locale.Get(lang, string(m), vals...)
}

var (
	msgUnknown         msg = "validation.unknown"
	msgHidden          msg = "validation.hidden"
	msgRequired        msg = "validation.required"
	msgItemsMissing    msg = "validation.items_missing"
	msgWantOption      msg = "validation.want_option"
	msgWantOptions     msg = "validation.want_options"
	msgNoSuchOption    msg = "validation.no_such_option"
	msgEmptyChoice     msg = "validation.empty_choice"
	msgDuplicate       msg = "validation.duplicate"
	msgExclusive       msg = "validation.exclusive"
	msgWantLevel       msg = "validation.want_level"
	msgWantNumber      msg = "validation.want_number"
	msgRange           msg = "validation.range"
	msgWantInteger     msg = "validation.want_integer"
	msgWantText        msg = "validation.want_text"
	msgTooLong         msg = "validation.too_long"
	msgControlChar     msg = "validation.control_char"
	msgWantShares      msg = "validation.want_shares"
	msgEmptyShares     msg = "validation.empty_shares"
	msgBadCountry      msg = "validation.bad_country"
	msgBadShare        msg = "validation.bad_share"
	msgShareSum        msg = "validation.share_sum"
	msgNoSuchItem      msg = "validation.no_such_item"
	msgItemNotSelected msg = "validation.item_not_selected"
)
