package checklist

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// Statuses of an item.
const (
	StatusDone    = "done"
	StatusPartial = "partial"
	StatusTodo    = "todo"
	StatusNA      = "na"
)

// Priorities of an item.
const (
	PriorityHigh   = "high"
	PriorityMedium = "medium"
	PriorityLow    = "low"
)

// MaxFirstSteps and MaxFirstStepsPerDomain bound the "first steps".
const (
	MaxFirstSteps          = 5
	MaxFirstStepsPerDomain = 2
)

// ItemResult is one item of a firm's checklist.
type ItemResult struct {
	ID         string             `json:"id"`
	Domain     string             `json:"domain"`
	Area       string             `json:"area"`
	AreaLabel  questionnaire.Text `json:"area_label"`
	Tier       string             `json:"tier"`
	Title      questionnaire.Text `json:"title"`
	Action     questionnaire.Text `json:"action"`
	Rationale  questionnaire.Text `json:"rationale"`
	Evidence   questionnaire.Text `json:"evidence"`
	References []string           `json:"references"`
	Owner      string             `json:"owner"`
	OwnerLabel questionnaire.Text `json:"owner_label"`
	Horizon    int                `json:"horizon_days"`
	Effort     string             `json:"effort"`
	Status     string             `json:"status"`
	// Checked is the state of the item's checkbox: ticked when done.
	Checked bool `json:"checked"`
	// FindOut marks a task of finding something out (a "don't know" answer).
	FindOut bool `json:"find_out,omitempty"`
	// Exposed lists the firm's exposures that make this item more urgent.
	Exposed  []string           `json:"exposed,omitempty"`
	Priority string             `json:"priority"`
	Reason   questionnaire.Text `json:"reason"`
}

// Group is the items of one domain, in the questionnaire's domain order.
type Group struct {
	Domain string             `json:"domain"`
	Title  questionnaire.Text `json:"title"`
	Items  []string           `json:"items"` // item ids
}

// Result is a firm's checklist.
type Result struct {
	Items      []ItemResult   `json:"items"`
	Groups     []Group        `json:"groups"`
	FirstSteps []ItemResult   `json:"first_steps"`
	Counts     map[string]int `json:"counts"` // by status

	// encoded, once Memoize is called, keeps the JSON encoding after the first MarshalJSON:
	// the checklist of a submitted assessment is about 150 kB of JSON in both languages and is
	// sent with every result.
	encoded *encoding
}

type encoding struct {
	once sync.Once
	b    []byte
	err  error
}

// Memoize makes the result keep its JSON encoding once made. The result must not change after.
func (r *Result) Memoize() { r.encoded = &encoding{} }

// MarshalJSON encodes the result, once when it is memoized.
func (r *Result) MarshalJSON() ([]byte, error) {
	type plain Result // without this method
	if r.encoded == nil {
		return json.Marshal((*plain)(r))
	}
	r.encoded.once.Do(func() { r.encoded.b, r.encoded.err = json.Marshal((*plain)(r)) })
	return r.encoded.b, r.encoded.err
}

// Evaluate derives every item's status and priority from a submission and its scores.
func (r *Rules) Evaluate(def *questionnaire.Definition, a questionnaire.Answers, res scoring.Result) Result {
	env := def.NewEnv(a, res.SizeBand)
	exposed := exposures(res.Exposure)
	sc := scale(def, a, res)
	out := Result{Items: []ItemResult{}, Groups: []Group{}, FirstSteps: []ItemResult{},
		Counts: map[string]int{StatusDone: 0, StatusPartial: 0, StatusTodo: 0, StatusNA: 0}}

	// Items are a few hundred bytes each and this runs on every read of a result: evaluate them
	// once into place and group them by index, without growing slices of copies.
	all := make([]ItemResult, len(r.Items))
	byDomain := map[string][]int{}
	for i := range r.Items {
		it := &r.Items[i]
		all[i] = it.evaluate(env, sc, exposed)
		byDomain[it.Domain] = append(byDomain[it.Domain], i)
		out.Counts[all[i].Status]++
	}
	out.Items = make([]ItemResult, 0, len(all))
	for _, s := range def.Sections {
		idx := byDomain[s.Domain]
		if s.Domain == "" || len(idx) == 0 {
			continue
		}
		g := Group{Domain: s.Domain, Title: s.Title, Items: make([]string, 0, len(idx))}
		for _, i := range idx {
			g.Items = append(g.Items, all[i].ID)
			out.Items = append(out.Items, all[i])
		}
		out.Groups = append(out.Groups, g)
	}
	out.FirstSteps = firstSteps(out.Items)
	return out
}

// Blank returns every item with no answers: the printable paper checklist. Statuses are empty.
func (r *Rules) Blank(def *questionnaire.Definition) Result {
	out := Result{Items: []ItemResult{}, Groups: []Group{}, FirstSteps: []ItemResult{}, Counts: map[string]int{}}
	for _, s := range def.Sections {
		if s.Domain == "" {
			continue
		}
		g := Group{Domain: s.Domain, Title: s.Title}
		for i := range r.Items {
			it := &r.Items[i]
			if it.Domain != s.Domain {
				continue
			}
			ir := it.base(it.Tier, it.Action)
			g.Items = append(g.Items, ir.ID)
			out.Items = append(out.Items, ir)
		}
		if len(g.Items) > 0 {
			out.Groups = append(out.Groups, g)
		}
	}
	return out
}

func (it *Item) base(tier string, action questionnaire.Text) ItemResult {
	return ItemResult{
		ID: it.ID, Domain: it.Domain, Area: it.Area, AreaLabel: Areas[it.Area], Tier: tier,
		Title: it.Title, Action: action, Rationale: it.Rationale, Evidence: it.Evidence,
		References: it.References, Owner: it.Owner, OwnerLabel: Owners[it.Owner],
		Horizon: it.Horizon, Effort: it.Effort,
	}
}

// exposures returns the exposures a firm has, as Item.Exposure names them.
func exposures(e scoring.Exposure) map[string]bool {
	out := map[string]bool{}
	for _, m := range e.Materials {
		if m.HHI >= scoring.HHIHigh {
			out["supply_concentration"] = true
		}
	}
	for _, p := range []*float64{e.ChinaProcurement, e.ChinaSales} {
		if p != nil && *p >= scoring.ChinaShareHigh {
			out["china_dependence"] = true
		}
	}
	out["export_control"] = e.Flags.ControlledItems
	out["us_origin"] = e.Flags.USOrigin
	out["fdi"] = e.Flags.FDIDesignated
	out["critical_infra"] = e.Flags.CriticalInfraOperator || e.Flags.CriticalInfraSupplier
	out["foreign_investor"] = e.Flags.ForeignInvestor
	return out
}

// MidSizedEmployees is the headcount from which an SME gets the mid-sized action texts: the SME
// band runs to 300 employees, and advice written for a ten-person firm does not fit a hundred.
const MidSizedEmployees = 100

// scaleMid is an SME that is mid-sized in fact.
const scaleMid = "mid"

// scale is the firm's scale for choosing action texts: its size band, with the SMEs that are
// mid-sized in fact apart — at least MidSizedEmployees, or list-controlled exports, or a core
// sector for inward-FDI screening, each of which needs more than an owner's part-time care.
func scale(def *questionnaire.Definition, a questionnaire.Answers, res scoring.Result) string {
	if res.SizeBand != scoring.BandSME {
		return res.SizeBand
	}
	if n, ok := a[def.RoleID(questionnaire.RoleEmployees)].(float64); ok && n >= MidSizedEmployees {
		return scaleMid
	}
	if res.Exposure.Flags.ControlledItems || res.Exposure.Flags.FDICore {
		return scaleMid
	}
	return scoring.BandSME
}

// actionFor picks the action text for the firm's scale: the large-firm variant, the mid-sized
// one (or, without it, the general text), or the SME variant for small-scale firms and SMEs.
func (it *Item) actionFor(scale string) questionnaire.Text {
	switch {
	case scale == scoring.BandLarge && !it.ActionLarge.Empty():
		return it.ActionLarge
	case scale == scaleMid && !it.ActionMid.Empty():
		return it.ActionMid
	case scale == scaleMid, scale == scoring.BandLarge:
		return it.Action
	case !it.ActionSME.Empty():
		return it.ActionSME
	}
	return it.Action
}

func (it *Item) evaluate(env *questionnaire.Submission, scale string, exposed map[string]bool) ItemResult {
	tier := it.Tier
	for _, rule := range it.TierRules {
		if rule.If.Holds(env) {
			tier = rule.Tier
			break
		}
	}
	ir := it.base(tier, it.actionFor(scale))
	if scale == scoring.BandSmallScale {
		// A firm of a few people has no procurement or export-control department: the owner
		// does it, or names who does.
		ir.OwnerLabel = SmallFirmOwner()
	}
	ir.Status, ir.FindOut = it.status(env)
	ir.Checked = ir.Status == StatusDone
	for _, e := range it.Exposure {
		if exposed[e] {
			ir.Exposed = append(ir.Exposed, e)
		}
	}
	ir.Priority, ir.Reason = it.priority(ir)
	return ir
}

// status derives the item's status from the answers.
func (it *Item) status(env *questionnaire.Submission) (string, bool) {
	if it.AppliesIf != nil && !it.AppliesIf.Holds(env) {
		return StatusNA, false
	}
	findOut := it.FindOutIf != nil && it.FindOutIf.Holds(env)
	if p := it.Practice; p != nil {
		if !env.Visible(p.Question) {
			return StatusNA, false
		}
		v, _ := env.Answer(p.Question)
		switch v {
		case questionnaire.NA:
			return StatusNA, false
		case questionnaire.DontKnow:
			return StatusTodo, true
		}
		level, _ := v.(float64)
		switch {
		case level >= float64(p.Done):
			return StatusDone, false
		case level >= float64(p.Partial):
			return StatusPartial, findOut
		}
		return StatusTodo, findOut
	}
	switch {
	case it.DoneIf.Holds(env):
		return StatusDone, false
	case it.PartialIf != nil && it.PartialIf.Holds(env):
		return StatusPartial, findOut
	}
	return StatusTodo, findOut
}

var (
	statusText = map[string]questionnaire.Text{
		StatusDone:    questionnaire.Catalogued("checklist.status.done"),
		StatusPartial: questionnaire.Catalogued("checklist.status.partial"),
		StatusTodo:    questionnaire.Catalogued("checklist.status.todo"),
		StatusNA:      questionnaire.Catalogued("checklist.status.na"),
	}
	tierText = map[string]questionnaire.Text{
		questionnaire.TierEssential:   questionnaire.Catalogued("checklist.tier.essential"),
		questionnaire.TierImportant:   questionnaire.Catalogued("checklist.tier.important"),
		questionnaire.TierRecommended: questionnaire.Catalogued("checklist.tier.recommended"),
	}
	priorityText = map[string]questionnaire.Text{
		PriorityHigh:   questionnaire.Catalogued("checklist.priority.high"),
		PriorityMedium: questionnaire.Catalogued("checklist.priority.medium"),
		PriorityLow:    questionnaire.Catalogued("checklist.priority.low"),
	}
	priorityRank = map[string]int{PriorityHigh: 0, PriorityMedium: 1, PriorityLow: 2}
	rankPriority = []string{PriorityHigh, PriorityMedium, PriorityLow}
)

// StatusLabel, PriorityLabel and TierLabel name a status, a priority and a tier in both languages.
func StatusLabel(s string) questionnaire.Text   { return statusText[s] }
func PriorityLabel(p string) questionnaire.Text { return priorityText[p] }
func TierLabel(t string) questionnaire.Text     { return tierText[t] }

// The reasons of an item that is done or does not apply.
var (
	reasonDone = questionnaire.Catalogued("checklist.reason.done")
	reasonNA   = questionnaire.Catalogued("checklist.reason.not_applicable")
)

// priority applies the documented rule (configs/checklist/README.md) and says why.
func (it *Item) priority(ir ItemResult) (string, questionnaire.Text) {
	switch ir.Status {
	case StatusDone:
		return PriorityLow, reasonDone
	case StatusNA:
		return PriorityLow, reasonNA
	}
	rank := 2
	switch {
	case ir.Status == StatusTodo && ir.Tier == questionnaire.TierEssential:
		rank = 0
	case ir.Status == StatusTodo && ir.Tier == questionnaire.TierImportant,
		ir.Status == StatusPartial && ir.Tier == questionnaire.TierEssential:
		rank = 1
	}
	why := priorityReason{status: ir.Status, tier: ir.Tier, base: rankPriority[rank], exposed: ir.Exposed, findOut: ir.FindOut}
	if len(ir.Exposed) > 0 && rank > 0 {
		rank--
		why.raised = rankPriority[rank]
	}
	if ir.FindOut && rank > 1 {
		rank = 1
		why.quick = true
	}
	return rankPriority[rank], questionnaire.Text{JA: why.in("ja"), EN: why.in("en")}
}

// priorityReason is how an item's priority came about.
type priorityReason struct {
	status, tier string
	base         string   // the priority status and tier give
	raised       string   // the priority the exposures raised it to, "" when they did not
	exposed      []string // the firm's exposures that make the item more urgent
	findOut      bool     // a task of finding out a "don't know" answer
	quick        bool     // raised to medium because finding out is quick
}

// in says the reason in lang: sentences run on in Japanese, spaced in English.
func (p priorityReason) in(lang string) string {
	var out []string
	if p.findOut {
		out = append(out, locale.Get(lang, "checklist.reason.find_out_task"))
	}
	out = append(out, locale.Get(lang, "checklist.reason.rank", "status", statusText[p.status].In(lang),
		"tier", tierText[p.tier].In(lang), "priority", priorityText[p.base].In(lang)))
	if len(p.exposed) > 0 {
		names := make([]string, len(p.exposed))
		for i, e := range p.exposed {
			names[i] = Exposures[e].In(lang)
		}
		list := strings.Join(names, locale.Get(lang, "checklist.reason.exposure_separator"))
		if p.raised != "" {
			out = append(out, locale.Get(lang, "checklist.reason.raised", "priority", priorityText[p.raised].In(lang), "exposures", list))
		} else {
			out = append(out, locale.Get(lang, "checklist.reason.urgent", "exposures", list))
		}
	}
	if p.quick {
		out = append(out, locale.Get(lang, "checklist.reason.find_out_quick"))
	}
	sep := ""
	if lang == "en" {
		sep = " "
	}
	return strings.Join(out, sep)
}

// firstSteps picks the first actions: open items, essential first, then by priority; among
// equals, those answering more of the firm's legal exposures (export controls, U.S.-origin
// content, FDI screening, critical infrastructure), then more of its supply exposures, then the
// quicker (effort, then horizon), and last by item id, never by the order of the rules file. At
// most five, and at most two from one domain.
func firstSteps(items []ItemResult) []ItemResult {
	// Sort indices, not the items: an item is a few hundred bytes, and this runs on every read
	// of a result.
	var open []int
	for i, ir := range items {
		if ir.Status == StatusTodo || ir.Status == StatusPartial {
			open = append(open, i)
		}
	}
	essential := func(ir *ItemResult) int {
		if ir.Tier == questionnaire.TierEssential {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(open, func(i, j int) int {
		a, b := &items[i], &items[j]
		return cmp.Or(
			cmp.Compare(essential(a), essential(b)),
			cmp.Compare(priorityRank[a.Priority], priorityRank[b.Priority]),
			cmp.Compare(countIn(b.Exposed, legalExposures), countIn(a.Exposed, legalExposures)),
			cmp.Compare(countIn(b.Exposed, supplyExposures), countIn(a.Exposed, supplyExposures)),
			cmp.Compare(effortRank[a.Effort], effortRank[b.Effort]),
			cmp.Compare(a.Horizon, b.Horizon),
			cmp.Compare(a.ID, b.ID),
		)
	})
	out := make([]ItemResult, 0, MaxFirstSteps)
	perDomain := map[string]int{}
	for _, i := range open {
		if len(out) == MaxFirstSteps {
			break
		}
		if perDomain[items[i].Domain] == MaxFirstStepsPerDomain {
			continue
		}
		perDomain[items[i].Domain]++
		out = append(out, items[i])
	}
	return out
}

var effortRank = map[string]int{"S": 0, "M": 1, "L": 2}

// The exposures that rank first steps: a legal duty before a supply risk.
var (
	legalExposures  = []string{"export_control", "us_origin", "fdi", "critical_infra", "foreign_investor"}
	supplyExposures = []string{"supply_concentration", "china_dependence"}
)

func countIn(exposed, kinds []string) int {
	n := 0
	for _, e := range exposed {
		if slices.Contains(kinds, e) {
			n++
		}
	}
	return n
}
