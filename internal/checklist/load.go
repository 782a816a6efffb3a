package checklist

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/esready/esready/internal/questionnaire"
)

// Set holds the checklists of every questionnaire version that has one.
type Set struct {
	byVersion map[string]*Rules
}

func key(qid string, version int) string { return fmt.Sprintf("%s/%d", qid, version) }

// Load reads every *.yaml file of dir and checks each against its questionnaire version. It
// returns every problem of every file at once.
func Load(fsys fs.FS, dir string, defs *questionnaire.Registry) (*Set, error) {
	files, err := questionnaire.ReadYAMLDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{byVersion: map[string]*Rules{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checklist: %w", err)
	}
	s := &Set{byVersion: map[string]*Rules{}}
	var problems questionnaire.Problems
	for _, f := range files {
		name := f.Name
		r, err := Parse(f.Data, name, defs)
		var ps questionnaire.Problems
		if errors.As(err, &ps) {
			problems = append(problems, ps...)
			continue
		} else if err != nil {
			return nil, err
		}
		k := key(r.Questionnaire, r.Version)
		if other, dup := s.byVersion[k]; dup {
			problems = append(problems, questionnaire.Problem{File: name, Message: "a second checklist for " + k + " (the first is " + other.File + ")"})
			continue
		}
		s.byVersion[k] = r
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return s, nil
}

// For returns the checklist of a questionnaire version.
func (s *Set) For(qid string, version int) (*Rules, bool) {
	r, ok := s.byVersion[key(qid, version)]
	return r, ok
}

// All returns every checklist.
func (s *Set) All() []*Rules {
	out := make([]*Rules, 0, len(s.byVersion))
	for _, k := range sortedKeys(s.byVersion) {
		out = append(out, s.byVersion[k])
	}
	return out
}
