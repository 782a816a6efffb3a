package campaign

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
)

// ConsentedAnswers returns, as one table, the individual answers of the campaign's firms that
// submitted and consent to the chamber seeing them, now: a firm that withdrew its consent is
// not in it. Firms without consent appear in no row and no count.
func (s *Service) ConsentedAnswers(ctx context.Context, p auth.Principal, campaignID, lang string) (Sheet, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return Sheet{}, err
	}
	def, ok := s.defs.Version(c.QuestionnaireID, c.Version)
	if !ok {
		return Sheet{}, assessment.ErrDefinitionAbsent
	}
	resps, err := s.store.Responses(ctx, c.ID)
	if err != nil {
		return Sheet{}, err
	}
	invs, err := s.store.Invitations(ctx, c.ID)
	if err != nil {
		return Sheet{}, err
	}
	firms := make(map[string]Invitation, len(invs))
	for _, inv := range invs {
		firms[inv.ID] = inv
	}
	l := labeller{def: def, lang: lang}
	sh := l.responsesHeader()
	for _, r := range resps {
		if r.Status != assessment.StatusSubmitted || !r.Consent {
			continue
		}
		a, err := s.read.Assessment(ctx, r.AssessmentID)
		if err != nil {
			return Sheet{}, err
		}
		if !a.Consent { // withdrawn between the two reads
			continue
		}
		inv := firms[r.Invitation]
		row := []string{inv.Firm, inv.Email, a.SubmittedAt.In(report.Japan).Format("2006-01-02 15:04")}
		for _, q := range def.Questions() {
			row = append(row, l.answer(q, a.Answers[q.ID]))
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh, nil
}

func (l labeller) responsesHeader() Sheet {
	t := l.word
	sh := Sheet{Name: t("sheet_responses"), Header: []string{t("firm"), t("email"), t("submitted_at")}}
	for _, q := range l.def.Questions() {
		sh.Header = append(sh.Header, q.ID+" "+q.Text.In(l.lang))
	}
	return sh
}

// answer writes one answer as a person reads it.
func (l labeller) answer(q *questionnaire.Question, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if q.Type == questionnaire.TypeText {
			return x
		}
		return l.column(q, x)
	case float64:
		if q.Type == questionnaire.TypeScale {
			return l.column(q, strconv.Itoa(int(x)))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, it := range x {
			parts = append(parts, l.column(q, fmt.Sprint(it)))
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s:%v", k, x[k]))
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}
