package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/campaign"
)

type sendRequest struct {
	// Reminders writes to every invited firm that has not submitted, instead of to the firms
	// not e-mailed yet.
	Reminders bool   `json:"reminders"`
	Lang      string `json:"lang"`
}

type failureResponse struct {
	Firm   string `json:"firm"`
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

type mailingResponse struct {
	Total    int               `json:"total"`
	Done     int               `json:"done"`
	Sent     int               `json:"sent"`
	Failed   []failureResponse `json:"failed"`
	Running  bool              `json:"running"`
	Started  time.Time         `json:"started"`
	Finished *time.Time        `json:"finished,omitempty"`
	Error    string            `json:"error,omitempty"`
}

func toMailing(m campaign.Mailing) *mailingResponse {
	r := &mailingResponse{Total: m.Total, Done: m.Done, Sent: m.Sent, Failed: []failureResponse{}, Running: m.Running,
		Started: m.Started, Error: m.Error}
	if !m.Finished.IsZero() {
		r.Finished = &m.Finished
	}
	for _, f := range m.Failed {
		r.Failed = append(r.Failed, failureResponse(f))
	}
	return r
}

// send starts e-mailing the invitations; the mailing runs on, and its progress shows in
// GET .../progress.
func (h campaigns) send(c *gin.Context) {
	var req sendRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.Lang == "" {
		req.Lang = language(c)
	}
	if req.Lang != "ja" && req.Lang != "en" {
		writeError(c, invalidBody([]FieldError{{Path: "lang", Message: msgLang.In(language(c))}}))
		return
	}
	m, err := h.svc.SendInvitations(c.Request.Context(), principal(c), c.Param("id"), h.public(c), req.Lang, req.Reminders)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toMailing(m))
}
