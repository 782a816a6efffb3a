package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

type fixture struct {
	def   *questionnaire.Definition
	rules *checklist.Rules
}

func load(t testing.TB) fixture {
	t.Helper()
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	set, err := checklist.Load(configs.Embedded(), "checklist", defs)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := defs.Latest("esr")
	rules, ok := set.For("esr", def.Version)
	if !ok {
		t.Fatal("no checklist")
	}
	return fixture{def, rules}
}

func (f fixture) example(t testing.TB, name string) (questionnaire.Answers, scoring.Result, checklist.Result) {
	t.Helper()
	raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var a questionnaire.Answers
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	s := scoring.Score(f.def, a)
	return a, s, f.rules.Evaluate(f.def, a, s)
}

// TestWorkbook writes the mid exporter's plan and reads the file back.
func TestWorkbook(t *testing.T) {
	f := load(t)
	_, s, c := f.example(t, "mid-exporter")
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := report.Workbook(&buf, report.WorkbookInput{Lang: "ja", Questionnaire: f.def, Checklist: c, Score: &s, Date: day}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "チェックリスト" || got[1] != "概要" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := x.GetRows("チェックリスト")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(c.Items)+1 {
		t.Fatalf("%d rows for %d items", len(rows), len(c.Items))
	}
	header := strings.Join(rows[0], "|")
	for _, col := range []string{"状況", "優先度", "担当", "目安(日)", "期限", "メモ"} {
		if !strings.Contains(header, col) {
			t.Errorf("header lacks %s: %s", col, header)
		}
	}
	first := map[string]bool{}
	for _, s := range c.FirstSteps {
		first[s.Title.JA] = true
	}
	for i, it := range c.Items {
		row := rows[i+1]
		if !strings.Contains(row[3], it.Title.JA) || row[5] != checklist.StatusLabel(it.Status).JA || row[6] != checklist.PriorityLabel(it.Priority).JA {
			t.Errorf("row %d = %v, want %s %s %s", i+1, row[:7], it.Title.JA, it.Status, it.Priority)
		}
		open := it.Status == checklist.StatusTodo || it.Status == checklist.StatusPartial
		due := day.AddDate(0, 0, it.Horizon).Format("2006-01-02")
		if open && (len(row) < 12 || row[11] != due) {
			t.Errorf("row %d: due date %v, want %s", i+1, row, due)
		}
		if !open && len(row) > 11 && row[11] != "" {
			t.Errorf("row %d: a due date on a %s item", i+1, it.Status)
		}
		if first[it.Title.JA] != (len(row) > 15 && row[15] == "★") {
			t.Errorf("row %d: first-step mark wrong", i+1)
		}
		if effort := map[string]string{"S": "小", "M": "中", "L": "大"}[it.Effort]; len(row) < 13 || row[12] != effort {
			t.Errorf("row %d: effort %v, want %s (手間 in Japanese, not %s)", i+1, row[12:13], effort, it.Effort)
		}
	}
	// Ready to filter: an autofilter over the table, and drop-downs for status and priority.
	dvs, err := x.GetDataValidations("チェックリスト")
	if err != nil || len(dvs) != 2 {
		t.Errorf("data validations %v %v", dvs, err)
	}
	names := x.GetDefinedName()
	var filter, titles bool
	for _, n := range names {
		filter = filter || n.Name == "_xlnm._FilterDatabase"
		titles = titles || n.Name == "_xlnm.Print_Titles"
	}
	if !filter || !titles {
		t.Errorf("defined names %+v: want the autofilter and print titles", names)
	}
	summary, _ := x.GetRows("概要")
	if !strings.Contains(flatten(summary), "51.7 / 100") {
		t.Errorf("summary lacks the score: %v", summary)
	}
	if want := map[string]string{"high": "高い", "medium": "中程度", "low": "低い"}[s.Exposure.Level]; !strings.Contains(flatten(summary), want) || strings.Contains(flatten(summary), s.Exposure.Level) {
		t.Errorf("summary shows the exposure level %q untranslated or not at all (want %s): %v", s.Exposure.Level, want, summary)
	}
	if !strings.Contains(header, "手間") {
		t.Errorf("header says effort as 工数, not 手間: %s", header)
	}
}

func TestBlankWorkbook(t *testing.T) {
	f := load(t)
	blank := f.rules.Blank(f.def)
	var buf bytes.Buffer
	if err := report.Workbook(&buf, report.WorkbookInput{Lang: "en", Questionnaire: f.def, Checklist: blank, Blank: true, Date: time.Now()}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Checklist")
	if len(rows) != len(f.rules.Items)+1 {
		t.Fatalf("%d rows for %d items", len(rows), len(f.rules.Items))
	}
	for i, row := range rows[1:] {
		if len(row) > 5 && (row[5] != "" || row[6] != "") {
			t.Errorf("blank row %d has a status or priority: %v", i+1, row)
		}
		if row[3] == "" || row[4] == "" {
			t.Errorf("blank row %d lacks the item or action: %v", i+1, row)
		}
	}
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, " "))
		b.WriteString("\n")
	}
	return b.String()
}
