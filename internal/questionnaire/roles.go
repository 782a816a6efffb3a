package questionnaire

import (
	"slices"
	"strings"
)

// The roles a profile question can play: what the scoring reads from it (size band, sector,
// region, exposure). A definition names the question of each role in its YAML (role: industry),
// so scoring never hard-codes a question id, and the loader checks each role's question type and
// the options the scoring relies on.
const (
	RoleIndustry          = "industry"
	RoleEmployees         = "employees"
	RoleCapital           = "capital"
	RolePrefecture        = "prefecture"
	RoleCriticalMaterials = "critical_materials"
	RoleMaterialShares    = "material_shares"
	RoleChinaSales        = "china_sales_share"
	RoleChinaProcurement  = "china_procurement_share"
	RoleControlledItems   = "controlled_items"
	RoleUSOrigin          = "us_origin"
	RoleFDISector         = "fdi_sector"
	RoleCriticalInfra     = "critical_infra"
	RoleListed            = "listed"
	RoleForeignShares     = "foreign_shareholding"
	RoleForeignGovernment = "foreign_investor_government"
)

// roleSpec is what a role's question must be.
type roleSpec struct {
	types   []string
	options []string // option ids the scoring reads
}

var roleSpecs = map[string]roleSpec{
	RoleIndustry:          {types: []string{TypeSingle}},
	RoleEmployees:         {types: []string{TypeNumber}},
	RoleCapital:           {types: []string{TypeNumber}},
	RolePrefecture:        {types: []string{TypeSingle}},
	RoleCriticalMaterials: {types: []string{TypeMulti}},
	RoleMaterialShares:    {types: []string{TypeCountryShares}},
	RoleChinaSales:        {types: []string{TypePercent}},
	RoleChinaProcurement:  {types: []string{TypePercent}},
	RoleControlledItems:   {types: []string{TypeSingle}, options: []string{"yes"}},
	RoleUSOrigin:          {types: []string{TypeSingle}, options: []string{"yes"}},
	RoleFDISector:         {types: []string{TypeSingle}, options: []string{"core", "designated"}},
	RoleCriticalInfra:     {types: []string{TypeSingle}, options: []string{"operator", "supplier"}},
	RoleListed:            {types: []string{TypeSingle}, options: []string{"listed"}},
	RoleForeignShares:     {types: []string{TypeSingle}, options: ForeignShareBands},
	RoleForeignGovernment: {types: []string{TypeSingle}, options: []string{"yes"}},
}

// ForeignShareBands are the options of the foreign-shareholding role that mean foreign
// investors hold shares, smallest first; the scoring reads them in this order.
var ForeignShareBands = []string{"under_1", "from_1_to_10", "from_10_to_50", "from_50"}

// checkRoles indexes the questions by role: a role must be known, played by one question only,
// and by a question of the right type with the options the scoring reads.
func (d *Definition) checkRoles(add func(q, format string, args ...any)) {
	d.byRole = map[string]*Question{}
	for _, q := range d.Questions() {
		if q.Role == "" {
			continue
		}
		spec, ok := roleSpecs[q.Role]
		switch {
		case !ok:
			add(q.ID, "role %q is not one of %s", q.Role, strings.Join(sortedRoles(), ", "))
			continue
		case d.byRole[q.Role] != nil:
			add(q.ID, "role %q is already played by %s", q.Role, d.byRole[q.Role].ID)
			continue
		case !slices.Contains(spec.types, q.Type):
			add(q.ID, "role %q needs a question of type %s, not %s", q.Role, strings.Join(spec.types, " or "), q.Type)
		}
		for _, o := range spec.options {
			if _, ok := q.Option(o); !ok {
				add(q.ID, "role %q needs an option %q", q.Role, o)
			}
		}
		d.byRole[q.Role] = q
	}
}

func sortedRoles() []string {
	out := make([]string, 0, len(roleSpecs))
	for r := range roleSpecs {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// RoleQuestion returns the question that plays role, if any does.
func (d *Definition) RoleQuestion(role string) (*Question, bool) {
	q, ok := d.byRole[role]
	return q, ok
}

// RoleID returns the id of the question that plays role, or "" when none does.
func (d *Definition) RoleID(role string) string {
	if q, ok := d.byRole[role]; ok {
		return q.ID
	}
	return ""
}
