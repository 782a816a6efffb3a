package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/auth"
)

type chamberRequest struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

type chamberResponse struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	NameEN    string    `json:"name_en"`
	CreatedAt time.Time `json:"created_at"`
}

func toChamber(ch auth.Chamber) chamberResponse {
	return chamberResponse{ID: ch.ID, Name: ch.Name, NameEN: ch.NameEN, CreatedAt: ch.CreatedAt}
}

func (h accounts) createChamber(c *gin.Context) {
	var req chamberRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	ch, err := h.svc.CreateChamber(c.Request.Context(), principal(c), auth.Chamber{ID: req.ID, Name: req.Name, NameEN: req.NameEN})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toChamber(ch))
}

func (h accounts) chambers(c *gin.Context) {
	list, err := h.svc.Chambers(c.Request.Context(), principal(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]chamberResponse, len(list))
	for i, ch := range list {
		out[i] = toChamber(ch)
	}
	c.JSON(http.StatusOK, gin.H{"chambers": out})
}

type inviteUserRequest struct {
	Email string    `json:"email"`
	Name  string    `json:"name"`
	Role  auth.Role `json:"role"`
}

// invitedUserResponse is a new account with the link its owner sets a password with: shown
// once, here, to the admin who passes it on.
type invitedUserResponse struct {
	User      userResponse `json:"user"`
	InviteURL string       `json:"invite_url"`
}

func (h accounts) inviteUser(c *gin.Context) {
	var req inviteUserRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	chamber := c.Param("chamber")
	if req.Role == auth.RoleAdmin {
		chamber = ""
	}
	u, token, err := h.svc.InviteUser(c.Request.Context(), principal(c), auth.NewUser{Email: req.Email, Name: req.Name, Role: req.Role, ChamberID: chamber})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, invitedUserResponse{User: toUser(u), InviteURL: h.public(c) + "/staff/accept#" + token})
}

func (h accounts) users(c *gin.Context) {
	list, err := h.svc.Users(c.Request.Context(), principal(c), c.Param("chamber"))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]userResponse, len(list))
	for i, u := range list {
		out[i] = toUser(u)
	}
	c.JSON(http.StatusOK, gin.H{"users": out})
}

type updateUserRequest struct {
	Role     *auth.Role `json:"role"`
	Disabled *bool      `json:"disabled"`
}

func (h accounts) updateUser(c *gin.Context) {
	var req updateUserRequest
	if err := bindJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	u, err := h.svc.UpdateUser(c.Request.Context(), principal(c), c.Param("id"), auth.UserChange{Role: req.Role, Disabled: req.Disabled})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUser(u))
}
