package campaign

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes sheets as one workbook: a bold header row with filters, frozen under it,
// and counts stored as numbers so they add up in Excel (a suppressed cell stays text).
func WriteXLSX(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if err := writeSheet(f, i, s, bold); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func writeSheet(f *excelize.File, i int, s Sheet, headerStyle int) error {
	if i == 0 {
		if err := f.SetSheetName("Sheet1", s.Name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(s.Name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	header := make([]any, len(s.Header))
	for j, h := range s.Header {
		header[j] = excelize.Cell{StyleID: headerStyle, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	for r, row := range s.Rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = typed(v)
		}
		ref, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(ref, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(s.Header), len(s.Rows)+1)
	return f.AutoFilter(s.Name, "A1:"+last, nil)
}

// typed stores a number as a number, anything else as text.
func typed(v string) any {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return n
	}
	return v
}
