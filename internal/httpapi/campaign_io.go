package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

type uploadResponse struct {
	Added          int         `json:"added"`
	AlreadyInvited int         `json:"already_invited"`
	Errors         []lineError `json:"errors"`
}

type lineError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Warning bool   `json:"warning"` // the row was still imported (or was a repeat)
	Message string `json:"message"`
}

// invite takes an invitations file as the body (text/csv, UTF-8 or Shift_JIS).
func (h campaigns) invite(c *gin.Context) {
	rep, err := h.svc.Invite(c.Request.Context(), principal(c), c.Param("id"), c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	lang := language(c)
	out := uploadResponse{Added: rep.Added, AlreadyInvited: rep.AlreadyInvited, Errors: []lineError{}}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, lineError{Line: e.Line, Column: e.Column, Field: e.Field, Code: e.Code, Warning: e.Warning, Message: e.Message.In(lang)})
	}
	c.JSON(http.StatusOK, out)
}

// links is the mail-merge file: every invited firm with its link, as CSV for Excel.
func (h campaigns) links(c *gin.Context) {
	links, err := h.svc.Links(c.Request.Context(), principal(c), c.Param("id"), h.public(c), language(c))
	if err != nil {
		writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := campaign.WriteLinks(&buf, language(c), links); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="invitations-%s.csv"`, c.Param("id")))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

type countResponse struct {
	Group     string   `json:"group,omitempty"`
	Invited   int      `json:"invited"`
	Started   int      `json:"started"`
	Submitted int      `json:"submitted"`
	Rate      *float64 `json:"rate"`
}

type pendingResponse struct {
	Firm       string     `json:"firm"`
	Email      string     `json:"email"`
	SizeBand   string     `json:"size_band,omitempty"`
	Sector     string     `json:"sector,omitempty"`
	Prefecture string     `json:"prefecture,omitempty"`
	Started    bool       `json:"started"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
}

type progressResponse struct {
	Total         countResponse     `json:"total"`
	BySize        []countResponse   `json:"by_size"`
	BySector      []countResponse   `json:"by_sector"`
	OpenStarted   int               `json:"open_link_started"`
	OpenSubmitted int               `json:"open_link_submitted"`
	Consenting    int               `json:"consenting"`
	Pending       []pendingResponse `json:"pending"`
	// Mailing is the latest e-mailing of invitations on this server, if any.
	Mailing *mailingResponse `json:"mailing"`
}

func toCounts(cs []campaign.Count) []countResponse {
	out := make([]countResponse, len(cs))
	for i, x := range cs {
		out[i] = countResponse(x)
	}
	return out
}

// progress is the response tracking: counts, and the firms not yet responded, never answers.
func (h campaigns) progress(c *gin.Context) {
	pr, pending, err := h.svc.Track(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	out := progressResponse{Total: countResponse(pr.Total), BySize: toCounts(pr.BySize), BySector: toCounts(pr.BySector),
		OpenStarted: pr.OpenStarted, OpenSubmitted: pr.OpenSubmitted, Consenting: pr.Consenting, Pending: []pendingResponse{}}
	if pr.Mailing != nil {
		out.Mailing = toMailing(*pr.Mailing)
	}
	for _, p := range pending {
		r := pendingResponse{Firm: p.Firm, Email: p.Email, SizeBand: p.SizeBand, Sector: p.Sector, Prefecture: p.Prefecture, Started: p.Started}
		if !p.SentAt.IsZero() {
			r.SentAt = &p.SentAt
		}
		out.Pending = append(out.Pending, r)
	}
	c.JSON(http.StatusOK, out)
}

type filterJSON struct {
	Dimension string `json:"dimension"`
	Group     string `json:"group"`
}

type resultsResponse struct {
	Campaign  campaignResponse  `json:"campaign"`
	Filter    *filterJSON       `json:"filter"`
	Filters   []filterJSON      `json:"filters"`
	Aggregate scoring.Aggregate `json:"aggregate"`
}

// filterOf reads ?sector= or ?prefecture= (at most one).
func filterOf(c *gin.Context) (scoring.Filter, error) {
	sector, pref := c.Query("sector"), c.Query("prefecture")
	switch {
	case sector != "" && pref != "":
		return scoring.Filter{}, invalidQuery([]FieldError{{Path: "prefecture", Message: tr("field.one_filter").In(language(c))}})
	case sector != "":
		return scoring.Filter{Dimension: scoring.DimSector, Group: sector}, nil
	case pref != "":
		return scoring.Filter{Dimension: scoring.DimPrefecture, Group: pref}, nil
	}
	return scoring.Filter{}, nil
}

// results are the campaign's aggregate tables, with every small cell suppressed here, in the
// API, not only on the page.
func (h campaigns) results(c *gin.Context) {
	f, err := filterOf(c)
	if err != nil {
		writeError(c, err)
		return
	}
	res, err := h.svc.Results(c.Request.Context(), principal(c), c.Param("id"), f)
	if err != nil {
		writeError(c, err)
		return
	}
	out := resultsResponse{Campaign: h.toCampaign(c, res.Campaign), Filters: []filterJSON{}, Aggregate: res.Aggregate}
	if f != (scoring.Filter{}) {
		out.Filter = &filterJSON{f.Dimension, f.Group}
	}
	for _, x := range res.Filters {
		out.Filters = append(out.Filters, filterJSON{x.Dimension, x.Group})
	}
	c.JSON(http.StatusOK, out)
}

type linkRequest struct {
	Invitation string `json:"invitation"`
	Code       string `json:"code"`
}

type landingResponse struct {
	CampaignID    string             `json:"campaign_id"`
	Title         questionnaire.Text `json:"title"`
	Chamber       questionnaire.Text `json:"chamber"`
	Opens         time.Time          `json:"opens"`
	Closes        time.Time          `json:"closes"`
	Open          bool               `json:"open"`
	InvitedFirm   string             `json:"invited_firm,omitempty"`
	Questionnaire questionnaireRef   `json:"questionnaire"`
	K             int                `json:"k"` // the fewest firms a published figure counts
}

// landing tells the holder of an invitation link or campaign code who asks, what and until
// when. The token travels in the body, never in a URL a log could keep.
func (h campaigns) landing(c *gin.Context) {
	var req linkRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	l, err := h.svc.Lookup(c.Request.Context(), req.Invitation, req.Code)
	if err != nil {
		writeError(c, err)
		return
	}
	x := l.Campaign
	c.JSON(http.StatusOK, landingResponse{CampaignID: x.ID, Title: questionnaire.Text{JA: x.TitleJA, EN: x.TitleEN},
		Chamber: questionnaire.Text{JA: l.Chamber.Name, EN: l.Chamber.NameEN}, Opens: x.Opens, Closes: x.Closes, Open: l.Open,
		InvitedFirm: l.InvitedFirm, Questionnaire: questionnaireRef{ID: x.QuestionnaireID, Version: x.Version}, K: x.K})
}
