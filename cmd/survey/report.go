package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// reportFile is `survey report FILE --lang ja -o report.pdf`: the PDF action report of an answer
// file. Without a database there are no peers, so the benchmark is the published figures; with
// --previous, the report shows the progress from an earlier answer file.
func reportFile(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey report", flag.ContinueOnError)
	fset.SetOutput(stderr)
	lang := fset.String("lang", "ja", "ja or en")
	out := fset.String("o", "", "output file (.pdf)")
	firm := fset.String("firm", "", "company name for the cover (optional)")
	previous := fset.String("previous", "", "answer file of the previous assessment (optional)")
	date := fset.String("date", "", "report date YYYY-MM-DD (default today)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: survey report FILE [--lang ja|en] [--firm NAME] [--previous FILE] -o OUT.pdf")
		fset.PrintDefaults()
	}
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(files) != 1 || *out == "" || (*lang != "ja" && *lang != "en") {
		fset.Usage()
		return errors.New("give one answer file, -o and --lang ja or en")
	}
	*firm = strings.TrimSpace(*firm)
	if err := report.CheckFirmName(*firm); err != nil {
		return fmt.Errorf("--firm: %w", err)
	}
	day, err := reportDay(*date)
	if err != nil {
		return err
	}
	cfg, content, err := configured(getenv, stderr)
	if err != nil {
		return err
	}
	def, ok := content.defs.Latest("esr")
	if !ok {
		return errors.New("questionnaire esr is not configured")
	}
	a, err := readAnswers(def, files[0], *lang, stderr)
	if err != nil {
		return err
	}
	res := content.offline(def, a, cfg.PeerK)
	s := res.Result
	in := report.Input{Lang: *lang, FirmName: *firm, Date: day, Questionnaire: def, Score: s}
	if res.Checklist != nil {
		in.Checklist = *res.Checklist
	}
	if *previous != "" {
		pa, err := readAnswers(def, *previous, *lang, stderr)
		if err != nil {
			return err
		}
		p := scoring.ProgressFrom(*previous, day, scoring.Score(def, pa), s)
		in.Progress = &p
	}
	if err := writePDF(*out, in); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}

// reportDay returns the day of a --date flag, or today in Japan when it is empty.
func reportDay(date string) (time.Time, error) {
	if date == "" {
		return time.Now().In(report.Japan), nil
	}
	day, err := time.ParseInLocation("2006-01-02", date, report.Japan)
	if err != nil {
		return time.Time{}, fmt.Errorf("--date: %w", err)
	}
	return day, nil
}

// writePDF renders the report to the file at path.
func writePDF(path string, in report.Input) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.PDF(f, in); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
