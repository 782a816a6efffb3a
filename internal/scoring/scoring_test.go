package scoring_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

func esr(t testing.TB) *questionnaire.Definition {
	t.Helper()
	reg, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := reg.Latest("esr")
	if !ok {
		t.Fatal("no esr")
	}
	return d
}

func mini(t testing.TB) *questionnaire.Definition {
	t.Helper()
	data, err := os.ReadFile("../questionnaire/testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := questionnaire.Parse(data, "mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func example(t testing.TB, name string) questionnaire.Answers {
	t.Helper()
	raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var a questionnaire.Answers
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func answers(t testing.TB, js string) questionnaire.Answers {
	t.Helper()
	var a questionnaire.Answers
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func f(v float64) *float64 { return &v }

// TestExampleFirms pins the results of the three example firms. The domain points were
// computed by hand from the answer files and the weights (essential 3, important 2,
// recommended 1; max 4 per question), with an independent script as a check; e.g. the small
// SME's governance: seven visible scored questions, all essential/important/recommended weights
// after its small-scale tier rules summing to 10, maximum 10 × 4 = 40, and one point earned
// (gov_espa_awareness "interested_not_understood" = 1 point × weight 1) → 2.5.
func TestExampleFirms(t *testing.T) {
	def := esr(t)
	type dom struct {
		Score      *float64
		Points     float64
		Max        float64
		Coverage   float64
		Insufficnt bool
	}
	tests := []struct {
		name      string
		band      string
		overall   float64
		level     int
		capped    bool
		domains   map[string]dom
		exposure  string
		materials map[string][3]any // id → hhi, top country, top share
	}{
		{
			name: "small-sme", band: scoring.BandSmallScale, overall: 9, level: 1, exposure: "high",
			domains: map[string]dom{
				"governance":            {f(2.8), 1, 36, 1, false},
				"risk_intelligence":     {f(12.5), 6, 48, 1, false},
				"supply_chain":          {f(8.3), 5, 60, 1, false},
				"technology_protection": {f(14.8), 19, 128, 0.9412, false},
				"regulatory_compliance": {f(0), 0, 20, 1, false},
				"partnerships":          {f(15.6), 5, 32, 1, false},
			},
			materials: map[string][3]any{"permanent_magnets": {8100, "CN", 90.0}, "rechargeable_batteries": {4900, "CN", 70.0}},
		},
		{
			name: "mid-exporter", band: scoring.BandSME, overall: 51.7, level: 3, exposure: "high",
			domains: map[string]dom{
				"governance":            {f(50), 26, 52, 1, false},
				"risk_intelligence":     {f(46.2), 24, 52, 1, false},
				"supply_chain":          {f(55.9), 38, 68, 1, false},
				"technology_protection": {f(48.1), 75, 156, 1, false},
				"regulatory_compliance": {f(47.4), 55, 116, 1, false},
				"partnerships":          {f(62.5), 20, 32, 1, false},
			},
			materials: map[string][3]any{"permanent_magnets": {5650, "CN", 75.0}, "semiconductors": {2350, "TW", 45.0}},
		},
		{
			name: "large-firm", band: scoring.BandLarge, overall: 86.3, level: 5, exposure: "high",
			domains: map[string]dom{
				"governance":            {f(89.3), 50, 56, 1, false},
				"risk_intelligence":     {f(88.5), 46, 52, 1, false},
				"supply_chain":          {f(80.6), 58, 72, 1, false},
				"technology_protection": {f(82.7), 129, 156, 1, false},
				"regulatory_compliance": {f(86), 117, 136, 1, false},
				"partnerships":          {f(90.6), 29, 32, 1, false},
			},
			materials: map[string][3]any{"semiconductors": {1950, "TW", 40.0}, "critical_minerals": {3525, "CN", 55.0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := scoring.Score(def, example(t, tt.name))
			if r.SizeBand != tt.band || r.ScoringVersion != scoring.Version || r.Hash != def.Hash {
				t.Errorf("band %s version %d hash %s", r.SizeBand, r.ScoringVersion, r.Hash)
			}
			if r.Overall.Score == nil || *r.Overall.Score != tt.overall || r.Overall.Level != tt.level || r.Overall.Capped != tt.capped {
				t.Errorf("overall = %+v, want %v level %d", r.Overall, tt.overall, tt.level)
			}
			got := map[string]dom{}
			for _, d := range r.Domains {
				got[d.ID] = dom{d.Score, d.Points, d.MaxPoints, d.Coverage, d.Insufficient}
			}
			if d := cmp.Diff(tt.domains, got); d != "" {
				t.Errorf("domains (-want +got):\n%s", d)
			}
			if r.Exposure.Level != tt.exposure {
				t.Errorf("exposure %s, want %s", r.Exposure.Level, tt.exposure)
			}
			for _, m := range r.Exposure.Materials {
				if want, ok := tt.materials[m.ID]; ok {
					if m.HHI != want[0] || m.TopCountry != want[1] || m.TopShare != want[2] {
						t.Errorf("material %s: HHI %d top %s %v, want %v", m.ID, m.HHI, m.TopCountry, m.TopShare, want)
					}
					delete(tt.materials, m.ID)
				}
			}
			if len(tt.materials) > 0 {
				t.Errorf("materials missing from the exposure profile: %v", tt.materials)
			}
			// Every domain explains itself: contributions add up to its points.
			for _, d := range r.Domains {
				var pts, mx float64
				for _, c := range d.Contributions {
					if c.State == scoring.StateScored || c.State == scoring.StateDontKnow {
						pts += float64(c.Weight) * c.Points
						mx += float64(c.Weight) * c.Max
					}
				}
				if pts != d.Points || mx != d.MaxPoints {
					t.Errorf("%s: contributions add to %g/%g, domain says %g/%g", d.ID, pts, mx, d.Points, d.MaxPoints)
				}
			}
		})
	}
}

func TestSizeBandEdges(t *testing.T) {
	tests := []struct {
		industry  string
		capital   *float64
		employees *float64
		want      string
	}{
		{"manufacturing", f(10000), f(300), scoring.BandSME},   // exactly 300 employees
		{"manufacturing", f(300), f(5000), scoring.BandSME},    // exactly ¥300M
		{"manufacturing", f(300.1), f(301), scoring.BandLarge}, // just above both
		{"manufacturing", f(5000), f(20), scoring.BandSmallScale},
		{"manufacturing", nil, f(21), scoring.BandSME},
		{"construction", f(301), f(301), scoring.BandLarge},
		{"transport", nil, f(300), scoring.BandSME},
		{"wholesale", f(100), f(101), scoring.BandSME},
		{"wholesale", f(101), f(101), scoring.BandLarge},
		{"wholesale", f(101), f(100), scoring.BandSME},
		{"wholesale", nil, f(5), scoring.BandSmallScale},
		{"wholesale", nil, f(6), scoring.BandSME},
		{"services", f(50), f(500), scoring.BandSME},
		{"services", f(51), f(101), scoring.BandLarge},
		{"services", f(51), f(100), scoring.BandSME},
		{"retail", f(51), f(51), scoring.BandLarge},
		{"retail", f(51), f(50), scoring.BandSME},
		{"retail", f(50), f(1000), scoring.BandSME},
		{"retail", nil, f(5), scoring.BandSmallScale},
		{"other", f(301), nil, scoring.BandLarge}, // decided on capital alone
		{"other", f(299), nil, scoring.BandSME},
		{"unknown-industry", f(301), f(301), scoring.BandLarge},
		{"services", nil, nil, scoring.BandSME},
	}
	for _, tt := range tests {
		got := scoring.Classify(tt.industry, tt.capital, tt.employees)
		if got.Band != tt.want {
			t.Errorf("%s capital %v employees %v: %s (%s), want %s", tt.industry, deref(tt.capital), deref(tt.employees), got.Band, got.Rule.EN, tt.want)
		}
		if got.Rule.JA == "" || got.Rule.EN == "" {
			t.Errorf("%s: no rule", tt.industry)
		}
	}
	// The rule says what decided it.
	if r := scoring.Classify("other", f(301), nil); !strings.Contains(r.Rule.EN, "decided on capital") {
		t.Errorf("rule %q", r.Rule.EN)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestDomesticSupplyIsNotConcentrated: a material bought 90% in Japan is not concentrated; the
// exposure shows the Japanese and foreign shares and the largest foreign supplier.
func TestDomesticSupplyIsNotConcentrated(t *testing.T) {
	def := esr(t)
	a := example(t, "small-sme")
	a["prof_material_shares"] = map[string]any{
		"permanent_magnets":      map[string]any{"JP": 90.0, "CN": 10.0},
		"rechargeable_batteries": map[string]any{"JP": 100.0},
	}
	r := scoring.Score(def, a)
	want := map[string][4]any{ // concentration, top country, Japan's share, foreign share
		"permanent_magnets":      {"low", "CN", 90.0, 10.0},
		"rechargeable_batteries": {"low", "", 100.0, 0.0},
	}
	for _, m := range r.Exposure.Materials {
		got := [4]any{m.Concentration, m.TopCountry, m.JapanShare, m.ForeignShare}
		if got != want[m.ID] {
			t.Errorf("%s: %v, want %v", m.ID, got, want[m.ID])
		}
	}
	for _, reason := range r.Exposure.Reasons {
		if strings.Contains(reason.EN, "concentrated") {
			t.Errorf("a domestic supply is reported as concentrated: %s", reason.EN)
		}
	}
}

func TestHHI(t *testing.T) {
	for _, tt := range []struct {
		shares map[string]float64
		want   int
	}{
		{map[string]float64{"CN": 100}, 10000},
		{map[string]float64{}, 0},
		{nil, 0},
		{map[string]float64{"CN": 50, "VN": 50}, 5000},
		{map[string]float64{"CN": 60, "VN": 25, "JP": 15}, 3600 + 625}, // Japan's own share is not foreign dependence
		{map[string]float64{"CN": 70}, 4900},                           // the unknown 30% is not assumed
		{map[string]float64{"CN": 33.3, "VN": 33.3, "JP": 33.4}, 2218},
		{map[string]float64{"JP": 90, "CN": 10}, 100},
		{map[string]float64{"JP": 100}, 0},
	} {
		if got := scoring.HHI(tt.shares); got != tt.want {
			t.Errorf("HHI(%v) = %d, want %d", tt.shares, got, tt.want)
		}
	}
}

// TestApplicability: N/A and hidden questions leave both sums; "don't know" scores zero and
// becomes a find-out task; too much N/A weight gives no score.
func TestApplicability(t *testing.T) {
	def := mini(t)
	base := `"industry":"manufacturing","employees":45,"materials":["none"],"exports":"yes"`
	tests := []struct {
		name         string
		answers      string
		score        *float64
		points, max  float64
		insufficient bool
		findOut      []string
	}{
		// gov_owner essential 3×2, gov_cp essential (exports) 3×3, gov_measures important 2×min(2+3,4).
		{"all answered", `{` + base + `,"gov_owner":2,"gov_cp":3,"gov_measures":["info","section"]}`, f(71.9), 6 + 9 + 8, 32, false, nil},
		// gov_cp n/a: both sums lose 3×… → (6+8)/(12+8).
		{"n/a leaves both sums", `{` + base + `,"gov_owner":2,"gov_cp":"na","gov_measures":["info","section"]}`, f(70), 14, 20, false, nil},
		// gov_cp hidden (no exports, < 300 employees): same as n/a for the sums.
		{"hidden leaves both sums", `{"industry":"manufacturing","employees":45,"materials":["none"],"exports":"no","gov_owner":2,"gov_measures":["info","section"]}`, f(70), 14, 20, false, nil},
		// don't know: 0 of 3×4.
		{"dont know scores zero", `{` + base + `,"gov_owner":"dont_know","gov_cp":3,"gov_measures":["info","section"]}`, f(53.1), 17, 32, false, []string{"gov_owner"}},
		// n/a 3 + unanswered 2 of 8 weight → coverage 3/8 < 60%.
		{"insufficient coverage", `{` + base + `,"gov_owner":4,"gov_cp":"na"}`, nil, 12, 12, true, nil},
		{"exclusive none scores zero", `{` + base + `,"gov_owner":4,"gov_cp":4,"gov_measures":["none"]}`, f(75), 24, 32, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answers(t, tt.answers)
			if errs := def.Validate(a, questionnaire.Submit, "en"); errs != nil {
				t.Fatalf("test answers invalid: %v", errs)
			}
			r := scoring.Score(def, a)
			d := r.Domains[0]
			if d.Points != tt.points || d.MaxPoints != tt.max || d.Insufficient != tt.insufficient {
				t.Errorf("points %g/%g insufficient %v, want %g/%g %v", d.Points, d.MaxPoints, d.Insufficient, tt.points, tt.max, tt.insufficient)
			}
			if d := cmp.Diff(tt.score, d.Score); d != "" {
				t.Errorf("score (-want +got): %s", d)
			}
			if tt.findOut == nil {
				tt.findOut = []string{}
			}
			if d := cmp.Diff(tt.findOut, r.FindOut); d != "" {
				t.Errorf("find out (-want +got): %s", d)
			}
		})
	}
}

func TestMaturityCap(t *testing.T) {
	def := mini(t)
	// gov_owner (essential) at 0 with everything else at the top: score 62.5 would be level 4.
	a := answers(t, `{"industry":"manufacturing","employees":45,"materials":["none"],"exports":"yes","gov_owner":0,"gov_cp":4,"gov_measures":["info","section"]}`)
	r := scoring.Score(def, a)
	if r.Overall.Score == nil || *r.Overall.Score != 62.5 || scoring.LevelFor(62.5) != 4 {
		t.Fatalf("overall %v", r.Overall.Score)
	}
	if r.Overall.Level != 2 || !r.Overall.Capped || len(r.Overall.CappedBy) != 1 || r.Overall.CappedBy[0] != "gov_owner" {
		t.Errorf("overall = %+v, want level 2 capped by gov_owner", r.Overall)
	}
	for _, tt := range []struct {
		score float64
		level int
	}{{0, 1}, {19.9, 1}, {20, 2}, {39.9, 2}, {40, 3}, {60, 4}, {79.9, 4}, {80, 5}, {100, 5}} {
		if got := scoring.LevelFor(tt.score); got != tt.level {
			t.Errorf("LevelFor(%v) = %d, want %d", tt.score, got, tt.level)
		}
	}
	for _, l := range scoring.Levels {
		if l.Name.JA == "" || l.Name.EN == "" || l.Description.JA == "" || l.Description.EN == "" {
			t.Errorf("level %d lacks a bilingual name or description", l.Level)
		}
	}
}

// TestJapaneseSupplyIsNeverConcentrated is the adviser's rule over generated firms: whatever
// critical materials a firm buys, if it gives only Japan as their source (wholly or in part,
// the rest unknown) none is concentrated and no reason says so.
func TestJapaneseSupplyIsNeverConcentrated(t *testing.T) {
	def := esr(t)
	materials, _ := def.RoleQuestion(questionnaire.RoleCriticalMaterials)
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 300 {
		a := example(t, "mid-exporter")
		var picked []any
		shares := map[string]any{}
		for _, o := range materials.Options {
			if o.Exclusive || rng.IntN(3) > 0 {
				continue
			}
			picked = append(picked, o.ID)
			shares[o.ID] = map[string]any{"JP": float64(1 + rng.IntN(100))}
		}
		if len(picked) == 0 {
			continue
		}
		a[def.RoleID(questionnaire.RoleCriticalMaterials)] = picked
		a[def.RoleID(questionnaire.RoleMaterialShares)] = shares
		r := scoring.Score(def, a)
		for _, m := range r.Exposure.Materials {
			if m.Concentration != "low" || m.HHI != 0 {
				t.Fatalf("firm %d: %s sourced only in Japan is %s (HHI %d)", i, m.ID, m.Concentration, m.HHI)
			}
		}
		for _, reason := range r.Exposure.Reasons {
			if strings.Contains(reason.EN, "concentrated") {
				t.Fatalf("firm %d: %s", i, reason.EN)
			}
		}
	}
}

// TestForeignInvestorFlag: existing foreign shareholders bring FEFTA duties when they hold 1% or
// more, when one is government-linked, or, in an unlisted firm of a designated or core sector,
// whatever their stake; a listed firm's small free float of foreign holders does not.
func TestForeignInvestorFlag(t *testing.T) {
	def := esr(t)
	for _, tt := range []struct {
		band, government, fdi, listed string
		want, wantGov                 bool
	}{
		{"none", "", "core", "unlisted", false, false},
		{"under_1", "no", "not_designated", "unlisted", false, false},
		{"under_1", "no", "not_designated", "listed", false, false},
		{"under_1", "no", "core", "listed", false, false},
		{"under_1", "no", "core", "unlisted", true, false},
		{"under_1", "no", "designated", "unlisted", true, false},
		{"under_1", "yes", "not_designated", "listed", true, true},
		{"under_1", "dont_know", "not_designated", "listed", false, false},
		{"from_1_to_10", "no", "not_designated", "listed", true, false},
		{"from_50", "no", "not_designated", "unlisted", true, false},
		{"dont_know", "", "core", "unlisted", false, false},
	} {
		a := example(t, "foreign-shareholder")
		a["prof_foreign_shareholding"], a["prof_fdi_sector"], a["prof_listed"] = tt.band, tt.fdi, tt.listed
		delete(a, "prof_foreign_investor_government")
		delete(a, "prof_foreign_investor_country")
		delete(a, "rc_foreign_shareholders")
		if tt.government != "" {
			a["prof_foreign_investor_government"], a["prof_foreign_investor_country"] = tt.government, []any{"us"}
		}
		if tt.band != "none" {
			a["rc_foreign_shareholders"] = 1.0
		}
		if tt.fdi == "not_designated" {
			delete(a, "rc_fdi_prior_notification")
		}
		if errs := def.Validate(a, questionnaire.Submit, "en"); errs != nil {
			t.Fatalf("%+v: not a valid submission: %v", tt, errs)
		}
		f := scoring.Score(def, a).Exposure.Flags
		if f.ForeignInvestor != tt.want || f.ForeignGovernment != tt.wantGov {
			t.Errorf("%+v: foreign investor %v, government-linked %v", tt, f.ForeignInvestor, f.ForeignGovernment)
		}
		if unknown := tt.band == "dont_know"; unknown && !f.UnknownRegulatoryFacts {
			t.Errorf("%+v: not knowing the foreign shareholding is not flagged as unknown", tt)
		}
	}
}
