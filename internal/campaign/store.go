package campaign

import (
	"context"
	"errors"
	"time"

	"github.com/esready/esready/internal/assessment"
)

// Errors that storage returns, wrapped; callers match them with errors.Is.
var (
	ErrNotFound = errors.New("campaign not found")
	// ErrConflict is a campaign whose id or open-link code is already in use.
	ErrConflict = errors.New("campaign already exists")
)

// Storer is what campaigns need from storage. Implementations live in internal/store and pass
// the conformance suite, internal/store/storetest.
type Storer interface {
	// CreateCampaign stores a new campaign; an id or a non-empty Code in use is ErrConflict.
	CreateCampaign(ctx context.Context, c Campaign) error
	Campaign(ctx context.Context, id string) (Campaign, error)
	// CampaignByCode finds the campaign whose open link has code (exact match).
	CampaignByCode(ctx context.Context, code string) (Campaign, error)
	// Campaigns returns a chamber's campaigns, newest (CreatedAt) first, id breaking ties.
	Campaigns(ctx context.Context, chamberID string) ([]Campaign, error)
	// UpdateCampaign replaces a campaign's titles, dates and code (never its id, chamber,
	// questionnaire version, k or creation); a missing one is ErrNotFound, a code in use
	// ErrConflict.
	UpdateCampaign(ctx context.Context, c Campaign) error

	// AddInvitations stores, in one transaction, the invitations whose Key the campaign has
	// no invitation with yet, and returns the ones it stored, in the order given. Invitations
	// of one call never share a Key (the caller removes duplicates).
	AddInvitations(ctx context.Context, campaignID string, invs []Invitation) ([]Invitation, error)
	// Invitations returns a campaign's invitations in the order they were added (CreatedAt,
	// then the order within one call).
	Invitations(ctx context.Context, campaignID string) ([]Invitation, error)
	// InvitationByToken finds an invitation by the hash of its token.
	InvitationByToken(ctx context.Context, tokenHash string) (Invitation, error)
	// MarkInvitationsSent records that the invitations with these ids were e-mailed at at.
	MarkInvitationsSent(ctx context.Context, campaignID string, ids []string, at time.Time) error

	// Responses returns the campaign's assessments (drafts and submitted), without answers,
	// by creation time.
	Responses(ctx context.Context, campaignID string) ([]Response, error)
}

// Response is one assessment answered inside a campaign, as tracking sees it: never its answers.
type Response struct {
	AssessmentID string
	Invitation   string // the invitation's id; "" when answered through the open link
	Status       assessment.Status
	Consent      bool
	CreatedAt    time.Time
	SubmittedAt  time.Time // zero for a draft
	SizeBand     string    // from the submission row; "" for a draft
	Sector       string    // from the submission row; "" for a draft
}

// Submitted reports whether the response was submitted.
func (r Response) Submitted() bool { return r.Status == assessment.StatusSubmitted }
