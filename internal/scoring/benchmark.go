package scoring

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/esready/esready/internal/questionnaire"
)

// DefaultPeerK is the fewest peers a cohort needs before a firm is ranked in it.
const DefaultPeerK = 10

// Peer is one submitted assessment as the benchmark sees it: compact, no answers.
type Peer struct {
	// FirmKey identifies the firm: the first assessment of a chain of re-assessments. Only the
	// latest submission of a firm counts.
	FirmKey     string
	SubmittedAt time.Time
	// Seq is the submission's place in commit order (0 when unknown). Where both submissions
	// of a firm have one, the higher is the later: a server clock set back must not make a
	// firm's older submission count instead of its newer one.
	Seq int64
	// Client identifies the network address the submission came from: a keyed hash, never the
	// address. Submissions of different firms from one client less than BurstWindow apart
	// count as one peer. "" (rows from before it was recorded) counts as a client of its own.
	Client  string
	Band    string
	Sector  string
	Overall *float64
	Domains map[string]float64 // domains with a score only
}

// Standing is a firm's place in its cohort on one score, as the benchmark publishes it: figures
// from which no single firm's score can be read back (release.go), never exact statistics.
type Standing struct {
	Score *float64 `json:"score"`
	// Quarter places Score, rounded like them, among the published quartiles: 1 below Q1, 2
	// from Q1 to below the median, 3 from the median to Q3, 4 above Q3; 0 when the firm has no
	// score. It is derived from the published figures only, so it tells nothing more about the
	// other firms.
	Quarter int `json:"quarter,omitempty"`
	// Q1, Median and Q3 describe the cohort, the firm included, the same for every firm in it:
	// each is the mean of the five scores nearest its rank, rounded to the nearest 5 points.
	Median float64 `json:"median"`
	Q1     float64 `json:"q1"`
	Q3     float64 `json:"q3"`
	// Firms is how many firms of the cohort have this score, as a range.
	Firms Count `json:"firms"`
}

// Count is a number of firms as the benchmark publishes it: the range it falls in, never the
// number. The ranges start at k: k to 2k−1, 2k to 5k−1, 5k to 10k−1, 10k and more.
type Count struct {
	Min int `json:"min"`
	// Max is 0 for the open top range.
	Max int `json:"max,omitempty"`
	// Label is the range for people: "10–19", "100+".
	Label string `json:"label"`
}

// DomainStanding is the standing in one domain; nil Standing when too few peers have a score.
type DomainStanding struct {
	ID       string    `json:"id"`
	Standing *Standing `json:"standing"`
}

// Cohort says whom the firm was compared with.
type Cohort struct {
	Band   string             `json:"size_band,omitempty"`
	Sector string             `json:"sector,omitempty"`
	Label  questionnaire.Text `json:"label"`
	// Firms is the size of the cohort as a range; nil when the firm has fewer than K peers in
	// it, whose number is never published.
	Firms *Count `json:"firms"`
}

// Benchmark compares a firm with its peers, or, where no cohort has K peers, with the published
// survey figures.
type Benchmark struct {
	// Source is "peers" when the firm is ranked among peers, "published" otherwise.
	Source  string           `json:"source"`
	K       int              `json:"k"`
	Cohort  *Cohort          `json:"cohort,omitempty"`
	Overall *Standing        `json:"overall,omitempty"`
	Domains []DomainStanding `json:"domains,omitempty"`
	// Tried lists the cohorts considered, narrowest first.
	Tried     []Cohort     `json:"tried"`
	Published []Comparison `json:"published"`
}

func cohortLabel(level int, band string, sector questionnaire.Text) questionnaire.Text {
	bl := bandLabels[band]
	switch level {
	case 0:
		return questionnaire.CataloguedEach("scoring.benchmark.cohort_band_sector", func(lang string) []any {
			return []any{"band", bl.In(lang), "sector", sector.In(lang)}
		})
	case 1:
		return questionnaire.CataloguedEach("scoring.benchmark.cohort_band", func(lang string) []any {
			return []any{"band", bl.In(lang)}
		})
	}
	return questionnaire.Catalogued("scoring.benchmark.cohort_all")
}

var bandLabels = map[string]questionnaire.Text{
	BandSmallScale: questionnaire.Catalogued("scoring.benchmark.band.small_scale"),
	BandSME:        questionnaire.Catalogued("scoring.benchmark.band.sme"),
	BandLarge:      questionnaire.Catalogued("scoring.benchmark.band.large"),
	"all":          questionnaire.Catalogued("scoring.benchmark.band.all"),
}

// quantile interpolates linearly between the closest ranks of n ascending values (Hyndman & Fan
// type 7, as R and NumPy do by default).
func quantile(n int, at func(int) float64, q float64) float64 {
	h := q * float64(n-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= n {
		return at(n - 1)
	}
	return at(i) + (h-lo)*(at(i+1)-at(i))
}

// Baseline is one published survey figure a firm's answer can be set beside.
type Baseline struct {
	ID     string `yaml:"id"`
	Source string `yaml:"source"`
	// Question and Options: the firm "matches" the figure when it chose any of Options.
	Question string   `yaml:"question"`
	Options  []string `yaml:"options"`
	// Figures in percent, by size band (all, small_scale, sme, large), as the source splits them.
	Figures map[string]float64 `yaml:"figures"`
	// FigureText replaces the number where the source gives a phrase (e.g. "fewer than 10%").
	FigureText questionnaire.Text `yaml:"figure_text"`
	// Matched and Unmatched are the sentences for a firm that did or did not choose Options.
	// {pct} is the figure, {group} the group it describes, {n} the number of options the firm
	// chose other than exclusive ones.
	Matched   questionnaire.Text `yaml:"matched"`
	Unmatched questionnaire.Text `yaml:"unmatched"`
}

// Comparison is a baseline phrased for one firm.
type Comparison struct {
	ID      string             `json:"id"`
	Source  string             `json:"source"`
	Group   string             `json:"group"`
	Figure  float64            `json:"figure"`
	Matched bool               `json:"matched"`
	Text    questionnaire.Text `json:"text"`
}

// ParseBaselines reads configs/benchmarks/published.yaml and checks it against def: every
// question and option must exist.
func ParseBaselines(data []byte, file string, def *questionnaire.Definition) ([]Baseline, error) {
	var bs []Baseline
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&bs); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var problems []string
	seen := map[string]bool{}
	for _, b := range bs {
		where := fmt.Sprintf("%s: baseline %s", file, b.ID)
		if b.ID == "" || seen[b.ID] {
			problems = append(problems, where+": missing or duplicate id")
		}
		seen[b.ID] = true
		q, ok := def.Question(b.Question)
		if !ok {
			problems = append(problems, where+": question "+b.Question+" does not exist in "+def.ID)
			continue
		}
		for _, o := range b.Options {
			if _, ok := q.Option(o); !ok {
				problems = append(problems, where+": option "+o+" is not an option of "+b.Question)
			}
		}
		if b.Source == "" || len(b.Figures) == 0 || len(b.Options) == 0 {
			problems = append(problems, where+": needs a source, options and figures")
		}
		for band := range b.Figures {
			if band != "all" && !slices.Contains(questionnaire.SizeBands, band) {
				problems = append(problems, where+": figure for unknown group "+band)
			}
		}
		for _, t := range []questionnaire.Text{b.Matched, b.Unmatched} {
			if t.JA == "" || t.EN == "" {
				problems = append(problems, where+": matched and unmatched need ja and en")
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return bs, nil
}

// Compare phrases every baseline whose question the firm answered.
func Compare(baselines []Baseline, def *questionnaire.Definition, env questionnaire.Env, band string) []Comparison {
	out := []Comparison{}
	for _, b := range baselines {
		v, ok := env.Answer(b.Question)
		if !ok {
			continue
		}
		group, fig, ok := figureFor(b.Figures, band)
		if !ok {
			continue
		}
		q, _ := def.Question(b.Question)
		chosen := selectedOf(v)
		n := 0
		for _, c := range chosen {
			if o, ok := q.Option(c); ok && !o.Exclusive {
				n++
			}
		}
		matched := false
		for _, o := range b.Options {
			if slices.Contains(chosen, o) {
				matched = true
			}
		}
		tmpl := b.Unmatched
		if matched {
			tmpl = b.Matched
		}
		pct := questionnaire.Text{JA: ftoa(fig) + "%", EN: ftoa(fig) + "%"}
		if !b.FigureText.Empty() {
			pct = b.FigureText
		}
		// Three plain replacements: a strings.Replacer is built anew on every call here, which
		// cost more than the rest of the comparison.
		fill := func(s, lang string) string {
			s = strings.ReplaceAll(s, "{pct}", pct.In(lang))
			s = strings.ReplaceAll(s, "{group}", bandLabels[group].In(lang))
			return strings.ReplaceAll(s, "{n}", strconv.Itoa(n))
		}
		out = append(out, Comparison{
			ID: b.ID, Source: b.Source, Group: group, Figure: fig, Matched: matched,
			Text: questionnaire.Text{JA: fill(tmpl.JA, "ja"), EN: fill(tmpl.EN, "en")},
		})
	}
	return out
}

// figureFor picks the figure for the firm's band: its own, small-scale falling back to SME, then
// the all-firms figure.
func figureFor(figs map[string]float64, band string) (string, float64, bool) {
	order := []string{band}
	if band == BandSmallScale {
		order = append(order, BandSME)
	}
	order = append(order, "all")
	for _, g := range order {
		if f, ok := figs[g]; ok {
			return g, f, true
		}
	}
	return "", 0, false
}

func selectedOf(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, it := range list {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
