package scoring

import (
	"math"
	"sort"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
)

// Thresholds of the exposure profile. The profile questions it reads are found by their role
// in the definition (questionnaire.Role…), never by id.
const (
	HHIHigh             = 5000 // a supply concentrated at least like one country with ~71% (DOMAIN.md)
	HHIModerate         = 2500
	ChinaShareHigh      = 50.0
	ChinaShareModerate  = 20.0
	exposureLevelLow    = "low"
	exposureLevelMedium = "medium"
	exposureLevelHigh   = "high"
)

// Material is the supply concentration of one critical material the firm buys.
type Material struct {
	ID    string             `json:"id"`
	Label questionnaire.Text `json:"label"`
	// HHI is the Herfindahl–Hirschman index of the foreign countries' shares, 0–10,000: the
	// concentration of the firm's dependence on foreign supply. Japan's own share is not
	// counted (a material bought 90% in Japan is not concentrated).
	HHI int `json:"hhi"`
	// Concentration is high (HHI ≥ 5,000), moderate (≥ 2,500) or low.
	Concentration string `json:"concentration"`
	// TopCountry and TopShare are the largest foreign supplier and its share; empty and 0 when
	// all the supply given is Japanese.
	TopCountry string  `json:"top_country"`
	TopShare   float64 `json:"top_share"`
	// JapanShare and ForeignShare split the supply given between Japan and abroad.
	JapanShare   float64 `json:"japan_share"`
	ForeignShare float64 `json:"foreign_share"`
	// Known is the share of supply whose country was given (the shares' sum), 0–100.
	Known float64 `json:"known"`
	// ChinaShare is China's share of this material's supply.
	ChinaShare float64 `json:"china_share"`
}

// Exposure is the firm's exposure to economic-security measures, separate from its readiness:
// a firm can be well prepared and highly exposed, or neither.
type Exposure struct {
	Level     string     `json:"level"`
	Materials []Material `json:"materials"`
	// China's share of procurement and of sales in percent; nil when not asked or not answered.
	ChinaProcurement *float64 `json:"china_procurement_share"`
	ChinaSales       *float64 `json:"china_sales_share"`
	Flags            Flags    `json:"flags"`
	// Reasons lists every rule that raised the level; the first decided it.
	Reasons []questionnaire.Text `json:"reasons"`
}

// Flags are the regulatory exposures declared in the profile.
type Flags struct {
	ControlledItems       bool `json:"export_controlled_items"`
	USOrigin              bool `json:"us_origin_technology"`
	FDIDesignated         bool `json:"fdi_designated_sector"`
	FDICore               bool `json:"fdi_core_sector"`
	CriticalInfraOperator bool `json:"critical_infrastructure_operator"`
	CriticalInfraSupplier bool `json:"critical_infrastructure_supplier"`
	// ForeignInvestor: foreign investors hold shares in a way that brings FEFTA duties: 1% or
	// more, any stake of a government-linked investor, or any stake in an unlisted firm of a
	// designated or core sector. ForeignGovernment: one of them is government-linked.
	ForeignInvestor        bool `json:"foreign_investor"`
	ForeignGovernment      bool `json:"foreign_government_investor"`
	UnknownRegulatoryFacts bool `json:"unknown_regulatory_facts,omitempty"`
}

// Home is the country whose own supply is not foreign dependence.
const Home = "JP"

// HHI returns the Herfindahl–Hirschman index of the foreign shares in percent: Σ share² over
// the countries other than Home, 0–10,000. Shares that sum to less than 100 are taken as given:
// the unknown rest is not assumed to be spread out or concentrated, so the index is a lower
// bound of the true concentration.
func HHI(shares map[string]float64) int {
	var h float64
	for c, s := range shares {
		if c != Home {
			h += s * s
		}
	}
	return int(math.Round(h))
}

func concentration(hhi int) string {
	switch {
	case hhi >= HHIHigh:
		return exposureLevelHigh
	case hhi >= HHIModerate:
		return "moderate"
	}
	return exposureLevelLow
}

// exposure builds the exposure profile from the answers of visible questions.
func exposure(def *questionnaire.Definition, env questionnaire.Env) Exposure {
	e := Exposure{Materials: materials(def, env), Reasons: []questionnaire.Text{}}
	e.ChinaProcurement = roleNumber(def, env, questionnaire.RoleChinaProcurement)
	e.ChinaSales = roleNumber(def, env, questionnaire.RoleChinaSales)
	e.Flags = regulatoryFlags(def, env)
	e.Level, e.Reasons = exposureLevel(e)
	return e
}

// materials returns the supply concentration of each critical material given shares, in id
// order, labelled by the options of the critical-materials question.
func materials(def *questionnaire.Definition, env questionnaire.Env) []Material {
	out := []Material{}
	v, ok := env.Answer(def.RoleID(questionnaire.RoleMaterialShares))
	if !ok {
		return out
	}
	var labels *questionnaire.Question
	if q, ok := def.RoleQuestion(questionnaire.RoleCriticalMaterials); ok {
		labels = q
	}
	items, _ := v.(map[string]any)
	ids := make([]string, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		label := questionnaire.Text{JA: id, EN: id}
		if labels != nil {
			if o, ok := labels.Option(id); ok {
				label = o.Label
			}
		}
		raw, _ := items[id].(map[string]any)
		out = append(out, material(id, label, raw))
	}
	return out
}

// material returns the concentration figures of one material from its country shares.
func material(id string, label questionnaire.Text, raw map[string]any) Material {
	m := Material{ID: id, Label: label}
	shares := map[string]float64{}
	for c, s := range raw {
		f, _ := s.(float64)
		shares[c] = f
	}
	m.HHI = HHI(shares)
	m.Concentration = concentration(m.HHI)
	m.TopCountry, m.TopShare = top(shares)
	for c, s := range shares {
		m.Known += s
		if c != Home {
			m.ForeignShare += s
		}
	}
	m.Known, m.ChinaShare = round(m.Known, 1), shares["CN"]
	m.JapanShare, m.ForeignShare = shares[Home], round(m.ForeignShare, 1)
	return m
}

// roleNumber returns the numeric answer to the question that plays role, or nil when none
// does or it is unanswered, hidden or not a number.
func roleNumber(def *questionnaire.Definition, env questionnaire.Env, role string) *float64 {
	if v, ok := env.Answer(def.RoleID(role)); ok {
		if f, ok := v.(float64); ok {
			return &f
		}
	}
	return nil
}

// regulatoryFlags reads the regulatory exposures from the profile questions, found by role.
func regulatoryFlags(def *questionnaire.Definition, env questionnaire.Env) Flags {
	is := func(role string, values ...string) bool {
		id := def.RoleID(role)
		return id != "" && questionnaire.Condition{Question: id, Op: questionnaire.OpIn, Values: values}.Holds(env)
	}
	const items, usOrigin, fdi, infra = questionnaire.RoleControlledItems, questionnaire.RoleUSOrigin, questionnaire.RoleFDISector, questionnaire.RoleCriticalInfra
	const shares = questionnaire.RoleForeignShares
	bands := questionnaire.ForeignShareBands
	anyForeign, government := is(shares, bands...), is(questionnaire.RoleForeignGovernment, "yes")
	unlistedScreened := is(fdi, "core", "designated") && !is(questionnaire.RoleListed, "listed")
	return Flags{
		ForeignInvestor:        anyForeign && (is(shares, bands[1:]...) || government || unlistedScreened),
		ForeignGovernment:      anyForeign && government,
		ControlledItems:        is(items, "yes"),
		USOrigin:               is(usOrigin, "yes"),
		FDIDesignated:          is(fdi, "core", "designated"),
		FDICore:                is(fdi, "core"),
		CriticalInfraOperator:  is(infra, "operator"),
		CriticalInfraSupplier:  is(infra, "supplier"),
		UnknownRegulatoryFacts: is(items, questionnaire.DontKnow) || is(usOrigin, questionnaire.DontKnow) || is(fdi, questionnaire.DontKnow) || is(infra, questionnaire.DontKnow) || is(shares, questionnaire.DontKnow),
	}
}

// Supplier names the largest foreign supplier in lang, or "—" when all the supply given is
// Japanese.
func (m Material) Supplier(lang string) string {
	if m.TopCountry == "" {
		return "—"
	}
	return questionnaire.CountryName(m.TopCountry, lang)
}

// top is the largest foreign supplier: the first in code order among equal shares.
func top(shares map[string]float64) (string, float64) {
	codes := make([]string, 0, len(shares))
	for c := range shares {
		if c != Home {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	best, share := "", 0.0
	for _, c := range codes {
		if shares[c] > share {
			best, share = c, shares[c]
		}
	}
	return best, share
}

// exposureLevel applies the documented rule. High: a critical material with HHI ≥ 5,000; China
// ≥ 50% of procurement or of sales; list-controlled exports together with U.S.-origin
// technology; a designated critical-infrastructure operator; a core FDI sector. Medium: a
// material with HHI ≥ 2,500; China ≥ 20% of procurement or sales; any other regulatory flag;
// regulatory facts the firm does not know. Low otherwise.
func exposureLevel(e Exposure) (string, []questionnaire.Text) {
	high, medium := supplyReasons(e)
	t := questionnaire.Catalogued
	f := e.Flags
	switch {
	case f.ControlledItems && f.USOrigin:
		high = append(high, t("scoring.exposure.controlled_and_us_origin"))
	case f.ControlledItems:
		medium = append(medium, t("scoring.exposure.controlled_items"))
	case f.USOrigin:
		medium = append(medium, t("scoring.exposure.us_origin"))
	}
	if f.CriticalInfraOperator {
		high = append(high, t("scoring.exposure.critical_infra_operator"))
	} else if f.CriticalInfraSupplier {
		medium = append(medium, t("scoring.exposure.critical_infra_supplier"))
	}
	if f.FDICore {
		high = append(high, t("scoring.exposure.fdi_core"))
	} else if f.FDIDesignated {
		medium = append(medium, t("scoring.exposure.fdi_designated"))
	}
	switch {
	case f.ForeignInvestor && (f.ForeignGovernment || f.FDIDesignated):
		high = append(high, t("scoring.exposure.foreign_investor_screened"))
	case f.ForeignInvestor:
		medium = append(medium, t("scoring.exposure.foreign_investor"))
	}
	if f.UnknownRegulatoryFacts {
		medium = append(medium, t("scoring.exposure.unknown_regulatory_facts"))
	}
	switch {
	case len(high) > 0:
		return exposureLevelHigh, append(high, medium...)
	case len(medium) > 0:
		return exposureLevelMedium, medium
	}
	return exposureLevelLow, []questionnaire.Text{t("scoring.exposure.none")}
}

// supplyReasons are the reasons of high and medium exposure from concentrated supply and from
// China's share of procurement and sales.
func supplyReasons(e Exposure) (high, medium []questionnaire.Text) {
	for _, m := range e.Materials {
		switch m.Concentration {
		case exposureLevelHigh:
			high = append(high, questionnaire.CataloguedEach("scoring.exposure.concentrated", func(lang string) []any {
				return []any{"material", m.Label.In(lang), "hhi", questionnaire.Grouped(m.HHI), "supplier", m.Supplier(lang), "share", ftoa(m.TopShare)}
			}))
		case "moderate":
			medium = append(medium, questionnaire.CataloguedEach("scoring.exposure.moderately_concentrated", func(lang string) []any {
				return []any{"material", m.Label.In(lang), "hhi", questionnaire.Grouped(m.HHI)}
			}))
		}
	}
	china := func(p *float64, what string) {
		var to *[]questionnaire.Text
		switch {
		case p == nil:
			return
		case *p >= ChinaShareHigh:
			to = &high
		case *p >= ChinaShareModerate:
			to = &medium
		default:
			return
		}
		*to = append(*to, questionnaire.CataloguedEach("scoring.exposure.china_share", func(lang string) []any {
			return []any{"share", ftoa(*p), "what", locale.Get(lang, what)}
		}))
	}
	china(e.ChinaProcurement, "scoring.exposure.procurement")
	china(e.ChinaSales, "scoring.exposure.sales")
	return high, medium
}
