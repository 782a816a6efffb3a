// Package checklist turns a scored submission into the government-style checklist firms asked
// for (JCCI 2023): prioritised, size-tailored actions with their policy references, each with
// its status derived from the answers by structured rules in configs/checklist/, an owner, a
// horizon, an effort and the evidence that shows it done. It is pure Go: no HTTP, no database.
package checklist

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/esready/esready/internal/questionnaire"
)

// Rules is one checklist, written for one questionnaire version.
type Rules struct {
	Questionnaire string `yaml:"questionnaire"`
	Version       int    `yaml:"version"`
	Items         []Item `yaml:"items"`
	File          string `yaml:"-"`
}

// Item is one action of the checklist.
type Item struct {
	ID     string `yaml:"id"`
	Domain string `yaml:"domain"`
	// Area is the area of METI's Economic Security Management Guideline (2026) the action
	// serves: autonomy, indispensability or governance.
	Area string `yaml:"area"`
	// Tier is how much the action matters (essential, important, recommended), as for questions;
	// TierRules may change it for a firm's size band or exposure.
	Tier      string                   `yaml:"tier"`
	TierRules []questionnaire.TierRule `yaml:"tier_rules,omitempty"`

	Title       questionnaire.Text `yaml:"title"`  // short, imperative
	Action      questionnaire.Text `yaml:"action"` // what to do
	ActionSME   questionnaire.Text `yaml:"action_sme,omitempty"`
	ActionMid   questionnaire.Text `yaml:"action_mid,omitempty"`
	ActionLarge questionnaire.Text `yaml:"action_large,omitempty"`
	Rationale   questionnaire.Text `yaml:"rationale"`
	Evidence    questionnaire.Text `yaml:"evidence"` // what shows it done
	References  []string           `yaml:"references"`

	Owner   string `yaml:"owner"`   // a role, see Owners
	Horizon int    `yaml:"horizon"` // days: 30, 90 or 365
	Effort  string `yaml:"effort"`  // S, M or L

	// Exposure names the exposures that make the action more urgent (see Exposures).
	Exposure []string `yaml:"exposure,omitempty"`

	// AppliesIf: the item is "not applicable" unless it holds (always applies when absent).
	AppliesIf *questionnaire.Condition `yaml:"applies_if,omitempty"`
	// Practice derives the status from one scale question: done from level Done, partial from
	// level Partial; "don't know" makes it a find-out task.
	Practice *Practice `yaml:"practice,omitempty"`
	// DoneIf and PartialIf derive the status from any answers (when Practice is not used).
	DoneIf    *questionnaire.Condition `yaml:"done_if,omitempty"`
	PartialIf *questionnaire.Condition `yaml:"partial_if,omitempty"`
	// FindOutIf marks the item as a task to find something out (e.g. whether a rule applies).
	FindOutIf *questionnaire.Condition `yaml:"find_out_if,omitempty"`
}

// Practice ties an item to a practice (scale) question.
type Practice struct {
	Question string `yaml:"question"`
	Done     int    `yaml:"done"`
	Partial  int    `yaml:"partial"`
}

// Areas of METI's Economic Security Management Guideline.
var Areas = map[string]questionnaire.Text{
	"autonomy":         questionnaire.Catalogued("checklist.area.autonomy"),
	"indispensability": questionnaire.Catalogued("checklist.area.indispensability"),
	"governance":       questionnaire.Catalogued("checklist.area.governance"),
}

// SmallFirmOwner is who owns every item of a small-scale firm.
func SmallFirmOwner() questionnaire.Text {
	return questionnaire.Catalogued("checklist.small_firm_owner")
}

// Owners are the roles an action can be given to.
var Owners = map[string]questionnaire.Text{
	"top_management":     questionnaire.Catalogued("checklist.owner.top_management"),
	"board":              questionnaire.Catalogued("checklist.owner.board"),
	"corporate_planning": questionnaire.Catalogued("checklist.owner.corporate_planning"),
	"risk_management":    questionnaire.Catalogued("checklist.owner.risk_management"),
	"procurement":        questionnaire.Catalogued("checklist.owner.procurement"),
	"sales":              questionnaire.Catalogued("checklist.owner.sales"),
	"legal":              questionnaire.Catalogued("checklist.owner.legal"),
	"export_control":     questionnaire.Catalogued("checklist.owner.export_control"),
	"it":                 questionnaire.Catalogued("checklist.owner.it"),
	"hr":                 questionnaire.Catalogued("checklist.owner.hr"),
	"rnd":                questionnaire.Catalogued("checklist.owner.rnd"),
	"general_affairs":    questionnaire.Catalogued("checklist.owner.general_affairs"),
	"logistics":          questionnaire.Catalogued("checklist.owner.logistics"),
	"finance":            questionnaire.Catalogued("checklist.owner.finance"),
}

// Exposures an item can name; each raises its priority for a firm that has it.
var Exposures = map[string]questionnaire.Text{
	"supply_concentration": questionnaire.Catalogued("checklist.exposure.supply_concentration"),
	"china_dependence":     questionnaire.Catalogued("checklist.exposure.china_dependence"),
	"export_control":       questionnaire.Catalogued("checklist.exposure.export_control"),
	"us_origin":            questionnaire.Catalogued("checklist.exposure.us_origin"),
	"fdi":                  questionnaire.Catalogued("checklist.exposure.fdi"),
	"critical_infra":       questionnaire.Catalogued("checklist.exposure.critical_infra"),
	"foreign_investor":     questionnaire.Catalogued("checklist.exposure.foreign_investor"),
}

var (
	efforts  = []string{"S", "M", "L"}
	horizons = []int{30, 90, 365}
)

// Parse reads a checklist file and checks it against the questionnaire it is written for:
// every condition must name questions and options that exist. Every problem is reported, each
// with the file and the item.
func Parse(data []byte, file string, defs *questionnaire.Registry) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, questionnaire.Problems{{File: file, Message: "cannot parse: " + err.Error()}}
	}
	r.File = file
	def, ok := defs.Version(r.Questionnaire, r.Version)
	if !ok {
		return nil, questionnaire.Problems{{File: file, Message: fmt.Sprintf("questionnaire %s version %d is not loaded", r.Questionnaire, r.Version)}}
	}
	if ps := r.check(def); len(ps) > 0 {
		return nil, ps
	}
	return &r, nil
}

func (r *Rules) check(def *questionnaire.Definition) questionnaire.Problems {
	var ps questionnaire.Problems
	domains := map[string]bool{}
	for _, s := range def.Sections {
		if s.Domain != "" {
			domains[s.Domain] = true
		}
	}
	seen := map[string]bool{}
	for i := range r.Items {
		it := &r.Items[i]
		add := func(format string, args ...any) {
			ps = append(ps, questionnaire.Problem{File: r.File, Question: "item " + it.ID, Message: fmt.Sprintf(format, args...)})
		}
		if it.ID == "" || seen[it.ID] {
			add("missing or duplicate id")
		}
		seen[it.ID] = true
		if !domains[it.Domain] {
			add("domain %q is not a scored domain of %s", it.Domain, def.ID)
		}
		it.checkFields(add)
		it.checkConditions(def, add)
	}
	return ps
}

// checkFields checks an item's classification, texts and planning fields.
func (it *Item) checkFields(add func(format string, args ...any)) {
	if _, ok := Areas[it.Area]; !ok {
		add("area %q is not autonomy, indispensability or governance", it.Area)
	}
	if it.Tier != questionnaire.TierEssential && it.Tier != questionnaire.TierImportant && it.Tier != questionnaire.TierRecommended {
		add("tier %q is not essential, important or recommended", it.Tier)
	}
	for _, f := range []struct {
		name     string
		text     questionnaire.Text
		optional bool
	}{{"title", it.Title, false}, {"action", it.Action, false}, {"action_sme", it.ActionSME, true}, {"action_mid", it.ActionMid, true},
		{"action_large", it.ActionLarge, true}, {"rationale", it.Rationale, false}, {"evidence", it.Evidence, false}} {
		if (!f.optional || !f.text.Empty()) && (f.text.JA == "" || f.text.EN == "") {
			add("%s needs ja and en", f.name)
		}
	}
	if len(it.References) == 0 {
		add("names no reference")
	}
	if _, ok := Owners[it.Owner]; !ok {
		add("owner %q is not one of %s", it.Owner, strings.Join(sortedKeys(Owners), ", "))
	}
	if !slices.Contains(horizons, it.Horizon) {
		add("horizon %d is not 30, 90 or 365", it.Horizon)
	}
	if !slices.Contains(efforts, it.Effort) {
		add("effort %q is not S, M or L", it.Effort)
	}
	for _, e := range it.Exposure {
		if _, ok := Exposures[e]; !ok {
			add("exposure %q is not one of %s", e, strings.Join(sortedKeys(Exposures), ", "))
		}
	}
}

// checkConditions checks an item's tier rules and the conditions and practice its status
// comes from, against the questionnaire.
func (it *Item) checkConditions(def *questionnaire.Definition, add func(format string, args ...any)) {
	for n, rule := range it.TierRules {
		for _, m := range def.CheckCondition(rule.If, true) {
			add("tier rule %d: %s", n+1, m)
		}
	}
	for _, c := range []struct {
		name string
		cond *questionnaire.Condition
	}{{"applies_if", it.AppliesIf}, {"done_if", it.DoneIf}, {"partial_if", it.PartialIf}, {"find_out_if", it.FindOutIf}} {
		if c.cond != nil {
			for _, m := range def.CheckCondition(*c.cond, true) {
				add("%s: %s", c.name, m)
			}
		}
	}
	switch {
	case it.Practice != nil && (it.DoneIf != nil || it.PartialIf != nil):
		add("use either practice or done_if/partial_if, not both")
	case it.Practice != nil:
		q, ok := def.Question(it.Practice.Question)
		switch {
		case !ok:
			add("practice: question %q does not exist", it.Practice.Question)
		case q.Type != questionnaire.TypeScale:
			add("practice: question %q is not a scale question", it.Practice.Question)
		case it.Practice.Done < 1 || it.Practice.Done > questionnaire.ScaleMax || it.Practice.Partial < 1 || it.Practice.Partial > it.Practice.Done:
			add("practice: need 1 ≤ partial ≤ done ≤ %d", questionnaire.ScaleMax)
		}
	case it.DoneIf == nil:
		add("needs practice or done_if to derive its status")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
