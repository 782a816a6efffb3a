package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// BackupInfo describes a snapshot just written.
type BackupInfo struct {
	File          string
	Bytes         int64
	SchemaVersion int
	Assessments   int64
	Submissions   int64
}

// Backup writes a consistent snapshot of the database in dir to dest, which must not exist. It
// runs beside a serving process: VACUUM INTO reads one WAL snapshot, so the copy holds every
// write committed before it started and none after, and writers are never blocked. The copy is
// fsynced and checked with PRAGMA integrity_check before Backup returns.
func Backup(ctx context.Context, dir, dest string) (BackupInfo, error) {
	src := filepath.Join(dir, FileName)
	if _, err := os.Stat(src); err != nil {
		return BackupInfo{}, fmt.Errorf("no embedded database at %s (setting data_dir): %w", src, err)
	}
	if _, err := os.Stat(dest); err == nil {
		return BackupInfo{}, fmt.Errorf("%s already exists; choose a new file name", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return BackupInfo{}, err
	}
	db, err := openDB(src, false)
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return BackupInfo{}, fmt.Errorf("snapshot %s into %s: %w", src, dest, err)
	}
	if err := syncFile(dest); err != nil {
		return BackupInfo{}, err
	}
	return Inspect(ctx, dest)
}

// Inspect checks a database file (a snapshot, say) and counts what it holds.
func Inspect(ctx context.Context, file string) (BackupInfo, error) {
	info := BackupInfo{File: file}
	st, err := os.Stat(file)
	if err != nil {
		return info, err
	}
	info.Bytes = st.Size()
	db, err := openDB(file, true)
	if err != nil {
		return info, err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		return info, fmt.Errorf("%s fails the integrity check: %v %s", file, err, check)
	}
	if info.SchemaVersion, err = schemaVersion(ctx, db); err != nil {
		return info, err
	}
	for q, n := range map[string]*int64{sqlCountAssessments: &info.Assessments, sqlCountSubmissions: &info.Submissions} {
		if err := db.QueryRowContext(ctx, q).Scan(n); err != nil {
			return info, fmt.Errorf("%s: %w", file, err)
		}
	}
	return info, nil
}

// Counting reads a table, once per backup; no request path runs these. Submitted assessments
// are counted in assessments, where a deleted one leaves nothing, rather than in submissions,
// where it leaves a tombstone.
const (
	sqlCountAssessments = `SELECT COUNT(*) FROM assessments`
	sqlCountSubmissions = `SELECT COUNT(*) FROM assessments WHERE status = 'submitted'`
)

// syncFile flushes a file and its directory entry to disk.
func syncFile(name string) error {
	for _, n := range []string{name, filepath.Dir(name)} {
		f, err := os.Open(n)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", n, err)
		}
	}
	return nil
}
