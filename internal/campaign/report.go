package campaign

import (
	"context"
	"slices"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// ReportInput is what the campaign's PDF report shows in lang, whole or filtered by f: its
// aggregate split by size band and labelled from the questionnaire, the response figures of the
// whole campaign and the chamber's name. Like Results, it shows nothing the results page would
// not: every cell comes from the suppressed aggregate.
func (s *Service) ReportInput(ctx context.Context, p auth.Principal, campaignID string, f scoring.Filter, lang string) (report.CampaignInput, error) {
	if lang != "en" {
		lang = "ja"
	}
	res, err := s.Results(ctx, p, campaignID, f)
	if err != nil {
		return report.CampaignInput{}, err
	}
	pr, _, err := s.Track(ctx, p, campaignID)
	if err != nil {
		return report.CampaignInput{}, err
	}
	c := res.Campaign
	ch, err := s.read.Chamber(ctx, c.ChamberID)
	if err != nil {
		return report.CampaignInput{}, err
	}
	def, ok := s.defs.Version(c.QuestionnaireID, c.Version)
	if !ok {
		return report.CampaignInput{}, assessment.ErrDefinitionAbsent
	}
	l := labeller{def: def, lang: lang}
	in := report.CampaignInput{
		Lang: lang, Title: inLang(lang, c.TitleJA, c.TitleEN), Chamber: inLang(lang, ch.Name, ch.NameEN),
		Opens: c.Opens, Closes: c.Closes, Date: dayOf(s.now()), K: res.Aggregate.K, N: res.Aggregate.N,
		Turnout: report.Turnout{Invited: pr.Total.Invited, Submitted: pr.Total.Submitted, Rate: pr.Total.Rate, Open: pr.OpenSubmitted},
		Scores:  l.scoreSummaries(res.Aggregate), Sections: l.sections(res.Aggregate),
	}
	if f != (scoring.Filter{}) {
		in.Filter = report.CampaignFilter{Dimension: l.dimension(f.Dimension), Group: l.group(f.Dimension, f.Group)}
	}
	return in, nil
}

// inLang is the English text in English when there is one, else the Japanese.
func inLang(lang, ja, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return ja
}

// dayOf is the start of t's day in Japan. The report shows the day it was made, and a report
// dated by the day is the same file all day while no firm answers, so the renderer's cache
// serves repeated downloads.
func dayOf(t time.Time) time.Time {
	t = t.In(report.Japan)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, report.Japan)
}

// sections are the tables of the aggregate's questions, by section in the questionnaire's order.
func (l labeller) sections(agg scoring.Aggregate) []report.CampaignSection {
	tables := make(map[string]scoring.QuestionTable, len(agg.Questions))
	for _, qt := range agg.Questions {
		tables[qt.Question] = qt
	}
	var out []report.CampaignSection
	for _, sec := range l.def.Sections {
		rs := report.CampaignSection{Title: sec.Title.In(l.lang)}
		for i := range sec.Questions {
			if qt, ok := tables[sec.Questions[i].ID]; ok {
				rs.Questions = append(rs.Questions, l.questionTable(&sec.Questions[i], qt))
			}
		}
		if len(rs.Questions) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

func (l labeller) questionTable(q *questionnaire.Question, qt scoring.QuestionTable) report.QuestionTable {
	t := report.QuestionTable{Text: q.Text.In(l.lang), Multi: q.Type == questionnaire.TypeMulti}
	for _, col := range qt.Columns {
		t.Answers = append(t.Answers, l.column(q, col))
	}
	labels, rows := bySize(l, qt.Splits, func(s scoring.Split) (string, []scoring.GroupRow) { return s.Dimension, s.Rows },
		func(r scoring.GroupRow) string { return r.Group })
	for i, r := range rows {
		shares := r.Shares
		if shares == nil {
			shares = make([]*float64, len(qt.Columns)) // a group not listed: all withheld
		}
		t.Groups = append(t.Groups, report.GroupShares{Label: labels[i], Answered: r.Answered, Shares: shares})
	}
	return t
}

// scoreSummaries are the overall and domain scores' distributions by size band.
func (l labeller) scoreSummaries(agg scoring.Aggregate) []report.ScoreSummary {
	var out []report.ScoreSummary
	for _, st := range agg.Scores {
		s := report.ScoreSummary{Label: l.metric(st.Metric)}
		labels, rows := bySize(l, st.Splits, func(s scoring.ScoreSplit) (string, []scoring.Distribution) { return s.Dimension, s.Rows },
			func(d scoring.Distribution) string { return d.Group })
		for i, d := range rows {
			g := report.ScoreGroup{Label: labels[i]}
			if !d.Suppressed {
				g.N, g.Mean, g.Q1, g.Median, g.Q3 = d.N, d.Mean, d.Q1, d.Median, d.Q3
			}
			s.Groups = append(s.Groups, g)
		}
		out = append(out, s)
	}
	return out
}

// reportGroups are the rows of every table of the report, in order: all firms, then SMEs before
// large firms, as the JCCI report has them. A group the aggregate does not list (no firm of the
// band answered, or too few to publish) still gets its row, every cell withheld, so that each
// table has the same columns.
var reportGroups = [...]struct{ dim, group string }{{scoring.DimAll, scoring.DimAll}, {scoring.DimSizeBand, "sme"}, {scoring.DimSizeBand, "large"}}

// bySize returns the rows of a table's splits that the report shows, labelled: those of
// reportGroups, a zero R for a group not listed.
func bySize[S, R any](l labeller, splits []S, split func(S) (string, []R), group func(R) string) ([]string, []R) {
	var labels []string
	var rows []R
	for _, rg := range reportGroups {
		var row R
		for _, sp := range splits {
			if dim, rs := split(sp); dim == rg.dim {
				if i := slices.IndexFunc(rs, func(r R) bool { return group(r) == rg.group }); i >= 0 {
					row = rs[i]
				}
			}
		}
		labels, rows = append(labels, l.group(rg.dim, rg.group)), append(rows, row)
	}
	return labels, rows
}
