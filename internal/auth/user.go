// Package auth holds the platform's user accounts and roles: chamber staff who run survey
// campaigns and the platform administrators. Respondents answering a questionnaire have no
// account; they hold a per-assessment credential instead.
package auth

import "time"

// Role is what a user may do on the platform.
type Role string

// The roles of the platform.
const (
	RoleAdmin   Role = "admin"   // manages chambers, users and questionnaire versions
	RoleChamber Role = "chamber" // runs the campaigns of one chamber of commerce
)

// User is an account of chamber staff or of a platform administrator.
type User struct {
	ID           string
	Email        string // unique, compared case-insensitively
	Name         string
	Role         Role
	ChamberID    string // the chamber a RoleChamber user works for
	PasswordHash string
	CreatedAt    time.Time
}
