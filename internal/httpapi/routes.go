// Package httpapi is the HTTP face of the survey server: the gin router, its middleware, the
// handlers that translate requests into calls on the domain packages and back, and the mapping
// of errors to the API's JSON error shape. No business rule lives here.
package httpapi

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/questionnaire"
)

// Pinger is what readiness needs from the database.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the router needs from the rest of the program.
type Deps struct {
	Log            *slog.Logger
	DB             Pinger
	MaxBodyBytes   int64
	TrustedProxies []string
	Web            fs.FS // the built web app; nil or without index.html serves a placeholder page
	Questionnaires *questionnaire.Registry
	Assessments    AssessmentService
	// RateLimit is the requests per minute one client address may make for anonymous writes,
	// from which every route's budget derives (ratelimit.go); 0 = no limits.
	RateLimit int
	Render    RenderOptions
	Now       func() time.Time // the clock; nil = time.Now
	// RequestTimeout is every request's deadline (0 = 10 s); routes that render a file get
	// three times as long.
	RequestTimeout time.Duration
	Draining       *Draining // set when shutdown begins; nil = never
}

// New returns the router with every route of the API.
func New(d Deps) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	spec, err := openAPIJSON()
	if err != nil {
		return nil, err
	}
	r.Use(securityHeaders, withRequestID(d.Log), accessLog(d.Log), recovery(d.Log), limitBody(d.MaxBodyBytes),
		withDeadline(d.RequestTimeout))

	h := health{db: d.DB, draining: d.Draining}
	r.GET("/healthz", h.live)
	r.GET("/readyz", h.ready)

	v1 := r.Group("/api/v1", requireJSON)
	v1.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", spec) })

	q := questionnaires{defs: d.Questionnaires}
	v1.GET("/questionnaires", q.list)
	v1.GET("/questionnaires/:id", q.get)

	render, err := newRenderer(d.Render, d.Assessments, d.Questionnaires, d.clock()())
	if err != nil {
		return nil, err
	}
	limit := newRateLimits(d.RateLimit, d.clock())
	a := assessments{svc: d.Assessments, render: render}
	as := v1.Group("/assessments", noStore)
	as.POST("", limit.create, a.create)
	as.GET("/:id", a.get)
	as.DELETE("/:id", a.delete)
	as.PUT("/:id/answers", limit.save, a.saveAnswers)
	as.POST("/:id/submit", limit.submit, a.submit)
	as.GET("/:id/result", a.result)
	as.GET("/:id/checklist.xlsx", limit.download, a.checklistXLSX)
	as.GET("/:id/report.pdf", limit.download, a.reportPDF)
	v1.GET("/checklist.xlsx", limit.download, a.blankChecklistXLSX)

	web := newWebApp(d.Web)
	r.NoRoute(web.serve)
	r.NoMethod(func(c *gin.Context) { writeError(c, errMethodNotAllowed) })
	return r, nil
}
