package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
)

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a stable code the frontend switches on, a message in the caller's
// language and, for validation errors, one entry per offending field.
type ErrorDetail struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Fields    []FieldError `json:"fields,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	// Revision is the stored revision, on a stale_revision conflict.
	Revision *int `json:"revision,omitempty"`
}

// FieldError names one invalid input field.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// apiError is an error that already knows its HTTP status and code.
type apiError struct {
	status   int
	code     string
	msg      msg
	fields   []FieldError
	revision *int
}

func (e *apiError) Error() string { return e.code + ": " + e.msg.EN }

// msg is a text a person reads, in both languages: the questionnaire's Text.
type msg = questionnaire.Text

// tr is the catalogue's text of key in both languages, its {placeholders} filled from pairs.
func tr(key string, pairs ...any) msg { return questionnaire.Catalogued(key, pairs...) }

var (
	errNotFound         = &apiError{http.StatusNotFound, "not_found", tr("api.not_found"), nil, nil}
	errMethodNotAllowed = &apiError{http.StatusMethodNotAllowed, "method_not_allowed", tr("api.method_not_allowed"), nil, nil}
	errBodyTooLarge     = &apiError{http.StatusRequestEntityTooLarge, "body_too_large", tr("api.body_too_large"), nil, nil}
	errNotReady         = &apiError{http.StatusServiceUnavailable, "not_ready", tr("api.not_ready"), nil, nil}
	errShuttingDown     = &apiError{http.StatusServiceUnavailable, "shutting_down", tr("api.shutting_down"), nil, nil}
	errTimeout          = &apiError{http.StatusServiceUnavailable, "timeout", tr("api.timeout"), nil, nil}
	errConflict         = &apiError{http.StatusConflict, "conflict", tr("api.conflict"), nil, nil}
	errInternal         = &apiError{http.StatusInternalServerError, "internal", tr("api.internal"), nil, nil}
	errSubmitted        = &apiError{http.StatusConflict, "already_submitted", tr("api.already_submitted"), nil, nil}
	errNotSubmitted     = &apiError{http.StatusConflict, "not_submitted", tr("api.not_submitted"), nil, nil}
	errDefinitionGone   = &apiError{http.StatusGone, "questionnaire_version_unavailable", tr("api.questionnaire_version_unavailable"), nil, nil}
	// errNoAssessment is not_found for an assessment: one message for a wrong credential, an id
	// never issued, a deleted assessment and an expired draft, so it tells nobody which.
	errNoAssessment = &apiError{http.StatusNotFound, "not_found", tr("api.assessment_not_found"), nil, nil}

	msgFieldRequired = tr("field.required")
	msgLang          = tr("field.lang")
)

func invalidBody(fields []FieldError) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_body", tr("api.invalid_body"), fields, nil}
}

func invalidQuery(fields []FieldError) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_query", tr("api.invalid_query"), fields, nil}
}

func invalidHeader(fields []FieldError) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_header", tr("api.invalid_header"), fields, nil}
}

// jsonErrorPath names the JSON field a decoding error is about, when it says.
func jsonErrorPath(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// writeError maps err to a status and the JSON error shape. Errors the client cannot fix are
// logged with the request id, and the client is told only that id.
func writeError(c *gin.Context, err error) {
	var ae *apiError
	var tooLarge *http.MaxBytesError
	var stale *assessment.StaleError
	var invalid *assessment.ValidationError
	var later *retryLater
	if errors.As(err, &later) {
		c.Header("Retry-After", later.seconds())
	}
	lang := language(c)
	staff := staffErrorOf(err, lang)
	switch {
	case errors.As(err, &ae):
	case staff != nil:
		ae = staff
		if ae.status == http.StatusTooManyRequests {
			var th *auth.ThrottledError
			errors.As(err, &th)
			c.Header("Retry-After", strconv.Itoa(int(th.RetryAfter.Seconds())))
		}
	case errors.As(err, &tooLarge):
		ae = errBodyTooLarge
	case errors.As(err, &stale):
		ae = &apiError{http.StatusConflict, "stale_revision", tr("api.stale_revision", "revision", stale.Current), nil, &stale.Current}
	case errors.As(err, &invalid):
		fields := make([]FieldError, len(invalid.Fields))
		for i, f := range invalid.Fields {
			fields[i] = FieldError{Path: f.Question, Message: f.Message}
		}
		ae = &apiError{http.StatusUnprocessableEntity, "validation_failed", tr("api.validation_failed", "count", len(fields)), fields, nil}
	case errors.Is(err, assessment.ErrSubmitted):
		ae = errSubmitted
	case errors.Is(err, assessment.ErrNotSubmitted):
		ae = errNotSubmitted
	case errors.Is(err, assessment.ErrDefinitionAbsent):
		ae = errDefinitionGone
	case errors.Is(err, assessment.ErrNotFound):
		ae = errNoAssessment
	case errors.Is(err, assessment.ErrConflict):
		ae = errConflict
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(c.Request.Context().Err(), context.DeadlineExceeded):
		ae = errTimeout
		logger(c).Warn("request deadline passed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	default:
		ae = errInternal
		logger(c).Error("request failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	}
	c.AbortWithStatusJSON(ae.status, ErrorBody{Error: ErrorDetail{
		Code: ae.code, Message: ae.msg.In(lang), Fields: ae.fields, RequestID: requestID(c), Revision: ae.revision,
	}})
}

// language is the language a person reading the response prefers: ?lang=ja|en, else the first
// of ja or en in Accept-Language, else Japanese (the product's home market).
func language(c *gin.Context) string {
	switch c.Query("lang") {
	case "en":
		return "en"
	case "ja":
		return "ja"
	}
	for part := range strings.SplitSeq(c.GetHeader("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "ja"):
			return "ja"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "ja"
}

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}
