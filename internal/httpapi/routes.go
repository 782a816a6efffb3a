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
	// Auth and Campaigns serve chamber staff; nil runs the server without them (the staff
	// routes are still routed, and answer 404).
	Auth      AuthService
	Campaigns CampaignService
	// PublicURL is the address firms and staff reach the server at, for the links in
	// invitations (public_url); empty = the scheme and host of each request.
	PublicURL string
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

	api := r.Group("/api/v1")
	v1 := api.Group("", requireJSON)
	v1.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", spec) })

	q := questionnaires{defs: d.Questionnaires}
	v1.GET("/questionnaires", q.list)
	v1.GET("/questionnaires/:id", q.get)

	render, err := newRenderer(d.Render, d.Assessments, d.Questionnaires, d.clock()())
	if err != nil {
		return nil, err
	}
	limit := newRateLimits(d.RateLimit, d.clock())
	a := assessments{svc: d.Assessments, render: render, campaigns: d.Campaigns}
	as := v1.Group("/assessments", noStore)
	as.POST("", limit.create, a.create)
	as.GET("/:id", a.get)
	as.DELETE("/:id", a.delete)
	as.PUT("/:id/answers", limit.save, a.saveAnswers)
	as.POST("/:id/submit", limit.submit, a.submit)
	as.GET("/:id/result", a.result)
	as.GET("/:id/checklist.xlsx", limit.download, a.checklistXLSX)
	as.GET("/:id/report.pdf", limit.download, a.reportPDF)
	as.PUT("/:id/consent", limit.save, a.consent)
	v1.GET("/checklist.xlsx", limit.download, a.blankChecklistXLSX)

	staffRoutes(v1, api, d, limit, render)

	web := newWebApp(d.Web)
	r.NoRoute(web.serve)
	r.NoMethod(func(c *gin.Context) { writeError(c, errMethodNotAllowed) })
	return r, nil
}

// staffRoutes are the routes of chamber staff and platform admins: log in, accounts, and the
// campaigns. Every route after authenticate needs an access token; the services decide by role
// and chamber what it may see (another chamber's campaign is 404, as a missing one is).
func staffRoutes(v1, api *gin.RouterGroup, d Deps, limit rateLimits, render *renderer) {
	if d.Auth == nil || d.Campaigns == nil {
		return
	}
	public := publicURL(d.PublicURL)
	acc := accounts{svc: d.Auth, public: public}
	cam := campaigns{svc: d.Campaigns, public: public, now: d.clock(), render: render}
	au := v1.Group("/auth", noStore)
	au.POST("/login", limit.create, acc.login)
	au.POST("/refresh", acc.refresh)
	au.POST("/logout", acc.logout)
	au.POST("/accept", limit.create, acc.accept)
	v1.POST("/campaign-links", noStore, limit.create, cam.landing)

	st := v1.Group("", noStore, acc.authenticate)
	st.GET("/me", acc.me)
	st.GET("/chambers", acc.chambers)
	st.POST("/chambers", acc.createChamber)
	st.GET("/chambers/:chamber/users", acc.users)
	st.POST("/chambers/:chamber/users", acc.inviteUser)
	st.PATCH("/users/:id", acc.updateUser)
	st.GET("/campaigns", cam.list)
	st.POST("/campaigns", cam.create)
	st.GET("/campaigns/:id", cam.get)
	st.PATCH("/campaigns/:id", cam.update)
	// The invitations file comes as text/csv: the one body other than JSON (requireJSONOrCSV).
	api.Group("", requireJSONOrCSV, noStore, acc.authenticate).POST("/campaigns/:id/invitations", cam.invite)
	st.GET("/campaigns/:id/invitations.csv", cam.links)
	st.POST("/campaigns/:id/invitations/send", cam.send)
	st.GET("/campaigns/:id/progress", cam.progress)
	st.GET("/campaigns/:id/results", cam.results)
	st.GET("/campaigns/:id/results.csv", limit.download, cam.resultsCSV)
	st.GET("/campaigns/:id/results.xlsx", limit.download, cam.resultsXLSX)
	st.GET("/campaigns/:id/report.pdf", limit.download, cam.reportPDF)
	st.GET("/campaigns/:id/responses.csv", limit.download, cam.responsesCSV)
}

// publicURL returns the server's public address: the setting, or the scheme and host the
// request came to. Behind a proxy that ends TLS, set public_url.
func publicURL(setting string) func(c *gin.Context) string {
	return func(c *gin.Context) string {
		if setting != "" {
			return setting
		}
		scheme := "http"
		if c.Request.TLS != nil {
			scheme = "https"
		}
		return scheme + "://" + c.Request.Host
	}
}
