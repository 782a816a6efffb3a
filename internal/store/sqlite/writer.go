package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// errClosed is a write attempted after Close.
var errClosed = errors.New("store: the database is closed")

// maxBatch bounds a group commit, so one transaction stays short.
const maxBatch = 256

// writer owns the one write connection. Callers queue operations; the writer takes every
// operation waiting, runs them in one transaction (a failing operation is rolled back alone),
// commits once and then answers every caller. One fsync thus serves a whole
// group, and nothing is acknowledged before it is on disk.
type writer struct {
	db      *sql.DB
	stmts   *stmts
	commits atomic.Int64
	ops     chan *op
	mu      sync.RWMutex // guards closed against sends on a closed channel
	shut    bool
	done    chan struct{}
}

type op struct {
	ctx  context.Context
	fn   func(tx wtx) error
	done chan error
}

func startWriter(db *sql.DB, st *stmts) *writer {
	w := &writer{db: db, stmts: st, ops: make(chan *op, maxBatch), done: make(chan struct{})}
	go w.loop()
	return w
}

// exec runs fn in the next group commit and returns when that commit is durable. A context
// that ends while the operation waits in the queue cancels it; once running it completes, so
// an answer never lies about what was stored.
func (w *writer) exec(ctx context.Context, fn func(tx wtx) error) error {
	o := &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	w.mu.RLock()
	if w.shut {
		w.mu.RUnlock()
		return errClosed
	}
	select {
	case w.ops <- o:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	return <-o.done
}

func (w *writer) loop() {
	defer close(w.done)
	for o := range w.ops {
		batch := []*op{o}
	fill:
		for len(batch) < maxBatch {
			select {
			case next, ok := <-w.ops:
				if !ok {
					break fill
				}
				batch = append(batch, next)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

func (w *writer) commit(batch []*op) {
	errs := make([]error, len(batch))
	err := w.run(batch, errs, false)
	if errors.Is(err, errDirty) {
		clear(errs)
		err = w.run(batch, errs, true)
	}
	for i, o := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		o.done <- errs[i]
	}
}

// errDirty says an operation failed after it may have written: the group is run again with a
// savepoint around each operation.
var errDirty = errors.New("an operation failed after writing")

// run executes the group in one transaction; errs receives each operation's own failure, the
// return value a failure of the transaction itself, which fails every operation. Without
// savepoints (the fast path: a savepoint's sub-journal costs more than a small write), only a
// clean failure is tolerated, a conditional write that matched nothing (errNoRow) and so wrote
// nothing; any other failure rolls the group back and returns errDirty.
func (w *writer) run(batch []*op, errs []error, savepoints bool) error {
	ctx := context.Background() // the group outlives any one caller's request
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if !savepoints {
			if errs[i] = o.fn(wtx{tx, w.stmts}); errs[i] != nil && !errors.Is(errs[i], errNoRow) {
				_ = tx.Rollback()
				return errDirty
			}
			continue
		}
		if err := w.isolated(ctx, tx, o, &errs[i]); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	w.commits.Add(1)
	return nil
}

// isolated runs one operation inside a savepoint, rolling back what it wrote if it fails.
func (w *writer) isolated(ctx context.Context, tx *sql.Tx, o *op, opErr *error) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	if *opErr = o.fn(wtx{tx, w.stmts}); *opErr != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO op"); err != nil {
			return fmt.Errorf("store: rollback to savepoint: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}

// close stops taking operations, lets the queued ones commit and waits for the writer to end.
func (w *writer) close() {
	w.mu.Lock()
	if !w.shut {
		w.shut = true
		close(w.ops)
	}
	w.mu.Unlock()
	<-w.done
	w.stmts.close()
}
