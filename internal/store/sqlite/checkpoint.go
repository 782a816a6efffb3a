package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often WAL frames are copied back into the database file.
const checkpointEvery = time.Second

// checkpointer copies the WAL into the database file from a connection of its own. SQLite would
// otherwise do it inside the commit that crosses its threshold, stalling that commit and every
// write queued behind it for the length of a copy and an fsync of the database file; a passive
// checkpoint runs beside the writer and the readers instead, and never blocks them.
type checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	writes *atomic.Int64 // commits so far, counted by the writer
	stop   chan struct{}
	done   chan struct{}
}

func startCheckpointer(db *sql.DB, writes *atomic.Int64, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, writes: writes, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var seen int64
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		if n := c.writes.Load(); n != seen {
			seen = n
			c.checkpoint()
		}
	}
}

func (c *checkpointer) checkpoint() {
	var busy, frames, copied int
	err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	if err != nil {
		c.log.Warn("WAL checkpoint failed; the next one retries", "err", err)
	}
}

// close stops the checkpoints; closing the last connection checkpoints the rest.
func (c *checkpointer) close() {
	close(c.stop)
	<-c.done
}
