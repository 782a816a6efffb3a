// Package report renders what a firm takes away: the checklist as an XLSX workbook for firms
// that track actions in a spreadsheet, and the PDF action report. Renderers take computed
// results and write to an io.Writer; they never fetch data themselves.
package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/locale"
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
	{text("workbook.no"), 5},
	{text("workbook.domain"), 16},
	{text("workbook.meti_guideline_area"), 14},
	{text("workbook.item"), 28},
	{text("workbook.action"), 50},
	{text("workbook.status"), 11},
	{text("workbook.priority"), 9},
	{text("workbook.why_this_priority"), 36},
	{text("workbook.tier"), 10},
	{text("workbook.owner"), 14},
	{text("workbook.horizon_days"), 9},
	{text("workbook.due_date"), 12},
	{text("workbook.effort"), 7},
	{text("workbook.evidence_of_completion"), 32},
	{text("workbook.references"), 32},
	{text("workbook.first_step"), 9},
	{text("workbook.notes"), 30},
}

// Workbook writes the checklist as an XLSX workbook: one row per item, a header row with filters,
// a drop-down for status and priority, due dates, and an A4 landscape print layout.
func Workbook(w io.Writer, in WorkbookInput) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := text("workbook.checklist").In(in.Lang)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	cl := checklistSheet{f: f, sheet: sheet, in: in, styles: st, last: colName(len(workbookColumns))}
	for _, step := range []func() error{cl.header, cl.rows, cl.filtersAndLists, func() error { return printLayout(f, sheet) },
		func() error { return summarySheet(f, in) }} {
		if err := step(); err != nil {
			return err
		}
	}
	created := in.Date.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   text("workbook.economic_security_action_checklist").In(in.Lang),
		Creator: "esready", Created: created, Modified: created, Language: in.Lang,
	}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// sheetStyles are the cell styles of the checklist sheet.
type sheetStyles struct {
	header, body, date int
	priority           map[string]int // fill by priority
}

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var st sheetStyles
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F3864"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Border:    borders(),
	}); err != nil {
		return st, err
	}
	if st.body, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: borders()}); err != nil {
		return st, err
	}
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd"), Alignment: &excelize.Alignment{Vertical: "top"}, Border: borders()}); err != nil {
		return st, err
	}
	st.priority = map[string]int{}
	for p, colour := range map[string]string{checklist.PriorityHigh: "F8CBAD", checklist.PriorityMedium: "FFE699", checklist.PriorityLow: "E2EFDA"} {
		s, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}, Border: borders()})
		if err != nil {
			return st, err
		}
		st.priority[p] = s
	}
	return st, nil
}

// checklistSheet writes the checklist sheet of a workbook.
type checklistSheet struct {
	f      *excelize.File
	sheet  string
	in     WorkbookInput
	styles sheetStyles
	last   string // the last column
}

func (c checklistSheet) t(x questionnaire.Text) string { return x.In(c.in.Lang) }

func (c checklistSheet) header() error {
	for i, col := range workbookColumns {
		name := colName(i + 1)
		if err := c.f.SetCellValue(c.sheet, name+"1", c.t(col.title)); err != nil {
			return err
		}
		if err := c.f.SetColWidth(c.sheet, name, name, col.width); err != nil {
			return err
		}
	}
	return c.f.SetCellStyle(c.sheet, "A1", c.last+"1", c.styles.header)
}

func (c checklistSheet) rows() error {
	titles := map[string]questionnaire.Text{}
	for _, g := range c.in.Checklist.Groups {
		titles[g.Domain] = g.Title
	}
	first := map[string]bool{}
	for _, s := range c.in.Checklist.FirstSteps {
		first[s.ID] = true
	}
	for i, it := range c.in.Checklist.Items {
		if err := c.row(i+2, it, titles[it.Domain], first[it.ID]); err != nil {
			return err
		}
	}
	return nil
}

// row writes item it on sheet row n.
func (c checklistSheet) row(n int, it checklist.ItemResult, domain questionnaire.Text, firstStep bool) error {
	status, priority, reason, due := "", "", "", any(nil)
	if !c.in.Blank {
		status = c.t(checklist.StatusLabel(it.Status))
		priority = c.t(checklist.PriorityLabel(it.Priority))
		reason = c.t(it.Reason)
		if it.Status == checklist.StatusTodo || it.Status == checklist.StatusPartial {
			due = c.in.Date.AddDate(0, 0, it.Horizon)
		}
	}
	title := c.t(it.Title)
	if it.FindOut {
		title = c.t(text("workbook.find_out")) + title
	}
	mark := ""
	if firstStep {
		mark = "★"
	}
	lang := c.in.Lang
	values := []any{n - 1, c.t(domain), c.t(it.AreaLabel), title, c.t(it.Action), status, priority, reason,
		c.t(checklist.TierLabel(it.Tier)), c.t(it.OwnerLabel), it.Horizon, due, locale.Label(lang, "label.effort.", it.Effort), c.t(it.Evidence),
		locale.References(lang, it.References...), mark, ""}
	cell := fmt.Sprintf("A%d", n)
	if err := c.f.SetSheetRow(c.sheet, cell, &values); err != nil {
		return err
	}
	if err := c.f.SetCellStyle(c.sheet, cell, fmt.Sprintf("%s%d", c.last, n), c.styles.body); err != nil {
		return err
	}
	if err := c.f.SetCellStyle(c.sheet, fmt.Sprintf("L%d", n), fmt.Sprintf("L%d", n), c.styles.date); err != nil {
		return err
	}
	if s, ok := c.styles.priority[it.Priority]; ok && !c.in.Blank {
		return c.f.SetCellStyle(c.sheet, fmt.Sprintf("G%d", n), fmt.Sprintf("G%d", n), s)
	}
	return nil
}

// filtersAndLists adds the autofilter, the frozen panes and the drop-downs of the status and
// priority columns, which stay editable from a list so the firm tracks progress in the workbook
// itself.
func (c checklistSheet) filtersAndLists() error {
	n := len(c.in.Checklist.Items) + 1
	if err := c.f.AutoFilter(c.sheet, fmt.Sprintf("A1:%s%d", c.last, n), nil); err != nil {
		return err
	}
	if err := c.f.SetPanes(c.sheet, &excelize.Panes{Freeze: true, YSplit: 1, XSplit: 4, TopLeftCell: "E2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	lang := c.in.Lang
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
		if err := c.f.AddDataValidation(c.sheet, dv); err != nil {
			return err
		}
	}
	return nil
}

// summarySheet adds the firm's headline figures and a legend.
func summarySheet(f *excelize.File, in WorkbookInput) error {
	t := func(x questionnaire.Text) string { return x.In(in.Lang) }
	sheet := t(text("workbook.summary"))
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	rows := [][]any{
		{t(text("workbook.economic_security_action_checklist"))},
		{t(text("workbook.questionnaire")), fmt.Sprintf("%s v%d", t(in.Questionnaire.Title), in.Questionnaire.Version)},
	}
	if in.Blank {
		rows = append(rows, []any{t(text("workbook.blank_note"))})
	}
	if s := in.Score; s != nil && !in.Blank {
		score := t(text("workbook.insufficient_coverage"))
		if s.Overall.Score != nil {
			score = fmt.Sprintf("%.1f / 100", *s.Overall.Score)
		}
		rows = append(rows,
			[]any{t(text("workbook.date")), Day(in.Lang, in.Date)},
			[]any{t(text("workbook.overall_score")), score},
			[]any{t(text("workbook.maturity_level")), fmt.Sprintf("%d — %s", s.Overall.Level, t(scoring.Levels[s.Overall.Level-1].Name))},
			[]any{t(text("workbook.size_band")), t(s.Size.Rule)},
			[]any{t(text("workbook.exposure")), locale.Label(in.Lang, "label.exposure.", s.Exposure.Level)},
		)
		for _, st := range []string{checklist.StatusTodo, checklist.StatusPartial, checklist.StatusDone, checklist.StatusNA} {
			rows = append(rows, []any{t(checklist.StatusLabel(st)), in.Checklist.Counts[st]})
		}
	}
	rows = append(rows, []any{}, []any{t(text("workbook.priority_note"))})
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
