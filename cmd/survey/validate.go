package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/questionnaire"
)

// validate checks questionnaire definitions: the file or directory given, or else the
// configured ones (embedded defaults overlaid by SURVEY_CONFIG_DIR). It prints one line per
// problem and fails when there is any.
func validate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey validate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: survey validate [FILE.yaml | DIRECTORY]")
		fmt.Fprintln(stderr, "Checks questionnaire definitions; without an argument, the configured ones.")
	}
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 1 {
		fset.Usage()
		return errors.New("at most one path")
	}

	var (
		fsys fs.FS
		cfg  config.Config
		err  error
	)
	configured := fset.NArg() == 0
	dir := "."
	if configured {
		cfg, err = config.Load(nil, getenv, stderr)
		fsys, dir = cfg.Files, "questionnaires"
	} else {
		fsys, err = pathFS(fset.Arg(0))
	}
	if err != nil {
		return err
	}

	reg, err := questionnaire.Load(fsys, dir)
	var ps questionnaire.Problems
	if errors.As(err, &ps) {
		printProblems(stdout, ps)
		return fmt.Errorf("%d problem(s)", len(ps))
	}
	if err != nil {
		return err
	}
	if len(reg.All()) == 0 {
		return errors.New("no questionnaire definitions found")
	}
	printDefinitions(stdout, reg.All())
	if configured {
		return validateConfigured(cfg, reg, stdout)
	}
	return nil
}

// pathFS returns a file system whose "." holds the definitions at p: every file of a
// directory, or a single file alone.
func pathFS(p string) (fs.FS, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return os.DirFS(p), nil
	}
	return singleFile{os.DirFS(filepath.Dir(p)), filepath.Base(p)}, nil
}

// printProblems prints one line per problem.
func printProblems(w io.Writer, ps questionnaire.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, p)
	}
}

// printDefinitions prints one line per valid definition: its size and content hash.
func printDefinitions(w io.Writer, defs []*questionnaire.Definition) {
	for _, d := range defs {
		scored := 0
		for _, q := range d.Questions() {
			if q.Scored() {
				scored++
			}
		}
		fmt.Fprintf(w, "ok: %s v%d — %d questions (%d scored) in %d sections, %s\n",
			d.ID, d.Version, len(d.Questions()), scored, len(d.Sections), d.Hash)
	}
}

// validateConfigured checks what the configuration holds beside the definitions: the published
// baselines and the checklist rules.
func validateConfigured(cfg config.Config, reg *questionnaire.Registry, stdout io.Writer) error {
	bs, err := loadBaselines(cfg, reg)
	if err != nil {
		fmt.Fprintln(stdout, err)
		return errors.New("published baselines are invalid")
	}
	fmt.Fprintf(stdout, "ok: benchmarks/published.yaml — %d published baselines\n", len(bs))
	set, err := checklist.Load(cfg.Files, "checklist", reg)
	var ps questionnaire.Problems
	if errors.As(err, &ps) {
		printProblems(stdout, ps)
		return fmt.Errorf("%d problem(s) in the checklist rules", len(ps))
	}
	if err != nil {
		return err
	}
	for _, r := range set.All() {
		fmt.Fprintf(stdout, "ok: %s — %d checklist items for %s v%d\n", r.File, len(r.Items), r.Questionnaire, r.Version)
	}
	return nil
}

// singleFile is a directory that shows just one of its files.
type singleFile struct {
	fs.FS
	name string
}

func (s singleFile) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(s.FS, name)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() == s.name {
			return []fs.DirEntry{e}, nil
		}
	}
	return nil, fs.ErrNotExist
}
