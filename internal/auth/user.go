// Package auth holds the platform's user accounts and roles: chamber staff who run survey
// campaigns and the platform administrators. Respondents answering a questionnaire have no
// account; they hold a per-assessment credential instead.
package auth

import "time"

// Role is what a user may do on the platform.
type Role string

// The roles of the platform.
const (
	RoleAdmin        Role = "admin"         // platform admin: manages chambers and their admins
	RoleChamberAdmin Role = "chamber_admin" // runs one chamber's campaigns and manages its staff
	RoleAnalyst      Role = "analyst"       // runs one chamber's campaigns and reads their results
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleChamberAdmin, RoleAnalyst:
		return true
	}
	return false
}

// Chamber is an organisation that runs campaigns: a chamber of commerce and industry.
type Chamber struct {
	ID        string
	Name      string // in Japanese
	NameEN    string
	CreatedAt time.Time
}

// User is an account of chamber staff or of a platform administrator.
type User struct {
	ID           string
	Email        string // unique, compared case-insensitively
	Name         string
	Role         Role
	ChamberID    string // the chamber a chamber admin or analyst works for; "" for a platform admin
	PasswordHash string // "" until the user has set a password
	CreatedAt    time.Time
	// InviteHash is the SHA-256 (hex) of the one-time link with which an invited user sets a
	// password; "" once used. InviteExpires is when that link stops working.
	InviteHash    string
	InviteExpires time.Time
	Disabled      bool
}

// RefreshToken is a stored refresh token: only its hash, never the token. Tokens issued from
// one login form a family; each refresh rotates the current token, and presenting a rotated
// token again revokes the whole family (someone holds a stolen copy).
type RefreshToken struct {
	Hash      string // SHA-256 of the token, hex; unique
	Family    string
	UserID    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	RotatedAt time.Time // zero while it is the family's current token
	Revoked   bool
}
