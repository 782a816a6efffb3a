package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type health struct{ db Pinger }

// live answers while the process runs; it touches nothing else, so a slow database never makes
// an orchestrator restart a healthy process.
func (health) live(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// ready answers 200 only while the database answers a ping.
func (h health) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.db.Ping(ctx); err != nil {
		logger(c).Warn("readiness: database ping failed", "request_id", requestID(c), "err", err)
		writeError(c, errNotReady)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
