package campaign

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/report"
)

// Link is one invited firm with its link, a line of the mail-merge file.
type Link struct {
	Firm, Email, SizeBand, Sector, Prefecture, URL string
	SentAt                                         time.Time // zero until e-mailed
}

// WriteLinks writes the mail-merge file of a campaign's invitations: a CSV that Excel in Japan
// opens as it is (see WriteCSV), headed in lang, with the size band and the prefecture by name.
// Its headings are those ParseInvitations recognises, so the file can be uploaded again.
func WriteLinks(w io.Writer, lang string, links []Link) error {
	header := make([]string, 0, 7)
	for _, c := range []string{FieldFirm, FieldEmail, FieldSizeBand, FieldSector, FieldPrefecture, "url", "sent_at"} {
		header = append(header, columnName(c).In(lang))
	}
	rows := make([][]string, len(links))
	for i, l := range links {
		sent := ""
		if !l.SentAt.IsZero() {
			sent = l.SentAt.In(report.Japan).Format("2006-01-02 15:04")
		}
		rows[i] = []string{l.Firm, l.Email, locale.Label(lang, "label.band.", l.SizeBand), l.Sector,
			prefectureName(lang, l.Prefecture), l.URL, sent}
	}
	return WriteCSV(w, header, rows)
}

// WriteCSV writes a CSV file that Excel in Japan opens as it is: UTF-8 with a byte-order mark
// (without one Excel reads the file as Shift_JIS), CRLF line ends, and each cell that a
// spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return)
// prefixed with a single quote, so that a firm name like =HYPERLINK(…) stays text.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return fmt.Errorf("campaign: writing CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, rec := range append([][]string{header}, rows...) {
		out := make([]string, len(rec))
		for i, cell := range rec {
			out[i] = inert(cell)
		}
		if err := cw.Write(out); err != nil {
			return fmt.Errorf("campaign: writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("campaign: writing CSV: %w", err)
	}
	return nil
}

// formulaStarts are the first characters that make a spreadsheet read a cell as a formula
// (OWASP, "CSV Injection"), with their full-width forms: an input method types those, and
// quoting them costs nothing.
const formulaStarts = "=+-@\t\r＝＋－＠"

// inert prefixes a cell that starts like a formula with a single quote.
func inert(cell string) string {
	if r, _ := utf8.DecodeRuneInString(cell); cell != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + cell
	}
	return cell
}
