package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// AssessmentService is the lifecycle the handlers drive.
type AssessmentService interface {
	Create(ctx context.Context, questionnaireID string, version int, lang string, prev *assessment.Previous) (assessment.Assessment, string, error)
	Open(ctx context.Context, id, token string) (assessment.Assessment, *questionnaire.Definition, error)
	SaveDraft(ctx context.Context, id, token string, revision int, answers questionnaire.Answers, lang string) (int, error)
	// Submit is given the client's address (gin's ClientIP: forwarding headers count only from
	// trusted proxies), which the submission records only as a keyed hash.
	Submit(ctx context.Context, id, token, lang, client string) (assessment.Outcome, error)
	Result(ctx context.Context, id, token string) (assessment.Outcome, error)
	Delete(ctx context.Context, id, token string) error
	// Join starts a draft inside a chamber campaign; SetConsent records whether the firm lets
	// the chamber see its answers.
	Join(ctx context.Context, e assessment.Entry, lang string) (assessment.Assessment, string, error)
	SetConsent(ctx context.Context, id, token string, consent bool) error
	BlankChecklist(questionnaireID string) (*questionnaire.Definition, checklist.Result, error)
}

type assessments struct {
	svc       AssessmentService
	render    *renderer
	campaigns CampaignService // nil when the server runs no campaigns
}

type createAssessmentRequest struct {
	QuestionnaireID string `json:"questionnaire_id"`
	Version         int    `json:"version"`
	Lang            string `json:"lang"`
	// Previous makes the draft a re-assessment of an earlier, submitted assessment.
	Previous *struct {
		ID              string `json:"id"`
		RespondentToken string `json:"respondent_token"`
	} `json:"previous"`
	// Invitation (a firm's invitation token) or CampaignCode (a campaign's open link) start the
	// draft inside a chamber campaign, of the campaign's questionnaire version.
	Invitation   string `json:"invitation"`
	CampaignCode string `json:"campaign_code"`
}

type questionnaireRef struct {
	ID      string              `json:"id"`
	Version int                 `json:"version"`
	Hash    string              `json:"hash"`
	Title   *questionnaire.Text `json:"title,omitempty"`
}

type createAssessmentResponse struct {
	ID              string           `json:"id"`
	PreviousID      string           `json:"previous_id,omitempty"`
	RespondentToken string           `json:"respondent_token"`
	Revision        int              `json:"revision"`
	Status          string           `json:"status"`
	Lang            string           `json:"lang"`
	Questionnaire   questionnaireRef `json:"questionnaire"`
	CampaignID      string           `json:"campaign_id,omitempty"`
}

// assessmentResponse is an assessment as its respondent sees it.
type assessmentResponse struct {
	ID            string                `json:"id"`
	Status        string                `json:"status"`
	Revision      int                   `json:"revision"`
	Lang          string                `json:"lang"`
	Questionnaire questionnaireRef      `json:"questionnaire"`
	Answers       questionnaire.Answers `json:"answers"`
	CreatedAt     time.Time             `json:"created_at"`
	UpdatedAt     time.Time             `json:"updated_at"`
	SubmittedAt   *time.Time            `json:"submitted_at,omitempty"`
	PreviousID    string                `json:"previous_id,omitempty"`
	// CampaignID is the chamber campaign answered; Consent, whether the firm lets the chamber
	// see its answers (only inside a campaign).
	CampaignID string `json:"campaign_id,omitempty"`
	Consent    *bool  `json:"consent,omitempty"`
}

type saveAnswersRequest struct {
	Answers  questionnaire.Answers `json:"answers"`
	Revision *int                  `json:"revision"`
}

func (h assessments) create(c *gin.Context) {
	var req createAssessmentRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.Invitation != "" || req.CampaignCode != "" {
		h.join(c, req)
		return
	}
	var bad []FieldError
	if req.QuestionnaireID == "" {
		bad = append(bad, FieldError{Path: "questionnaire_id", Message: msgFieldRequired.In(language(c))})
	}
	if req.Lang != "" && req.Lang != "ja" && req.Lang != "en" {
		bad = append(bad, FieldError{Path: "lang", Message: msgLang.In(language(c))})
	}
	if len(bad) > 0 {
		writeError(c, invalidBody(bad))
		return
	}
	if req.Lang == "" {
		req.Lang = language(c)
	}
	var prev *assessment.Previous
	if req.Previous != nil {
		prev = &assessment.Previous{ID: req.Previous.ID, Token: req.Previous.RespondentToken}
	}
	a, token, err := h.svc.Create(c.Request.Context(), req.QuestionnaireID, req.Version, req.Lang, prev)
	switch {
	case errors.Is(err, assessment.ErrPreviousNotFound):
		writeError(c, invalidBody([]FieldError{{Path: "previous", Message: tr("field.previous_not_found").In(language(c))}}))
		return
	case errors.Is(err, assessment.ErrPreviousDraft):
		writeError(c, invalidBody([]FieldError{{Path: "previous", Message: tr("field.previous_draft").In(language(c))}}))
		return
	}
	if errors.Is(err, assessment.ErrNoQuestionnaire) {
		writeError(c, invalidBody([]FieldError{{Path: "questionnaire_id", Message: tr("field.no_questionnaire").In(language(c))}}))
		return
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/assessments/"+a.ID)
	c.JSON(http.StatusCreated, createAssessmentResponse{
		ID: a.ID, RespondentToken: token, Revision: a.Revision, Status: string(a.Status), Lang: a.Lang, PreviousID: a.PreviousID,
		Questionnaire: questionnaireRef{ID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash},
	})
}

// join starts a draft inside the campaign of an invitation or open link.
func (h assessments) join(c *gin.Context, req createAssessmentRequest) {
	if h.campaigns == nil || (req.Invitation != "" && req.CampaignCode != "") {
		writeError(c, errInvalidLink)
		return
	}
	if req.Lang != "" && req.Lang != "ja" && req.Lang != "en" {
		writeError(c, invalidBody([]FieldError{{Path: "lang", Message: msgLang.In(language(c))}}))
		return
	}
	if req.Lang == "" {
		req.Lang = language(c)
	}
	e, err := h.campaigns.Entry(c.Request.Context(), req.Invitation, req.CampaignCode)
	if err != nil {
		writeError(c, err)
		return
	}
	a, token, err := h.svc.Join(c.Request.Context(), e, req.Lang)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/assessments/"+a.ID)
	c.JSON(http.StatusCreated, createAssessmentResponse{
		ID: a.ID, RespondentToken: token, Revision: a.Revision, Status: string(a.Status), Lang: a.Lang,
		Questionnaire: questionnaireRef{ID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash}, CampaignID: a.Campaign,
	})
}

type consentRequest struct {
	Consent *bool `json:"consent"`
}

// consent records whether the firm lets its campaign's chamber see its individual answers.
func (h assessments) consent(c *gin.Context) {
	var req consentRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.Consent == nil {
		writeError(c, invalidBody([]FieldError{{Path: "consent", Message: msgFieldRequired.In(language(c))}}))
		return
	}
	if err := h.svc.SetConsent(c.Request.Context(), c.Param("id"), bearer(c), *req.Consent); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"consent": *req.Consent})
}

func (h assessments) get(c *gin.Context) {
	a, def, err := h.svc.Open(c.Request.Context(), c.Param("id"), bearer(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAssessmentResponse(a, def))
}

// delete removes the assessment for good: its answers and result, and the firm from the peer
// benchmark. The respondent's right to have its data erased needs no account, only the credential.
func (h assessments) delete(c *gin.Context) {
	if err := h.svc.Delete(c.Request.Context(), c.Param("id"), bearer(c)); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h assessments) saveAnswers(c *gin.Context) {
	var req saveAnswersRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	var bad []FieldError
	if req.Revision == nil {
		bad = append(bad, FieldError{Path: "revision", Message: msgFieldRequired.In(language(c))})
	}
	if req.Answers == nil {
		bad = append(bad, FieldError{Path: "answers", Message: msgFieldRequired.In(language(c))})
	}
	if len(bad) > 0 {
		writeError(c, invalidBody(bad))
		return
	}
	rev, err := h.svc.SaveDraft(c.Request.Context(), c.Param("id"), bearer(c), *req.Revision, req.Answers, language(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"revision": rev})
}

// resultResponse is a submitted assessment's result: the scores stored at submission (with
// their scoring version) and the benchmark as of now.
type resultResponse struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	SubmittedAt time.Time `json:"submitted_at"`
	scoring.Result
	Checklist *checklist.Result `json:"checklist,omitempty"`
	Progress  *scoring.Progress `json:"progress,omitempty"`
}

func (h assessments) submit(c *gin.Context) {
	o, err := h.svc.Submit(c.Request.Context(), c.Param("id"), bearer(c), language(c), c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	writeResult(c, o)
}

func (h assessments) result(c *gin.Context) {
	o, err := h.svc.Result(c.Request.Context(), c.Param("id"), bearer(c))
	if err != nil {
		writeError(c, err)
		return
	}
	writeResult(c, o)
}

func writeResult(c *gin.Context, o assessment.Outcome) {
	a := o.Assessment
	c.PureJSON(http.StatusOK, resultResponse{ID: a.ID, Status: string(a.Status), SubmittedAt: a.SubmittedAt, Result: o.Score, Checklist: o.Checklist, Progress: o.Progress})
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// checklistXLSX is the firm's action plan as a workbook.
func (h assessments) checklistXLSX(c *gin.Context) {
	lang, ok := langParam(c)
	if !ok {
		return
	}
	o, err := h.svc.Result(c.Request.Context(), c.Param("id"), bearer(c))
	if err != nil {
		writeError(c, err)
		return
	}
	if o.Checklist == nil {
		writeError(c, errNotFound)
		return
	}
	body, err := h.render.workbook(c.Request.Context(), report.WorkbookInput{Lang: lang, Questionnaire: o.Definition, Checklist: *o.Checklist,
		Score: &o.Score, Date: o.Assessment.SubmittedAt})
	if err != nil {
		writeError(c, err)
		return
	}
	name := fmt.Sprintf("esready-checklist-%s-%s.xlsx", o.Assessment.SubmittedAt.In(report.Japan).Format("20060102"), lang)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, xlsxType, body)
}

// reportPDF is the firm's action report. The company name for the cover may be given in the
// X-Report-Firm header (firm.go); it is printed and not stored.
func (h assessments) reportPDF(c *gin.Context) {
	lang, ok := langParam(c)
	if !ok {
		return
	}
	firm, ok := reportFirm(c)
	if !ok {
		return
	}
	o, err := h.svc.Result(c.Request.Context(), c.Param("id"), bearer(c))
	if err != nil {
		writeError(c, err)
		return
	}
	in := report.Input{Lang: lang, FirmName: firm, Date: o.Assessment.SubmittedAt, Questionnaire: o.Definition, Score: o.Score, Progress: o.Progress}
	if o.Checklist != nil {
		in.Checklist = *o.Checklist
	}
	body, err := h.render.pdf(c.Request.Context(), in)
	if err != nil {
		writeError(c, err)
		return
	}
	name := fmt.Sprintf("esready-report-%s-%s.pdf", o.Assessment.SubmittedAt.In(report.Japan).Format("20060102"), lang)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", body)
}

// blankChecklistXLSX is the checklist with no answers, for firms that prefer paper.
func (h assessments) blankChecklistXLSX(c *gin.Context) {
	lang, ok := langParam(c)
	if !ok {
		return
	}
	body, ok := h.render.blankWorkbook(c.DefaultQuery("questionnaire", "esr"), lang)
	if !ok {
		writeError(c, errNotFound)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="esready-checklist-blank-`+lang+`.xlsx"`)
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, xlsxType, body)
}

// langParam reads ?lang=ja|en (default ja), answering 400 for anything else.
func langParam(c *gin.Context) (string, bool) {
	lang := c.DefaultQuery("lang", "ja")
	if lang != "ja" && lang != "en" {
		writeError(c, invalidQuery([]FieldError{{Path: "lang", Message: msgLang.In(language(c))}}))
		return "", false
	}
	return lang, true
}

func toAssessmentResponse(a assessment.Assessment, def *questionnaire.Definition) assessmentResponse {
	r := assessmentResponse{
		ID: a.ID, Status: string(a.Status), Revision: a.Revision, Lang: a.Lang,
		Questionnaire: questionnaireRef{ID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash, Title: &def.Title},
		Answers:       a.Answers, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, PreviousID: a.PreviousID,
	}
	if !a.SubmittedAt.IsZero() {
		t := a.SubmittedAt
		r.SubmittedAt = &t
	}
	if a.Campaign != "" {
		consent := a.Consent
		r.CampaignID, r.Consent = a.Campaign, &consent
	}
	return r
}

// bearer returns the credential of "Authorization: Bearer <token>", or "".
func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// noStore keeps confidential responses out of browser and proxy caches.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// bindJSON decodes the body into v, mapping every failure to a client error.
func bindJSON(c *gin.Context, v any) error {
	var tooLarge *http.MaxBytesError
	raw, err := io.ReadAll(c.Request.Body)
	if errors.As(err, &tooLarge) {
		return err
	}
	// JSON is UTF-8 (RFC 8259); encoding/json would turn invalid bytes into U+FFFD silently.
	if err != nil || !utf8.Valid(raw) {
		return invalidBody([]FieldError{{Path: "", Message: tr("field.body_not_utf8").In(language(c))}})
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(raw))
	err = c.ShouldBindJSON(v)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		return invalidBody([]FieldError{{Path: "", Message: tr("field.body_empty").In(language(c))}})
	default:
		return invalidBody([]FieldError{{Path: jsonErrorPath(err), Message: tr("field.body_not_json", "detail", err.Error()).In(language(c))}})
	}
}
