package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
)

// TestDomainErrorsMapToStatus: the domain's storage errors, wrapped as the stores and the
// service wrap them, reach the client with their status and code, never as a 500.
func TestDomainErrorsMapToStatus(t *testing.T) {
	tests := []struct {
		err        error
		wantStatus int
		wantCode   string
	}{
		{fmt.Errorf("submit x: 3 attempts lost to concurrent saves: %w", assessment.ErrConflict), 409, "conflict"},
		{fmt.Errorf("store: assessment x: %w", assessment.ErrNotFound), 404, "not_found"},
		{fmt.Errorf("store: user x: %w", auth.ErrNotFound), 404, "not_found"},
		{&assessment.StaleError{Current: 4}, 409, "stale_revision"},
		{errors.New("disk on fire"), 500, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest("POST", "/api/v1/assessments/x/submit", nil)
			c.Set(ctxLogger, slog.New(slog.DiscardHandler))
			writeError(c, tt.err)
			var body ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.wantStatus || body.Error.Code != tt.wantCode {
				t.Errorf("status %d code %q, want %d %q", rec.Code, body.Error.Code, tt.wantStatus, tt.wantCode)
			}
		})
	}
}
