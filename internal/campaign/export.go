package campaign

import (
	"context"
	"strconv"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// Sheet is one table of an export: a header and rows of cells, in one language.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]string
}

// labeller names questions, options and groups of one questionnaire in one language.
type labeller struct {
	def  *questionnaire.Definition
	lang string
}

// group names a group of a dimension: "all", a campaign size band, a sector or a prefecture.
func (l labeller) group(dim, group string) string {
	switch dim {
	case scoring.DimAll:
		return l.word("all")
	case scoring.DimSizeBand:
		return locale.Get(l.lang, "campaign.band."+group)
	case scoring.DimSector:
		return l.option(questionnaire.RoleIndustry, group)
	case scoring.DimPrefecture:
		return l.option(questionnaire.RolePrefecture, group)
	}
	return group
}

// option is the label of an option of the question that plays role.
func (l labeller) option(role, id string) string {
	if q, ok := l.def.RoleQuestion(role); ok {
		return l.column(q, id)
	}
	return id
}

// column names an answer column of a question: an option, a practice level, don't know, n/a.
func (l labeller) column(q *questionnaire.Question, col string) string {
	switch col {
	case questionnaire.DontKnow:
		return l.word("dont_know")
	case questionnaire.NA:
		return l.word("na")
	}
	for _, o := range q.Options {
		if o.ID == col {
			return o.Label.In(l.lang)
		}
	}
	if n, err := strconv.Atoi(col); err == nil && n >= 0 && n < len(q.Levels) {
		return col + ": " + q.Levels[n].In(l.lang)
	}
	return col
}

// metric names a score: the overall score, or the title of the domain's section.
func (l labeller) metric(id string) string {
	for _, sec := range l.def.Sections {
		if sec.Domain != "" && sec.Domain == id {
			return sec.Title.In(l.lang)
		}
	}
	return l.word("overall")
}

// word is the export's word for key (campaign.export.<key>) in the labeller's language.
func (l labeller) word(key string) string {
	return locale.Get(l.lang, "campaign.export."+key)
}

func (l labeller) dimension(dim string) string {
	return l.word("dim." + dim)
}

// Sheets flattens a campaign's aggregate into the tables of its exports: the answers to each
// question by group, and the score distributions. A suppressed cell reads as such, never as 0.
func Sheets(def *questionnaire.Definition, agg scoring.Aggregate, lang string) []Sheet {
	l := labeller{def: def, lang: lang}
	return []Sheet{l.answerSheet(agg), l.scoreSheet(agg)}
}

func (l labeller) answerSheet(agg scoring.Aggregate) Sheet {
	t := l.word
	s := Sheet{Name: t("sheet_answers"), Header: []string{t("question_id"), t("question"), t("dimension"), t("group"),
		t("answer"), t("count"), t("share"), t("answered")}}
	hidden := t("suppressed")
	for _, qt := range agg.Questions {
		q, ok := l.def.Question(qt.Question)
		if !ok {
			continue
		}
		for _, sp := range qt.Splits {
			for _, row := range sp.Rows {
				answered := cell(row.Answered, hidden)
				for j, col := range qt.Columns {
					s.Rows = append(s.Rows, []string{q.ID, q.Text.In(l.lang), l.dimension(sp.Dimension), l.group(sp.Dimension, row.Group),
						l.column(q, col), cell(row.Counts[j], hidden), num(row.Shares[j], hidden), answered})
				}
			}
		}
	}
	return s
}

func (l labeller) scoreSheet(agg scoring.Aggregate) Sheet {
	t := l.word
	s := Sheet{Name: t("sheet_scores"), Header: []string{t("metric"), t("dimension"), t("group"), t("firms"),
		t("mean"), t("q1"), t("median"), t("q3")}}
	hidden := t("suppressed")
	for _, st := range agg.Scores {
		metric := l.metric(st.Metric)
		for _, sp := range st.Splits {
			for _, d := range sp.Rows {
				row := []string{metric, l.dimension(sp.Dimension), l.group(sp.Dimension, d.Group)}
				if d.Suppressed {
					row = append(row, hidden, hidden, hidden, hidden, hidden)
				} else {
					row = append(row, cell(d.N, hidden), num(d.Mean, hidden), num(d.Q1, hidden), num(d.Median, hidden), num(d.Q3, hidden))
				}
				s.Rows = append(s.Rows, row)
			}
		}
	}
	return s
}

func cell(n *int, hidden string) string {
	if n == nil {
		return hidden
	}
	return strconv.Itoa(*n)
}

// num writes a share or a score to one decimal, or hidden for a suppressed one.
func num(v *float64, hidden string) string {
	if v == nil {
		return hidden
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

// Export returns a campaign's aggregate, whole or filtered, as the tables of its exports.
func (s *Service) Export(ctx context.Context, p auth.Principal, campaignID string, f scoring.Filter, lang string) ([]Sheet, error) {
	res, err := s.Results(ctx, p, campaignID, f)
	if err != nil {
		return nil, err
	}
	def, ok := s.defs.Version(res.Campaign.QuestionnaireID, res.Campaign.Version)
	if !ok {
		return nil, assessment.ErrDefinitionAbsent
	}
	return Sheets(def, res.Aggregate, lang), nil
}
