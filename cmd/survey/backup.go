package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/store/sqlite"
)

// backup is `survey backup FILE`: a consistent snapshot of the embedded database, taken while
// the server runs. Restoring is copying the file back while the server is stopped (README).
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey backup", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dataDir := fset.String("data-dir", "", "data directory of the embedded database (default: setting data_dir)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: survey backup FILE [--data-dir DIR]")
		fset.PrintDefaults()
	}
	files, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fset.Usage()
		return errors.New("give the file to write the snapshot to")
	}
	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.MongoURI != "" && *dataDir == "" {
		return errors.New("the server uses MongoDB (setting mongodb_uri): back it up with mongodump or your provider's snapshots")
	}
	dir := cfg.DataDir
	if *dataDir != "" {
		dir = *dataDir
	}
	info, err := sqlite.Backup(ctx, dir, files[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d bytes, schema version %d, %d assessments (%d submitted), integrity ok\n",
		info.File, info.Bytes, info.SchemaVersion, info.Assessments, info.Submissions)
	return nil
}
