// Package report renders what a firm takes away: the checklist as an XLSX workbook for firms
// that track actions in a spreadsheet, and the PDF action report. Renderers take computed
// results and write to an io.Writer; they never fetch data themselves.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// WorkbookInput is what the checklist workbook shows. Result and Score are nil for the blank
// checklist.
type WorkbookInput struct {
	Lang          string
	Questionnaire *questionnaire.Definition
	Checklist     checklist.Result
	Score         *scoring.Result
	// Date is the day the plan starts (the submission date): due dates count from it.
	Date time.Time
	// Blank leaves status, priority and due dates empty, for a printable paper checklist.
	Blank bool
}

type column struct {
	title questionnaire.Text
	width float64
}

var workbookColumns = []column{
	{questionnaire.Text{JA: "No.", EN: "No."}, 5},
	{questionnaire.Text{JA: "分野", EN: "Domain"}, 16},
	{questionnaire.Text{JA: "経営ガイドラインの区分", EN: "METI guideline area"}, 14},
	{questionnaire.Text{JA: "項目", EN: "Item"}, 28},
	{questionnaire.Text{JA: "取組内容", EN: "Action"}, 50},
	{questionnaire.Text{JA: "状況", EN: "Status"}, 11},
	{questionnaire.Text{JA: "優先度", EN: "Priority"}, 9},
	{questionnaire.Text{JA: "優先度の理由", EN: "Why this priority"}, 36},
	{questionnaire.Text{JA: "重要度", EN: "Tier"}, 10},
	{questionnaire.Text{JA: "担当", EN: "Owner"}, 14},
	{questionnaire.Text{JA: "目安(日)", EN: "Horizon (days)"}, 9},
	{questionnaire.Text{JA: "期限", EN: "Due date"}, 12},
	{questionnaire.Text{JA: "工数", EN: "Effort"}, 7},
	{questionnaire.Text{JA: "完了の証跡", EN: "Evidence of completion"}, 32},
	{questionnaire.Text{JA: "根拠・参考", EN: "References"}, 32},
	{questionnaire.Text{JA: "最初の一歩", EN: "First step"}, 9},
	{questionnaire.Text{JA: "メモ", EN: "Notes"}, 30},
}

// Workbook writes the checklist as an XLSX workbook: one row per item, a header row with filters,
// a drop-down for status and priority, due dates, and an A4 landscape print layout.
func Workbook(w io.Writer, in WorkbookInput) error {
	lang := in.Lang
	t := func(x questionnaire.Text) string { return x.In(lang) }
	f := excelize.NewFile()
	defer f.Close()

	sheet := t(questionnaire.Text{JA: "チェックリスト", EN: "Checklist"})
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F3864"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border:    borders(),
	})
	if err != nil {
		return err
	}
	body, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: borders()})
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd"), Alignment: &excelize.Alignment{Vertical: "top"}, Border: borders()})
	if err != nil {
		return err
	}
	priorityFill := map[string]int{}
	for p, colour := range map[string]string{checklist.PriorityHigh: "F8CBAD", checklist.PriorityMedium: "FFE699", checklist.PriorityLow: "E2EFDA"} {
		s, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}, Border: borders()})
		if err != nil {
			return err
		}
		priorityFill[p] = s
	}

	last := colName(len(workbookColumns))
	for i, c := range workbookColumns {
		col := colName(i + 1)
		if err := f.SetCellValue(sheet, col+"1", t(c.title)); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", header); err != nil {
		return err
	}

	titles := map[string]questionnaire.Text{}
	for _, g := range in.Checklist.Groups {
		titles[g.Domain] = g.Title
	}
	first := map[string]bool{}
	for _, s := range in.Checklist.FirstSteps {
		first[s.ID] = true
	}
	for i, it := range in.Checklist.Items {
		row := i + 2
		status, priority, reason, due := "", "", "", any(nil)
		if !in.Blank {
			status = t(checklist.StatusLabel(it.Status))
			priority = t(checklist.PriorityLabel(it.Priority))
			reason = t(it.Reason)
			if it.Status == checklist.StatusTodo || it.Status == checklist.StatusPartial {
				due = in.Date.AddDate(0, 0, it.Horizon)
			}
		}
		title := t(it.Title)
		if it.FindOut {
			title = t(questionnaire.Text{JA: "【確認】", EN: "[Find out] "}) + title
		}
		mark := ""
		if first[it.ID] {
			mark = "★"
		}
		values := []any{i + 1, t(titles[it.Domain]), t(it.AreaLabel), title, t(it.Action), status, priority, reason,
			t(checklist.TierLabel(it.Tier)), t(it.OwnerLabel), it.Horizon, due, it.Effort, t(it.Evidence),
			strings.Join(it.References, "; "), mark, ""}
		cell := fmt.Sprintf("A%d", row)
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, fmt.Sprintf("%s%d", last, row), body); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("L%d", row), fmt.Sprintf("L%d", row), date); err != nil {
			return err
		}
		if s, ok := priorityFill[it.Priority]; ok && !in.Blank {
			if err := f.SetCellStyle(sheet, fmt.Sprintf("G%d", row), fmt.Sprintf("G%d", row), s); err != nil {
				return err
			}
		}
	}
	n := len(in.Checklist.Items) + 1
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, n), nil); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, XSplit: 4, TopLeftCell: "E2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	// The status and priority columns stay editable from a list, so the firm tracks progress in
	// the workbook itself.
	for _, v := range []struct {
		col    string
		values []string
	}{
		{"F", labels(lang, checklist.StatusLabel, checklist.StatusDone, checklist.StatusPartial, checklist.StatusTodo, checklist.StatusNA)},
		{"G", labels(lang, checklist.PriorityLabel, checklist.PriorityHigh, checklist.PriorityMedium, checklist.PriorityLow)},
	} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", v.col, v.col, max(n, 2))
		if err := dv.SetDropList(v.values); err != nil {
			return err
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if err := printLayout(f, sheet); err != nil {
		return err
	}

	if err := summarySheet(f, in); err != nil {
		return err
	}
	created := in.Date.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   t(questionnaire.Text{JA: "経済安全保障 対応チェックリスト", EN: "Economic-security action checklist"}),
		Creator: "esready", Created: created, Modified: created, Language: lang,
	}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// summarySheet adds the firm's headline figures and a legend.
func summarySheet(f *excelize.File, in WorkbookInput) error {
	t := func(x questionnaire.Text) string { return x.In(in.Lang) }
	sheet := t(questionnaire.Text{JA: "概要", EN: "Summary"})
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	rows := [][]any{
		{t(questionnaire.Text{JA: "経済安全保障 対応チェックリスト", EN: "Economic-security action checklist"})},
		{t(questionnaire.Text{JA: "調査票", EN: "Questionnaire"}), fmt.Sprintf("%s v%d", t(in.Questionnaire.Title), in.Questionnaire.Version)},
	}
	if in.Blank {
		rows = append(rows, []any{t(questionnaire.Text{
			JA: "回答前の白紙のチェックリストです。各項目の状況欄に、実施済み・一部実施・未実施・該当なしを記入してください。",
			EN: "A blank checklist: mark each item done, partly done, to do or not applicable in the status column."})})
	}
	if s := in.Score; s != nil && !in.Blank {
		score := t(questionnaire.Text{JA: "対象不足", EN: "insufficient coverage"})
		if s.Overall.Score != nil {
			score = fmt.Sprintf("%.1f / 100", *s.Overall.Score)
		}
		rows = append(rows,
			[]any{t(questionnaire.Text{JA: "作成日", EN: "Date"}), in.Date.Format("2006-01-02")},
			[]any{t(questionnaire.Text{JA: "総合スコア", EN: "Overall score"}), score},
			[]any{t(questionnaire.Text{JA: "成熟度レベル", EN: "Maturity level"}), fmt.Sprintf("%d — %s", s.Overall.Level, t(scoring.Levels[s.Overall.Level-1].Name))},
			[]any{t(questionnaire.Text{JA: "企業規模", EN: "Size band"}), t(s.Size.Rule)},
			[]any{t(questionnaire.Text{JA: "エクスポージャー", EN: "Exposure"}), s.Exposure.Level},
		)
		for _, st := range []string{checklist.StatusTodo, checklist.StatusPartial, checklist.StatusDone, checklist.StatusNA} {
			rows = append(rows, []any{t(checklist.StatusLabel(st)), in.Checklist.Counts[st]})
		}
	}
	rows = append(rows, []any{}, []any{t(questionnaire.Text{
		JA: "優先度は、取組の不足の大きさ、項目の重要度（企業規模により変わります）、貴社のエクスポージャーから決まります。「最初の一歩」（★）は、必須項目を先に、次に優先度、工数の少ない順に最大5項目を選んだものです。",
		EN: "Priority comes from the size of the gap, the item's tier (which can depend on firm size) and your exposure. First steps (★) are essential items first, then by priority, then by effort, five at most."})})
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 24); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 90); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, "A1", "A1", bold)
}

// printLayout prints the sheet on A4 landscape, one page wide, with the header on every page.
func printLayout(f *excelize.File, sheet string) error {
	a4, landscape, one, auto := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

func borders() []excelize.Border {
	var bs []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		bs = append(bs, excelize.Border{Type: side, Color: "BFBFBF", Style: 1})
	}
	return bs
}

func labels(lang string, label func(string) questionnaire.Text, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = label(k).In(lang)
	}
	return out
}

func colName(n int) string {
	name, _ := excelize.ColumnNumberToName(n)
	return name
}

func ptr[T any](v T) *T { return &v }
