package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// scoreFile is `survey score FILE`: it validates an answer file (the "answers" object of the
// API, e.g. examples/answers/small-sme.json) as a submission and prints its scores. Without a
// database there are no peers, so the benchmark is the published survey figures.
func scoreFile(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey score", flag.ContinueOnError)
	fset.SetOutput(stderr)
	asJSON := fset.Bool("json", false, "print the result as JSON")
	qid := fset.String("questionnaire", "esr", "questionnaire id")
	version := fset.Int("version", 0, "questionnaire version (default: the latest)")
	lang := fset.String("lang", "ja", "language of the readable output: ja or en")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: survey score [--json] [--lang ja|en] [--questionnaire ID] [--version N] FILE")
		fset.PrintDefaults()
	}
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fset.Usage()
		return errors.New("give exactly one answer file")
	}
	if *lang != "ja" && *lang != "en" {
		return fmt.Errorf("--lang must be ja or en, not %q", *lang)
	}

	cfg, content, err := configured(getenv, stderr)
	if err != nil {
		return err
	}
	def, ok := content.defs.Latest(*qid)
	if *version > 0 {
		def, ok = content.defs.Version(*qid, *version)
	}
	if !ok {
		return fmt.Errorf("no questionnaire %s (version %d)", *qid, *version)
	}

	answers, err := readAnswers(def, files[0], *lang, stderr)
	if err != nil {
		return err
	}
	out := content.offline(def, answers, cfg.PeerK)

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printResult(stdout, def, out, *lang)
	return nil
}

// loadBaselines reads the published survey figures and checks them against the latest esr.
func loadBaselines(cfg config.Config, defs *questionnaire.Registry) ([]scoring.Baseline, error) {
	def, ok := defs.Latest("esr")
	if !ok {
		return nil, nil
	}
	data, err := fs.ReadFile(cfg.Files, "benchmarks/published.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return scoring.ParseBaselines(data, "benchmarks/published.yaml", def)
}

// printResult writes the result as a readable table, every word from the locale catalogue and
// questions by their text, never by id.
func printResult(w io.Writer, def *questionnaire.Definition, out scored, lang string) {
	r := out.Result
	tr := func(key string) string { return locale.Get(lang, key) }
	num := func(f *float64) string {
		if f == nil {
			return tr("cli.insufficient_coverage")
		}
		return fmt.Sprintf("%.1f", *f)
	}
	level := scoring.Levels[r.Overall.Level-1]
	fmt.Fprintf(w, "%s: %s\n", tr("cli.size_band"), r.Size.Rule.In(lang))
	fmt.Fprintf(w, tr("cli.overall"), num(r.Overall.Score), r.Overall.Level, level.Name.In(lang))
	if r.Overall.Capped {
		fmt.Fprintf(w, tr("cli.capped"), scoring.CapLevel, questionTexts(def, r.Overall.CappedBy, lang))
	}
	fmt.Fprintf(w, "\n  %s\n\n", r.Overall.Description.In(lang))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, tr("cli.domain_header"))
	for _, d := range r.Domains {
		fmt.Fprintf(tw, "%s\t%s\t%.0f%%\t%g/%g\n", d.Title.In(lang), num(d.Score), 100*d.Coverage, d.Points, d.MaxPoints)
	}
	tw.Flush()
	printExposure(w, r.Exposure, lang)
	if r.Benchmark != nil && len(r.Benchmark.Published) > 0 {
		fmt.Fprintf(w, "\n%s\n", tr("cli.published"))
		for _, c := range r.Benchmark.Published {
			fmt.Fprintf(w, "  - %s [%s]\n", c.Text.In(lang), locale.References(lang, c.Source))
		}
	}
	if len(r.FindOut) > 0 {
		fmt.Fprintf(w, "\n%s\n", tr("cli.find_out"))
		for _, id := range r.FindOut {
			fmt.Fprintf(w, "  - %s\n", questionTexts(def, []string{id}, lang))
		}
	}
	if c := out.Checklist; c != nil {
		printChecklist(w, c, lang)
	}
}

func printExposure(w io.Writer, e scoring.Exposure, lang string) {
	fmt.Fprintf(w, "\n%s: %s\n", locale.Get(lang, "cli.exposure"), locale.Label(lang, "label.exposure.", e.Level))
	for _, reason := range e.Reasons {
		fmt.Fprintf(w, "  - %s\n", reason.In(lang))
	}
	if len(e.Materials) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, locale.Get(lang, "cli.material_header"))
	for _, m := range e.Materials {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%g%%\t%g%%\n", m.Label.In(lang), questionnaire.Grouped(m.HHI), m.Supplier(lang), m.TopShare, m.JapanShare)
	}
	tw.Flush()
}

func printChecklist(w io.Writer, c *checklist.Result, lang string) {
	fmt.Fprintf(w, "\n%s\n", locale.Get(lang, "cli.first_steps"))
	for i, it := range c.FirstSteps {
		fmt.Fprintf(w, "  %d. [%s] %s — %s\n     %s\n", i+1, checklist.PriorityLabel(it.Priority).In(lang), it.Title.In(lang), it.OwnerLabel.In(lang), it.Reason.In(lang))
	}
	fmt.Fprintf(w, "\n%s: %s %d, %s %d, %s %d, %s %d\n", locale.Get(lang, "cli.checklist"),
		checklist.StatusLabel(checklist.StatusTodo).In(lang), c.Counts[checklist.StatusTodo],
		checklist.StatusLabel(checklist.StatusPartial).In(lang), c.Counts[checklist.StatusPartial],
		checklist.StatusLabel(checklist.StatusDone).In(lang), c.Counts[checklist.StatusDone],
		checklist.StatusLabel(checklist.StatusNA).In(lang), c.Counts[checklist.StatusNA])
}

// questionTexts names questions by their text (a person does not know ids), joined.
func questionTexts(def *questionnaire.Definition, ids []string, lang string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if q, ok := def.Question(id); ok {
			out = append(out, q.Text.In(lang))
		} else {
			out = append(out, id)
		}
	}
	return strings.Join(out, locale.Get(lang, "cli.list_separator"))
}
