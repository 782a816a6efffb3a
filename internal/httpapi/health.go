package httpapi

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// Draining is set when the server begins to shut down. From then on /readyz answers 503, so a
// load balancer stops sending new requests while the in-flight ones finish; /healthz keeps
// answering 200, so an orchestrator does not kill the process before it is done.
type Draining struct{ atomic.Bool }

type health struct {
	db       Pinger
	draining *Draining // nil: never drains
}

// live answers while the process runs; it touches nothing else, so a slow database never makes
// an orchestrator restart a healthy process.
func (health) live(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// ready answers 200 only while the server is not shutting down and the database answers a ping.
func (h health) ready(c *gin.Context) {
	if h.draining != nil && h.draining.Load() {
		writeError(c, errShuttingDown)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.db.Ping(ctx); err != nil {
		logger(c).Warn("readiness: database ping failed", "request_id", requestID(c), "err", err)
		writeError(c, errNotReady)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
