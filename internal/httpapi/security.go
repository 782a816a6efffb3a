package httpapi

import (
	"context"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy lets the web app load its own scripts, styles, images and API and
// nothing else: no inline script, no framing, no <base> or form posts elsewhere. SurveyJS sets
// inline style attributes on its icons, hence style-src-attr; inline <style> elements stay
// forbidden. Chart.js draws on a canvas and needs no exception.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries, API, web app and errors alike. CORS
// stays closed: no Access-Control-* header is ever sent, so a browser on another origin can
// neither read a response nor pass a preflight (an OPTIONS request gets 405 like any method
// without a route).
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	c.Next()
}

// requireJSON answers 415 to a request that carries a body in anything but JSON: a form or
// text/plain body is what a cross-site form or a CORS-exempt fetch would send, and the
// handlers decode JSON only.
var requireJSON = requireBody(isJSON)

// requireJSONOrCSV is requireJSON for the one route that also takes a file: an invitations file
// as text/csv, which is not a type a cross-site form can send (and the route needs an access
// token).
var requireJSONOrCSV = requireBody(isJSON, isCSV)

// requireBody answers 415 to a request whose body has a Content-Type no accept function takes.
func requireBody(accept ...func(contentType string) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			c.Next()
			return
		}
		ct := c.GetHeader("Content-Type")
		if c.Request.ContentLength == 0 || slices.ContainsFunc(accept, func(ok func(string) bool) bool { return ok(ct) }) {
			c.Next()
			return
		}
		writeError(c, &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type", tr("api.unsupported_media_type"),
			[]FieldError{{Path: "Content-Type", Message: tr("field.content_type").In(language(c))}}, nil})
	}
}

// isCSV reports whether a Content-Type is text/csv (any charset: the file's encoding is
// detected from its bytes, as Excel in Japan does not label it).
func isCSV(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "text/csv"
}

// isJSON reports whether a Content-Type is application/json, with at most a charset of utf-8
// (JSON has no other: RFC 8259).
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

// Deadlines of requests, unless Deps says otherwise.
const (
	defaultRequestTimeout = 10 * time.Second
	// renderFactor: a route that renders a file (report.pdf, checklist.xlsx) gets this many times
	// the request timeout, 30 s by default.
	renderFactor = 3
)

// withDeadline gives every request a context deadline, which the store and the renderer
// honour: timeout, or renderFactor times it on the routes that render a file. A handler whose
// deadline passes answers 503 timeout (writeError).
func withDeadline(timeout time.Duration) gin.HandlerFunc {
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	return func(c *gin.Context) {
		d := timeout
		if p := c.FullPath(); strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".xlsx") {
			d *= renderFactor
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}
