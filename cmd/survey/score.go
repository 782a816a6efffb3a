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
	printResult(stdout, out, *lang)
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

// printResult writes the result as a readable table.
func printResult(w io.Writer, out scored, lang string) {
	r := out.Result
	ja := lang == "ja"
	pick := func(jaText, en string) string {
		if ja {
			return jaText
		}
		return en
	}
	num := func(f *float64) string {
		if f == nil {
			return pick("対象不足", "insufficient coverage")
		}
		return fmt.Sprintf("%.1f", *f)
	}
	level := scoring.Levels[r.Overall.Level-1]
	fmt.Fprintf(w, "%s: %s\n", pick("企業規模", "Size band"), r.Size.Rule.In(lang))
	fmt.Fprintf(w, "%s: %s / 100 — %s %d「%s」", pick("総合スコア", "Overall"), num(r.Overall.Score), pick("レベル", "level"), r.Overall.Level, level.Name.In(lang))
	if r.Overall.Capped {
		fmt.Fprintf(w, pick("（必須項目が0点のためレベル%dが上限: %s）", " (held at level %d while essential items score 0: %s)"), scoring.CapLevel, strings.Join(r.Overall.CappedBy, ", "))
	}
	fmt.Fprintf(w, "\n  %s\n\n", r.Overall.Description.In(lang))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, pick("分野\tスコア\tカバー率\t得点/満点", "Domain\tScore\tCoverage\tPoints/max"))
	for _, d := range r.Domains {
		fmt.Fprintf(tw, "%s\t%s\t%.0f%%\t%g/%g\n", d.Title.In(lang), num(d.Score), 100*d.Coverage, d.Points, d.MaxPoints)
	}
	tw.Flush()

	fmt.Fprintf(w, "\n%s: %s\n", pick("エクスポージャー", "Exposure"), r.Exposure.Level)
	for _, reason := range r.Exposure.Reasons {
		fmt.Fprintf(w, "  - %s\n", reason.In(lang))
	}
	if len(r.Exposure.Materials) > 0 {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, pick("  品目\tHHI\t最大の調達国\tシェア", "  Material\tHHI\tTop country\tShare"))
		for _, m := range r.Exposure.Materials {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%g%%\n", m.Label.In(lang), questionnaire.Grouped(m.HHI), questionnaire.CountryName(m.TopCountry, lang), m.TopShare)
		}
		tw.Flush()
	}
	if r.Benchmark != nil && len(r.Benchmark.Published) > 0 {
		fmt.Fprintf(w, "\n%s\n", pick("公表調査との比較", "Compared with published surveys"))
		for _, c := range r.Benchmark.Published {
			fmt.Fprintf(w, "  - %s [%s]\n", c.Text.In(lang), c.Source)
		}
	}
	if len(r.FindOut) > 0 {
		fmt.Fprintf(w, "\n%s: %s\n", pick("確認が必要な項目（わからない）", "To find out (don't know)"), strings.Join(r.FindOut, ", "))
	}
	if c := out.Checklist; c != nil {
		fmt.Fprintf(w, "\n%s\n", pick("最初の一歩", "First steps"))
		for i, it := range c.FirstSteps {
			fmt.Fprintf(w, "  %d. [%s] %s — %s\n     %s\n", i+1, checklist.PriorityLabel(it.Priority).In(lang), it.Title.In(lang), it.OwnerLabel.In(lang), it.Reason.In(lang))
		}
		fmt.Fprintf(w, "\n%s: %s %d, %s %d, %s %d, %s %d\n", pick("チェックリスト", "Checklist"),
			checklist.StatusLabel(checklist.StatusTodo).In(lang), c.Counts[checklist.StatusTodo],
			checklist.StatusLabel(checklist.StatusPartial).In(lang), c.Counts[checklist.StatusPartial],
			checklist.StatusLabel(checklist.StatusDone).In(lang), c.Counts[checklist.StatusDone],
			checklist.StatusLabel(checklist.StatusNA).In(lang), c.Counts[checklist.StatusNA])
	}
}
