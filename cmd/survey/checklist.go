package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// checklistFile is `survey checklist`: the action plan of an answer file, or with --blank the
// empty checklist, as an XLSX workbook.
func checklistFile(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey checklist", flag.ContinueOnError)
	fset.SetOutput(stderr)
	blank := fset.Bool("blank", false, "the blank checklist (all items, no answers)")
	lang := fset.String("lang", "ja", "ja or en")
	out := fset.String("o", "", "output file (.xlsx)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: survey checklist [--lang ja|en] -o OUT.xlsx (FILE | --blank)")
		fset.PrintDefaults()
	}
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if *out == "" || (*blank == (len(files) == 1)) || len(files) > 1 || (*lang != "ja" && *lang != "en") {
		fset.Usage()
		return errors.New("give -o, --lang ja or en, and either one answer file or --blank")
	}
	_, content, err := configured(getenv, stderr)
	if err != nil {
		return err
	}
	def, ok := content.defs.Latest("esr")
	if !ok {
		return errors.New("questionnaire esr is not configured")
	}
	rules, ok := content.checklists.For(def.ID, def.Version)
	if !ok {
		return fmt.Errorf("no checklist rules for %s v%d", def.ID, def.Version)
	}
	in := report.WorkbookInput{Lang: *lang, Questionnaire: def, Blank: *blank, Date: time.Now()}
	if *blank {
		in.Checklist = rules.Blank(def)
	} else {
		a, err := readAnswers(def, files[0], *lang, stderr)
		if err != nil {
			return err
		}
		s := scoring.Score(def, a)
		in.Score, in.Checklist = &s, rules.Evaluate(def, a, s)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := report.Workbook(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d items)\n", *out, len(in.Checklist.Items))
	return nil
}

// parseInterleaved parses flags that may come before or after the positional arguments
// (survey score FILE --json) and returns the positional ones.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			break
		}
		pos, args = append(pos, fset.Arg(0)), fset.Args()[1:]
	}
	return pos, nil
}

// readAnswers reads an answer file (the "answers" object of the API) and validates it as a
// submission, printing each problem with its question.
func readAnswers(def *questionnaire.Definition, file, lang string, stderr io.Writer) (questionnaire.Answers, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var a questionnaire.Answers
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object of answers: %w", file, err)
	}
	if errs := def.Validate(a, questionnaire.Submit, lang); errs != nil {
		for _, e := range errs {
			fmt.Fprintf(stderr, "%s: %s: %s\n", file, e.Question, e.Message)
		}
		return nil, fmt.Errorf("%d answer(s) invalid", len(errs))
	}
	return a, nil
}
