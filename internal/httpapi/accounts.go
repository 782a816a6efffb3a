package httpapi

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
)

// AuthService is the account service the handlers drive.
type AuthService interface {
	Login(ctx context.Context, email, password, addr string) (auth.Session, error)
	Refresh(ctx context.Context, token string) (auth.Session, error)
	Logout(ctx context.Context, token string) error
	Authenticate(ctx context.Context, access string) (auth.Principal, error)
	User(ctx context.Context, p auth.Principal) (auth.User, error)
	// OwnChamber is the chamber the principal works for (ErrNotFound for a platform admin).
	OwnChamber(ctx context.Context, p auth.Principal) (auth.Chamber, error)
	AcceptInvite(ctx context.Context, token, password string) (auth.User, error)
	CreateChamber(ctx context.Context, p auth.Principal, c auth.Chamber) (auth.Chamber, error)
	Chambers(ctx context.Context, p auth.Principal) ([]auth.Chamber, error)
	InviteUser(ctx context.Context, p auth.Principal, n auth.NewUser) (auth.User, string, error)
	Users(ctx context.Context, p auth.Principal, chamber string) ([]auth.User, error)
	UpdateUser(ctx context.Context, p auth.Principal, id string, ch auth.UserChange) (auth.User, error)
}

// refreshCookie holds the refresh token in the browser: HttpOnly (no script reads it),
// Secure, SameSite=Strict, and sent only to the auth routes.
const (
	refreshCookie     = "esready_refresh"
	refreshCookiePath = "/api/v1/auth"
	ctxPrincipal      = "principal"
)

type accounts struct {
	svc    AuthService
	public func(c *gin.Context) string // the server's public address, for links
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	ChamberID string    `json:"chamber_id,omitempty"`
	Active    bool      `json:"active"`   // has set a password and is not disabled
	Invited   bool      `json:"invited"`  // has not set a password yet
	Disabled  bool      `json:"disabled"` // may no longer log in
	CreatedAt time.Time `json:"created_at"`
}

func toUser(u auth.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, ChamberID: u.ChamberID,
		Active: u.PasswordHash != "" && !u.Disabled, Invited: u.PasswordHash == "", Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

// sessionResponse is a login or refresh: the access token in the body (the page keeps it in
// memory only), the refresh token in the cookie.
type sessionResponse struct {
	AccessToken string       `json:"access_token"`
	TokenType   string       `json:"token_type"`
	ExpiresAt   time.Time    `json:"expires_at"`
	User        userResponse `json:"user"`
}

func (h accounts) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if bad := required(c, map[string]string{"email": req.Email, "password": req.Password}); bad != nil {
		writeError(c, bad)
		return
	}
	s, err := h.svc.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	h.startSession(c, s)
}

func (h accounts) startSession(c *gin.Context, s auth.Session) {
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(refreshCookie, s.RefreshToken, int(time.Until(s.RefreshExpires).Seconds()), refreshCookiePath, "", true, true)
	c.JSON(http.StatusOK, sessionResponse{AccessToken: s.AccessToken, TokenType: "Bearer", ExpiresAt: s.AccessExpires, User: toUser(s.User)})
}

func (h accounts) refresh(c *gin.Context) {
	token, _ := c.Cookie(refreshCookie)
	s, err := h.svc.Refresh(c.Request.Context(), token)
	if err != nil {
		h.clearCookie(c)
		writeError(c, err)
		return
	}
	h.startSession(c, s)
}

func (h accounts) logout(c *gin.Context) {
	token, _ := c.Cookie(refreshCookie)
	if err := h.svc.Logout(c.Request.Context(), token); err != nil {
		writeError(c, err)
		return
	}
	h.clearCookie(c)
	c.Status(http.StatusNoContent)
}

func (h accounts) clearCookie(c *gin.Context) {
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(refreshCookie, "", -1, refreshCookiePath, "", true, true)
}

type acceptRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (h accounts) accept(c *gin.Context) {
	var req acceptRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if bad := required(c, map[string]string{"token": req.Token, "password": req.Password}); bad != nil {
		writeError(c, bad)
		return
	}
	u, err := h.svc.AcceptInvite(c.Request.Context(), req.Token, req.Password)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUser(u))
}

// authenticate is the middleware of staff routes: a valid access token, or 401.
func (h accounts) authenticate(c *gin.Context) {
	p, err := h.svc.Authenticate(c.Request.Context(), bearer(c))
	if err != nil {
		if errors.Is(err, auth.ErrInvalidToken) {
			c.Header("WWW-Authenticate", `Bearer realm="esready"`)
		}
		writeError(c, err)
		return
	}
	c.Set(ctxPrincipal, p)
	c.Next()
}

// principal is the user the request's access token speaks for (after authenticate).
func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(auth.Principal)
	return pr
}

// meResponse is the caller's account, with the name of its chamber.
type meResponse struct {
	userResponse
	Chamber *questionnaire.Text `json:"chamber,omitempty"`
}

func (h accounts) me(c *gin.Context) {
	p := principal(c)
	u, err := h.svc.User(c.Request.Context(), p)
	if err != nil {
		writeError(c, err)
		return
	}
	out := meResponse{userResponse: toUser(u)}
	if u.ChamberID != "" {
		ch, err := h.svc.OwnChamber(c.Request.Context(), p)
		if err != nil {
			writeError(c, err)
			return
		}
		out.Chamber = &questionnaire.Text{JA: ch.Name, EN: ch.NameEN}
	}
	c.JSON(http.StatusOK, out)
}

// required returns a 400 naming every empty field, or nil.
func required(c *gin.Context, fields map[string]string) error {
	var bad []FieldError
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if strings.TrimSpace(fields[name]) == "" {
			bad = append(bad, FieldError{Path: name, Message: msgFieldRequired.In(language(c))})
		}
	}
	if bad != nil {
		return invalidBody(bad)
	}
	return nil
}
