package httpapi

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// CampaignService is the campaign service the handlers drive.
type CampaignService interface {
	List(ctx context.Context, p auth.Principal) ([]campaign.Campaign, error)
	Get(ctx context.Context, p auth.Principal, id string) (campaign.Campaign, error)
	Create(ctx context.Context, p auth.Principal, d campaign.Draft) (campaign.Campaign, error)
	Update(ctx context.Context, p auth.Principal, id string, ch campaign.Change) (campaign.Campaign, error)
	Invite(ctx context.Context, p auth.Principal, id string, file io.Reader) (campaign.UploadReport, error)
	Links(ctx context.Context, p auth.Principal, id, base, lang string) ([]campaign.Link, error)
	Track(ctx context.Context, p auth.Principal, id string) (campaign.Progress, []campaign.Pending, error)
	Results(ctx context.Context, p auth.Principal, id string, f scoring.Filter) (campaign.Results, error)
	Export(ctx context.Context, p auth.Principal, id string, f scoring.Filter, lang string) ([]campaign.Sheet, error)
	ReportInput(ctx context.Context, p auth.Principal, id string, f scoring.Filter, lang string) (report.CampaignInput, error)
	ConsentedAnswers(ctx context.Context, p auth.Principal, id, lang string) (campaign.Sheet, error)
	SendInvitations(ctx context.Context, p auth.Principal, id, base, lang string, reminders bool) (campaign.Mailing, error)
	Lookup(ctx context.Context, token, code string) (campaign.Landing, error)
	Entry(ctx context.Context, token, code string) (assessment.Entry, error)
}

type campaigns struct {
	svc    CampaignService
	public func(c *gin.Context) string
	now    func() time.Time
	render *renderer
}

type campaignRequest struct {
	QuestionnaireID string     `json:"questionnaire_id"`
	Version         int        `json:"version"`
	Title           *textField `json:"title"`
	Opens           *time.Time `json:"opens"`
	Closes          *time.Time `json:"closes"`
	K               int        `json:"k"`
	OpenLink        *bool      `json:"open_link"`
}

type textField struct {
	JA *string `json:"ja"`
	EN *string `json:"en"`
}

type campaignResponse struct {
	ID            string             `json:"id"`
	Questionnaire questionnaireRef   `json:"questionnaire"`
	Title         questionnaire.Text `json:"title"`
	Opens         time.Time          `json:"opens"`
	Closes        time.Time          `json:"closes"`
	K             int                `json:"k"`
	Status        string             `json:"status"` // scheduled, open or closed
	OpenURL       string             `json:"open_url,omitempty"`
	CreatedAt     time.Time          `json:"created_at"`
}

func (h campaigns) toCampaign(c *gin.Context, x campaign.Campaign) campaignResponse {
	now := h.now()
	status := "open"
	switch {
	case now.Before(x.Opens):
		status = "scheduled"
	case !now.Before(x.Closes):
		status = "closed"
	}
	r := campaignResponse{ID: x.ID, Questionnaire: questionnaireRef{ID: x.QuestionnaireID, Version: x.Version},
		Title: questionnaire.Text{JA: x.TitleJA, EN: x.TitleEN}, Opens: x.Opens, Closes: x.Closes, K: x.K,
		Status: status, CreatedAt: x.CreatedAt}
	if x.Code != "" {
		r.OpenURL = campaign.OpenURL(h.public(c), x.Code)
	}
	return r
}

func (h campaigns) list(c *gin.Context) {
	list, err := h.svc.List(c.Request.Context(), principal(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]campaignResponse, len(list))
	for i, x := range list {
		out[i] = h.toCampaign(c, x)
	}
	c.JSON(http.StatusOK, gin.H{"campaigns": out})
}

func (h campaigns) get(c *gin.Context) {
	x, err := h.svc.Get(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toCampaign(c, x))
}

func (h campaigns) create(c *gin.Context) {
	var req campaignRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	d := campaign.Draft{QuestionnaireID: req.QuestionnaireID, Version: req.Version, K: req.K, OpenLink: req.OpenLink != nil && *req.OpenLink}
	if req.Title != nil {
		d.TitleJA, d.TitleEN = deref(req.Title.JA), deref(req.Title.EN)
	}
	if req.Opens != nil {
		d.Opens = *req.Opens
	}
	if req.Closes != nil {
		d.Closes = *req.Closes
	}
	x, err := h.svc.Create(c.Request.Context(), principal(c), d)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/campaigns/"+x.ID)
	c.JSON(http.StatusCreated, h.toCampaign(c, x))
}

func (h campaigns) update(c *gin.Context) {
	var req campaignRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	ch := campaign.Change{Opens: req.Opens, Closes: req.Closes, OpenLink: req.OpenLink}
	if req.Title != nil {
		ch.TitleJA, ch.TitleEN = req.Title.JA, req.Title.EN
	}
	x, err := h.svc.Update(c.Request.Context(), principal(c), c.Param("id"), ch)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toCampaign(c, x))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
