package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
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

// tr makes a msg from its Japanese and English.
func tr(ja, en string) msg { return msg{JA: ja, EN: en} }

var (
	errNotFound         = &apiError{http.StatusNotFound, "not_found", tr("指定されたリソースは見つかりません。", "The requested resource was not found."), nil, nil}
	errMethodNotAllowed = &apiError{http.StatusMethodNotAllowed, "method_not_allowed", tr("このリソースではそのメソッドは使えません。", "This method is not allowed on this resource."), nil, nil}
	errBodyTooLarge     = &apiError{http.StatusRequestEntityTooLarge, "body_too_large", tr("リクエストの本文が大きすぎます。", "The request body is too large."), nil, nil}
	errNotReady         = &apiError{http.StatusServiceUnavailable, "not_ready", tr("データベースに接続できません。しばらくしてから再度お試しください。", "The database is not reachable. Please try again shortly."), nil, nil}
	errConflict         = &apiError{http.StatusConflict, "conflict", tr("他の更新と競合しました。最新の状態を読み込んでから再度お試しください。", "The change conflicts with another update. Reload and try again."), nil, nil}
	errInternal         = &apiError{http.StatusInternalServerError, "internal", tr("サーバー内部でエラーが発生しました。リクエストIDを添えてお問い合わせください。", "An internal error occurred. Please quote the request id when you contact us."), nil, nil}
	errSubmitted        = &apiError{http.StatusConflict, "already_submitted", tr("この診断はすでに提出済みのため、変更できません。", "This assessment has been submitted and can no longer be changed."), nil, nil}
	errNotSubmitted     = &apiError{http.StatusConflict, "not_submitted", tr("この診断はまだ提出されていません。提出すると結果が表示されます。", "This assessment has not been submitted yet; the result appears once it is."), nil, nil}
	errDefinitionGone   = &apiError{http.StatusGone, "questionnaire_version_unavailable", tr("この診断の調査票の版は現在提供されていません。", "The questionnaire version of this assessment is no longer available."), nil, nil}

	msgFieldRequired = tr("この項目は必須です。", "This field is required.")
	msgLang          = tr("ja または en を指定してください。", "Use ja or en.")
)

func invalidBody(fields []FieldError) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_body", tr("リクエストの内容に誤りがあります。", "The request body is invalid."), fields, nil}
}

func invalidQuery(fields []FieldError) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_query", tr("クエリパラメータに誤りがあります。", "A query parameter is invalid."), fields, nil}
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
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &tooLarge):
		ae = errBodyTooLarge
	case errors.As(err, &stale):
		ae = &apiError{http.StatusConflict, "stale_revision", tr(
			fmt.Sprintf("回答は別の画面で更新されています（最新は第%d版）。最新の回答を読み込んでから保存してください。", stale.Current),
			fmt.Sprintf("The answers were changed elsewhere (now at revision %d). Load the latest answers, then save.", stale.Current),
		), nil, &stale.Current}
	case errors.As(err, &invalid):
		fields := make([]FieldError, len(invalid.Fields))
		for i, f := range invalid.Fields {
			fields[i] = FieldError{Path: f.Question, Message: f.Message}
		}
		ae = &apiError{http.StatusUnprocessableEntity, "validation_failed", tr(
			fmt.Sprintf("%d件の回答に問題があります。", len(fields)),
			fmt.Sprintf("%d answer(s) need attention.", len(fields)),
		), fields, nil}
	case errors.Is(err, assessment.ErrSubmitted):
		ae = errSubmitted
	case errors.Is(err, assessment.ErrNotSubmitted):
		ae = errNotSubmitted
	case errors.Is(err, assessment.ErrDefinitionAbsent):
		ae = errDefinitionGone
	case errors.Is(err, assessment.ErrNotFound), errors.Is(err, auth.ErrNotFound):
		ae = errNotFound
	case errors.Is(err, assessment.ErrConflict):
		ae = errConflict
	default:
		ae = errInternal
		logger(c).Error("request failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	}
	lang := language(c)
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
