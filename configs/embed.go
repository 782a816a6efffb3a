// Package configs holds the default configuration files of the survey server (application
// settings, questionnaires, checklist rules, reference benchmarks), embedded in the binary so it
// runs from any working directory. A directory named by SURVEY_CONFIG_DIR overrides them file by
// file.
package configs

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
)

//go:embed *.yaml questionnaires benchmarks checklist
var embedded embed.FS

// Embedded returns the defaults compiled into the binary.
func Embedded() fs.FS { return embedded }

// Overlay returns a file system in which each file of dir, when present, replaces the embedded
// file of the same path. An empty dir gives the embedded defaults alone.
func Overlay(dir string) fs.FS {
	if dir == "" {
		return embedded
	}
	return overlay{top: os.DirFS(dir), base: embedded}
}

type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.base.Open(name)
}

// ReadDir lists a directory of both layers, the overriding file winning on a shared name.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, errTop := fs.ReadDir(o.top, name)
	base, errBase := fs.ReadDir(o.base, name)
	if errTop != nil && errBase != nil {
		return nil, errBase
	}
	seen := make(map[string]bool, len(top))
	out := append([]fs.DirEntry(nil), top...)
	for _, e := range top {
		seen[e.Name()] = true
	}
	for _, e := range base {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
