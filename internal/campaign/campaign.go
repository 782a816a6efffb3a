// Package campaign runs a chamber of commerce's survey of its member firms: campaigns over one
// questionnaire version, invitations (one unguessable link per firm, from a CSV the chamber
// uploads, or one open link with a campaign code), response tracking, and the campaign's
// aggregate tables with small cells suppressed. A chamber sees only its own campaigns, and the
// individual answers only of firms that consented.
package campaign

import "time"

// MinK is the smallest suppression threshold a campaign may set.
const MinK = 5

// Campaign is one survey a chamber runs over its member firms.
type Campaign struct {
	ID              string
	ChamberID       string
	QuestionnaireID string
	Version         int
	TitleJA         string
	TitleEN         string
	Opens           time.Time // answers are accepted from Opens…
	Closes          time.Time // …until Closes
	K               int       // the fewest firms a published cell may count (≥ MinK)
	Code            string    // the open link's code; "" when the campaign has no open link
	CreatedBy       string    // user id
	CreatedAt       time.Time
}

// Invitation is one firm invited to a campaign. Its link carries a token that is derived from
// the invitation id under the server's key, so it can be shown again in the mail-merge file;
// only the token's hash is stored.
type Invitation struct {
	ID         string
	CampaignID string
	TokenHash  string
	Firm       string
	Email      string
	SizeBand   string // optional, as the chamber gave it: small_scale, sme or large
	Sector     string // optional
	Prefecture string // optional, the questionnaire's option id "JP-01"…"JP-47"
	// Key identifies the firm within the campaign, so that uploading the same file twice
	// invites no firm twice: the lower-cased e-mail address and the normalised firm name.
	Key       string
	CreatedAt time.Time
	SentAt    time.Time // zero until e-mailed
}
