package questionnaire

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one defect of a definition file.
type Problem struct {
	File     string
	Question string // empty for problems outside a question
	Message  string
}

func (p Problem) String() string {
	if p.Question != "" {
		return fmt.Sprintf("%s: question %s: %s", p.File, p.Question, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is the error Load returns for a defective definition: every problem found, not just
// the first, so an author fixes a file in one pass.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	idPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	optionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

// SizeBands are the firm-size bands a tier or checklist rule may name.
var SizeBands = []string{"small_scale", "sme", "large"}

var questionTypes = []string{TypeSingle, TypeMulti, TypeScale, TypeNumber, TypePercent, TypeCountryShares, TypeText}

// Parse decodes and checks one definition file. file names it in problems.
func Parse(data []byte, file string) (*Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, Problems{{File: file, Message: "cannot parse: " + err.Error()}}
	}
	d.File = file
	if ps := d.check(); len(ps) > 0 {
		return nil, ps
	}
	h, err := d.contentHash()
	if err != nil {
		return nil, err
	}
	d.Hash = h
	return &d, nil
}

// contentHash is the sha256 of the definition's canonical JSON: edits to comments or layout of
// the YAML leave it unchanged; any change to what respondents see or how answers score changes it.
func (d *Definition) contentHash() (string, error) {
	d.Hash = ""
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("%s: hash: %w", d.File, err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// check indexes the definition and returns every problem in it.
func (d *Definition) check() Problems {
	var ps Problems
	add := func(q, format string, args ...any) {
		ps = append(ps, Problem{File: d.File, Question: q, Message: fmt.Sprintf(format, args...)})
	}
	d.checkHeader(add)
	d.checkSections(add)
	for _, q := range d.Questions() {
		if d.byID[q.ID] != q {
			continue // reported above
		}
		for _, m := range d.checkQuestion(q) {
			add(q.ID, "%s", m)
		}
	}
	d.checkRoles(add)
	if cyc := d.showIfCycle(); cyc != nil {
		add(cyc[0], "show_if rules form a cycle: %s", strings.Join(cyc, " → "))
	}
	return ps
}

// checkHeader checks the fields of the definition outside its sections.
func (d *Definition) checkHeader(add func(q, format string, args ...any)) {
	if !idPattern.MatchString(d.ID) {
		add("", "id %q must be lower-case letters, digits and '_', starting with a letter", d.ID)
	}
	if d.Version < 1 {
		add("", "version must be a whole number from 1")
	}
	checkText(d.Title, "title", func(m string) { add("", "%s", m) }, true)
	checkText(d.Description, "description", func(m string) { add("", "%s", m) }, false)
	if len(d.Sections) == 0 {
		add("", "no sections")
	}
}

// checkSections checks each section's own fields and indexes its questions by id, giving each
// its section's domain. A question with a bad or duplicate id is reported and left out of the
// index.
func (d *Definition) checkSections(add func(q, format string, args ...any)) {
	d.byID = map[string]*Question{}
	sections := map[string]bool{}
	for si := range d.Sections {
		s := &d.Sections[si]
		where := fmt.Sprintf("section %q", s.ID)
		if !idPattern.MatchString(s.ID) {
			add("", "section id %q must be lower-case letters, digits and '_'", s.ID)
		} else if sections[s.ID] {
			add("", "duplicate section id %q", s.ID)
		}
		sections[s.ID] = true
		checkText(s.Title, where+" title", func(m string) { add("", "%s", m) }, true)
		checkText(s.Description, where+" description", func(m string) { add("", "%s", m) }, false)
		if s.Domain != "" && !idPattern.MatchString(s.Domain) {
			add("", "%s: domain %q must be lower-case letters, digits and '_'", where, s.Domain)
		}
		if len(s.Questions) == 0 {
			add("", "%s has no questions", where)
		}
		d.indexQuestions(s, add)
	}
}

// indexQuestions indexes the questions of one section by id.
func (d *Definition) indexQuestions(s *Section, add func(q, format string, args ...any)) {
	for qi := range s.Questions {
		q := &s.Questions[qi]
		q.Domain = s.Domain
		if !idPattern.MatchString(q.ID) {
			add(q.ID, "id must be lower-case letters, digits and '_', starting with a letter")
			continue
		}
		if _, dup := d.byID[q.ID]; dup {
			add(q.ID, "duplicate question id")
			continue
		}
		d.byID[q.ID] = q
	}
}

func checkText(t Text, what string, report func(string), required bool) {
	switch {
	case t.JA == "" && t.EN == "":
		if required {
			report(what + " is missing in Japanese and English")
		}
	case t.JA == "":
		report(what + " is missing in Japanese (ja)")
	case t.EN == "":
		report(what + " is missing in English (en)")
	}
}

func (d *Definition) checkQuestion(q *Question) []string {
	var ms problemList
	if !slices.Contains(questionTypes, q.Type) {
		ms.add("type %q is not one of %s", q.Type, strings.Join(questionTypes, ", "))
		return ms
	}
	checkText(q.Text, "text", ms.report, true)
	checkText(q.Help, "help", ms.report, false)
	checkText(q.Unit, "unit", ms.report, false)
	if len(q.Sources) == 0 {
		ms.add("names no source (the survey or law it is modelled on)")
	}
	for _, s := range q.Sources {
		if strings.TrimSpace(s) == "" {
			ms.add("has an empty source")
		}
	}
	checkOptions(q, &ms)
	checkLevels(q, &ms)
	d.checkBounds(q, &ms)
	if q.Scored() {
		d.checkScoring(q, &ms)
	} else {
		checkUnscored(q, &ms)
	}
	if q.ShowIf != nil {
		for _, m := range d.checkCondition(*q.ShowIf, false) {
			ms.add("show_if: %s", m)
		}
	}
	return ms
}

// problemList collects the problems of one question.
type problemList []string

func (ms *problemList) add(format string, args ...any) {
	*ms = append(*ms, fmt.Sprintf(format, args...))
}

func (ms *problemList) report(m string) { *ms = append(*ms, m) }

// checkOptions checks the options of a choice question, and that other questions have none.
func checkOptions(q *Question, ms *problemList) {
	if q.Type != TypeSingle && q.Type != TypeMulti {
		if len(q.Options) > 0 {
			ms.add("a %s question takes no options", q.Type)
		}
		return
	}
	if len(q.Options) < 2 {
		ms.add("a %s question needs at least two options", q.Type)
	}
	seen := map[string]bool{}
	for _, o := range q.Options {
		if !optionPattern.MatchString(o.ID) {
			ms.add("option id %q must be letters, digits, '_' or '-'", o.ID)
		}
		if seen[o.ID] {
			ms.add("duplicate option id %q", o.ID)
		}
		seen[o.ID] = true
		if (o.ID == NA && q.AllowNA) || (o.ID == DontKnow && q.DontKnow) {
			ms.add("option id %q clashes with the special answer of the same name", o.ID)
		}
		checkText(o.Label, fmt.Sprintf("option %q label", o.ID), ms.report, true)
		if o.Exclusive && q.Type != TypeMulti {
			ms.add("option %q: exclusive applies to multi questions only", o.ID)
		}
	}
}

// checkLevels checks the five level descriptions of a scale question.
func checkLevels(q *Question, ms *problemList) {
	if q.Type != TypeScale {
		if len(q.Levels) > 0 {
			ms.add("levels apply to scale questions only")
		}
		return
	}
	if len(q.Levels) != ScaleMax+1 {
		ms.add("a scale question needs exactly %d levels (0 to %d), has %d", ScaleMax+1, ScaleMax, len(q.Levels))
	}
	for i, l := range q.Levels {
		checkText(l, fmt.Sprintf("level %d", i), ms.report, true)
	}
}

// checkBounds checks the bounds of number, percent and text answers and the items of a
// country_shares question.
func (d *Definition) checkBounds(q *Question, ms *problemList) {
	isNum := q.Type == TypeNumber || q.Type == TypePercent
	if !isNum && (q.Min != nil || q.Max != nil || q.Integer) {
		ms.add("min, max and integer apply to number and percent questions only")
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		ms.add("min %g is above max %g", *q.Min, *q.Max)
	}
	if q.Type == TypePercent && ((q.Min != nil && *q.Min < 0) || (q.Max != nil && *q.Max > 100)) {
		ms.add("a percent question's bounds must lie within 0..100")
	}
	q.checkPlausible(ms)
	if q.MaxLength < 0 || (q.MaxLength > 0 && q.Type != TypeText) {
		ms.add("max_length applies to text questions only and must be positive")
	}
	if q.ItemsFrom == "" {
		return
	}
	src, ok := d.byID[q.ItemsFrom]
	switch {
	case q.Type != TypeCountryShares:
		ms.add("items_from applies to country_shares questions only")
	case !ok:
		ms.add("items_from refers to question %q, which does not exist", q.ItemsFrom)
	case src.Type != TypeMulti:
		ms.add("items_from refers to %q, which is not a multi question", q.ItemsFrom)
	default:
		q.itemsQuestion = src
	}
}

// checkScoring checks a scored question: its domain, type, tier, points and tier rules.
func (d *Definition) checkScoring(q *Question, ms *problemList) {
	if q.Domain == "" {
		ms.add("has a tier but its section has no domain: only questions in a scored section can score")
	}
	if !slices.Contains([]string{TypeSingle, TypeMulti, TypeScale}, q.Type) {
		ms.add("a %s question cannot be scored (only single, multi and scale)", q.Type)
	}
	if !validTier(q.Tier) {
		ms.add("tier %q is not essential, important or recommended", q.Tier)
	}
	for _, o := range q.Options {
		if o.Points == nil {
			ms.add("option %q has no points (a scored question needs points on every option)", o.ID)
		} else if *o.Points < 0 || *o.Points > ScaleMax {
			ms.add("option %q: points %d outside 0..%d", o.ID, *o.Points, ScaleMax)
		}
	}
	if q.Type == TypeSingle && len(q.Options) > 0 && maxOptionPoints(q) == 0 {
		ms.add("no option scores any points")
	}
	if q.MaxPoints < 0 || q.MaxPoints > ScaleMax || (q.MaxPoints > 0 && q.Type != TypeMulti) {
		ms.add("max_points applies to multi questions only, from 1 to %d", ScaleMax)
	}
	for i, r := range q.TierRules {
		if !validTier(r.Tier) {
			ms.add("tier rule %d: tier %q is not essential, important or recommended", i+1, r.Tier)
		}
		for _, m := range d.checkCondition(r.If, true) {
			ms.add("tier rule %d: %s", i+1, m)
		}
	}
}

// checkUnscored refuses the scoring fields on a question without a tier.
func checkUnscored(q *Question, ms *problemList) {
	if len(q.TierRules) > 0 || q.MaxPoints != 0 {
		ms.add("tier_rules and max_points need a tier")
	}
	for _, o := range q.Options {
		if o.Points != nil {
			ms.add("option %q has points but the question has no tier: add a tier or remove the points", o.ID)
			return
		}
	}
}

func validTier(t string) bool {
	return t == TierEssential || t == TierImportant || t == TierRecommended
}

func maxOptionPoints(q *Question) int {
	m := 0
	for _, o := range q.Options {
		if o.Points != nil && *o.Points > m {
			m = *o.Points
		}
	}
	return m
}

// CheckCondition returns the problems of a condition: unknown questions or options, wrong
// operators. sizeBand says whether the condition may name size bands (tier and checklist rules).
func (d *Definition) CheckCondition(c Condition, sizeBand bool) []string {
	return d.checkCondition(c, sizeBand)
}

func (d *Definition) checkCondition(c Condition, sizeBand bool) []string {
	var ms []string
	add := func(format string, args ...any) { ms = append(ms, fmt.Sprintf(format, args...)) }
	forms := 0
	for _, used := range []bool{len(c.All) > 0, len(c.Any) > 0, c.Not != nil, c.Question != "", len(c.SizeBand) > 0} {
		if used {
			forms++
		}
	}
	if forms != 1 {
		add("a condition needs exactly one of all, any, not, question or size_band")
		return ms
	}
	switch {
	case len(c.All) > 0 || len(c.Any) > 0:
		for _, sub := range append(slices.Clip(c.All), c.Any...) {
			ms = append(ms, d.checkCondition(sub, sizeBand)...)
		}
	case c.Not != nil:
		ms = append(ms, d.checkCondition(*c.Not, sizeBand)...)
	case len(c.SizeBand) > 0:
		if !sizeBand {
			add("size_band cannot be used here (only in tier and checklist rules)")
		}
		for _, b := range c.SizeBand {
			if !slices.Contains(SizeBands, b) {
				add("size band %q is not one of %s", b, strings.Join(SizeBands, ", "))
			}
		}
	default:
		ref, ok := d.byID[c.Question]
		if !ok {
			add("refers to question %q, which does not exist", c.Question)
			return ms
		}
		switch c.Op {
		case OpIn, OpNotIn:
			if len(c.Values) == 0 {
				add("op %s on %q needs values", c.Op, c.Question)
			}
			for _, v := range c.Values {
				if !ref.accepts(v) {
					add("value %q is not an option of %q", v, c.Question)
				}
			}
		case OpGTE, OpLTE, OpGT, OpLT:
			if c.Value == nil {
				add("op %s on %q needs a numeric value", c.Op, c.Question)
			}
			if ref.Type != TypeNumber && ref.Type != TypePercent && ref.Type != TypeScale {
				add("op %s needs a number, percent or scale question; %q is %s", c.Op, c.Question, ref.Type)
			}
		case OpAnswered, OpNotAnswered:
		default:
			add("op %q is not one of in, not_in, gte, lte, gt, lt, answered, not_answered", c.Op)
		}
	}
	return ms
}

// accepts reports whether v may appear in an in/not_in condition on q.
func (q *Question) accepts(v string) bool {
	if _, ok := q.Option(v); ok {
		return true
	}
	return (v == NA && q.AllowNA) || (v == DontKnow && q.DontKnow)
}

// refs returns the questions a condition reads.
func (c Condition) refs(out []string) []string {
	if c.Question != "" {
		out = append(out, c.Question)
	}
	for _, s := range c.All {
		out = s.refs(out)
	}
	for _, s := range c.Any {
		out = s.refs(out)
	}
	if c.Not != nil {
		out = c.Not.refs(out)
	}
	return out
}

// showIfCycle returns a cycle of show-if references, or nil.
func (d *Definition) showIfCycle() []string {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string) []string
	visit = func(id string) []string {
		switch state[id] {
		case active:
			i := slices.Index(stack, id)
			return append(slices.Clone(stack[i:]), id)
		case done:
			return nil
		}
		state[id] = active
		stack = append(stack, id)
		if q, ok := d.byID[id]; ok && q.ShowIf != nil {
			for _, r := range q.ShowIf.refs(nil) {
				if c := visit(r); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return nil
	}
	for _, q := range d.Questions() {
		if c := visit(q.ID); c != nil {
			return c
		}
	}
	return nil
}

// Registry holds every loaded definition, all versions of each.
type Registry struct {
	byID map[string][]*Definition // ascending versions
}

// File is one configuration file read from a directory.
type File struct {
	Name string // path within the file system, for problems
	Data []byte
}

// ReadYAMLDir reads every *.yaml file of dir, in name order. Questionnaires and checklist rules
// are both kept this way.
func ReadYAMLDir(fsys fs.FS, dir string) ([]File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		files = append(files, File{name, data})
	}
	return files, nil
}

// Load reads every *.yaml file in dir of fsys. It returns all problems of all files at once.
func Load(fsys fs.FS, dir string) (*Registry, error) {
	files, err := ReadYAMLDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("questionnaires: %w", err)
	}
	r := &Registry{byID: map[string][]*Definition{}}
	var problems Problems
	for _, f := range files {
		name := f.Name
		d, err := Parse(f.Data, name)
		var ps Problems
		if errors.As(err, &ps) {
			problems = append(problems, ps...)
			continue
		} else if err != nil {
			return nil, err
		}
		if err := r.add(d); err != nil {
			problems = append(problems, Problem{File: name, Message: err.Error()})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return r, nil
}

func (r *Registry) add(d *Definition) error {
	for _, o := range r.byID[d.ID] {
		if o.Version == d.Version {
			return fmt.Errorf("questionnaire %s version %d is also defined in %s", d.ID, d.Version, o.File)
		}
	}
	vs := append(r.byID[d.ID], d)
	slices.SortFunc(vs, func(a, b *Definition) int { return a.Version - b.Version })
	r.byID[d.ID] = vs
	return nil
}

// Latest returns the newest version of a questionnaire.
func (r *Registry) Latest(id string) (*Definition, bool) {
	vs := r.byID[id]
	if len(vs) == 0 {
		return nil, false
	}
	return vs[len(vs)-1], true
}

// Version returns one version of a questionnaire.
func (r *Registry) Version(id string, version int) (*Definition, bool) {
	for _, d := range r.byID[id] {
		if d.Version == version {
			return d, true
		}
	}
	return nil, false
}

// All returns every definition, by id then version.
func (r *Registry) All() []*Definition {
	ids := make([]string, 0, len(r.byID))
	for id := range r.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []*Definition
	for _, id := range ids {
		out = append(out, r.byID[id]...)
	}
	return out
}
