package campaign

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
)

// Errors of the campaign service.
var (
	// ErrForbidden is an action the user's role does not allow (a platform admin reading a
	// chamber's campaigns, an analyst managing staff).
	ErrForbidden = errors.New("not allowed for this role")
	// ErrClosed is an answer to a campaign outside its dates.
	ErrClosed = errors.New("the campaign is not open")
	// ErrInvalidLink is an invitation token or campaign code that matches nothing.
	ErrInvalidLink = errors.New("invalid invitation link")
)

// FieldError is a refused field of a request: Key names the reason in the catalogue.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Key }

// Reader is what the service reads besides campaigns: the chamber's name for the landing
// page, the compact submission rows the aggregates fold, and the answers of consenting firms
// for the individual-responses export.
type Reader interface {
	Chamber(ctx context.Context, id string) (auth.Chamber, error)
	Submissions(ctx context.Context, q assessment.SubmissionQuery) ([]assessment.Submission, error)
	Assessment(ctx context.Context, id string) (assessment.Assessment, error)
}

// Service runs campaigns.
type Service struct {
	store Storer
	read  Reader
	defs  *questionnaire.Registry
	now   func() time.Time
	// key derives invitation tokens from invitation ids (Options.InviteKey).
	key    []byte
	views  *lru.Cache[string, *view]
	sender Sender // nil without SMTP settings
	mail   mailings
}

// Options configure the service.
type Options struct {
	// InviteKey is the secret from which each invitation's token derives (HMAC-SHA-256 of its
	// id), so the mail-merge file can be downloaded again while the store keeps only hashes.
	// Every server sharing a database needs the same key.
	InviteKey []byte
	// Sender e-mails invitations; nil when no SMTP server is configured.
	Sender Sender
}

// viewsKept is how many campaigns' aggregates the service keeps folded in memory.
const viewsKept = 64

// NewService returns the campaign service.
func NewService(store Storer, read Reader, defs *questionnaire.Registry, now func() time.Time, opts Options) (*Service, error) {
	if len(opts.InviteKey) < 32 {
		return nil, errors.New("campaign: the invitation key needs at least 32 bytes")
	}
	views, _ := lru.New[string, *view](viewsKept) // fails only for a size below 1
	return &Service{store: store, read: read, defs: defs, now: now, key: opts.InviteKey, views: views, sender: opts.Sender,
		mail: mailings{jobs: map[string]*Mailing{}}}, nil
}

// staff checks that p works for a chamber (admin or analyst) and returns its chamber.
func staff(p auth.Principal) (string, error) {
	if (p.Role == auth.RoleChamberAdmin || p.Role == auth.RoleAnalyst) && p.ChamberID != "" {
		return p.ChamberID, nil
	}
	return "", ErrForbidden
}

// Get returns a campaign of p's chamber; another chamber's campaign is ErrNotFound, as a
// missing one is, so its existence is not revealed.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Campaign, error) {
	chamber, err := staff(p)
	if err != nil {
		return Campaign{}, err
	}
	c, err := s.store.Campaign(ctx, id)
	if err != nil {
		return Campaign{}, err
	}
	if c.ChamberID != chamber {
		return Campaign{}, ErrNotFound
	}
	return c, nil
}

// List returns the campaigns of p's chamber, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal) ([]Campaign, error) {
	chamber, err := staff(p)
	if err != nil {
		return nil, err
	}
	return s.store.Campaigns(ctx, chamber)
}

// Draft is a campaign as a chamber asks for it.
type Draft struct {
	QuestionnaireID string
	Version         int // 0 = the latest
	TitleJA         string
	TitleEN         string
	Opens           time.Time
	Closes          time.Time
	K               int  // 0 = MinK
	OpenLink        bool // publish one open link with a campaign code
}

// check validates a draft, naming the first field refused.
func (d Draft) check() error {
	for _, f := range []struct{ name, v string }{{"title_ja", d.TitleJA}, {"title_en", d.TitleEN}} {
		switch n := utf8.RuneCountInString(strings.TrimSpace(f.v)); {
		case n == 0:
			return &FieldError{f.name, "field.required", nil}
		case n > 200:
			return &FieldError{f.name, "field.too_long", []any{"max", 200}}
		}
	}
	switch {
	case d.Opens.IsZero():
		return &FieldError{"opens", "field.required", nil}
	case d.Closes.IsZero():
		return &FieldError{"closes", "field.required", nil}
	case !d.Closes.After(d.Opens):
		return &FieldError{"closes", "campaign.field.closes_before_opens", nil}
	case d.Closes.Sub(d.Opens) > 366*24*time.Hour:
		return &FieldError{"closes", "campaign.field.too_long_open", nil}
	case d.K != 0 && (d.K < MinK || d.K > 100):
		return &FieldError{"k", "campaign.field.k", []any{"min", MinK}}
	}
	return nil
}

// Create starts a campaign of p's chamber.
func (s *Service) Create(ctx context.Context, p auth.Principal, d Draft) (Campaign, error) {
	chamber, err := staff(p)
	if err != nil {
		return Campaign{}, err
	}
	if err := d.check(); err != nil {
		return Campaign{}, err
	}
	def, ok := s.defs.Latest(d.QuestionnaireID)
	if d.Version > 0 {
		def, ok = s.defs.Version(d.QuestionnaireID, d.Version)
	}
	if !ok {
		return Campaign{}, &FieldError{"questionnaire_id", "campaign.field.questionnaire", nil}
	}
	c := Campaign{
		ID: newID(), ChamberID: chamber, QuestionnaireID: def.ID, Version: def.Version,
		K: max(d.K, MinK), CreatedBy: p.UserID, CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	d.apply(&c)
	if d.OpenLink {
		c.Code = newCode()
	}
	if err := s.store.CreateCampaign(ctx, c); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// Change is an edit of a campaign; nil fields stay as they are.
type Change struct {
	TitleJA, TitleEN *string
	Opens, Closes    *time.Time
	OpenLink         *bool
}

// Update edits a campaign's titles, dates or open link. The questionnaire version and k never
// change once firms may have answered.
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, ch Change) (Campaign, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return Campaign{}, err
	}
	d := Draft{TitleJA: c.TitleJA, TitleEN: c.TitleEN, Opens: c.Opens, Closes: c.Closes, K: c.K}
	setIf(&d.TitleJA, ch.TitleJA)
	setIf(&d.TitleEN, ch.TitleEN)
	setIf(&d.Opens, ch.Opens)
	setIf(&d.Closes, ch.Closes)
	if err := d.check(); err != nil {
		return Campaign{}, err
	}
	d.apply(&c)
	if ch.OpenLink != nil && *ch.OpenLink != (c.Code != "") {
		c.Code = ""
		if *ch.OpenLink {
			c.Code = newCode()
		}
	}
	return c, s.store.UpdateCampaign(ctx, c)
}

// apply sets a campaign's titles and dates from a checked draft: titles trimmed, times in UTC
// to the millisecond (what MongoDB keeps).
func (d Draft) apply(c *Campaign) {
	c.TitleJA, c.TitleEN = strings.TrimSpace(d.TitleJA), strings.TrimSpace(d.TitleEN)
	c.Opens, c.Closes = d.Opens.UTC().Truncate(time.Millisecond), d.Closes.UTC().Truncate(time.Millisecond)
}

// setIf sets *dst to *src when src is given.
func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// IsOpen reports whether the campaign accepts answers at t.
func (c Campaign) IsOpen(t time.Time) bool { return !t.Before(c.Opens) && t.Before(c.Closes) }

// inviteToken is the token of an invitation's link: HMAC-SHA-256 of its id under the key.
func (s *Service) inviteToken(invitationID string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("invitation\x00" + invitationID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newCode returns an open-link code: 16 characters of base32 (80 bits), readable aloud and
// safe in a URL path.
func newCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
