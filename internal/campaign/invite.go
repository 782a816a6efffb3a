package campaign

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
)

// UploadReport says what an uploaded invitations file did: how many firms it invited, how
// many it skipped as already invited (uploading a file twice invites nobody twice), and its
// bad rows by line, which invited nobody while the good rows were kept.
type UploadReport struct {
	Added          int
	AlreadyInvited int
	Errors         []LineError
}

// Invite reads an invitations file (CSV as Excel in Japan saves it: UTF-8 or Shift_JIS) and
// invites its firms.
func (s *Service) Invite(ctx context.Context, p auth.Principal, campaignID string, file io.Reader) (UploadReport, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return UploadReport{}, err
	}
	def, ok := s.defs.Version(c.QuestionnaireID, c.Version)
	if !ok {
		return UploadReport{}, assessment.ErrDefinitionAbsent
	}
	rows, bad, err := ParseInvitations(file, vocabulary(def))
	if err != nil {
		return UploadReport{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	invs := make([]Invitation, len(rows))
	for i, r := range rows {
		id := newID()
		invs[i] = Invitation{
			ID: id, CampaignID: c.ID, TokenHash: auth.HashToken(s.inviteToken(id)),
			Firm: r.Firm, Email: r.Email, SizeBand: r.SizeBand, Sector: r.Sector, Prefecture: prefectureID(r.Prefecture),
			Key: r.Key, CreatedAt: now,
		}
	}
	stored, err := s.store.AddInvitations(ctx, c.ID, invs)
	if err != nil {
		return UploadReport{}, err
	}
	return UploadReport{Added: len(stored), AlreadyInvited: len(invs) - len(stored), Errors: bad}, nil
}

// vocabulary is what an invitations file may name: the questionnaire's industries.
func vocabulary(def *questionnaire.Definition) Vocabulary {
	var v Vocabulary
	if q, ok := def.RoleQuestion(questionnaire.RoleIndustry); ok {
		for _, o := range q.Options {
			v.Sectors = append(v.Sectors, Option{ID: o.ID, JA: o.Label.JA, EN: o.Label.EN})
		}
	}
	return v
}

// prefectureID turns a JIS code ("13") into the questionnaire's option id ("JP-13").
func prefectureID(code string) string {
	if code == "" || strings.HasPrefix(code, "JP-") {
		return code
	}
	return "JP-" + code
}

// Links returns every invitation of a campaign with its link under base (the server's public
// address), for the mail-merge file; the sector is named in lang.
func (s *Service) Links(ctx context.Context, p auth.Principal, campaignID, base, lang string) ([]Link, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return nil, err
	}
	def, ok := s.defs.Version(c.QuestionnaireID, c.Version)
	if !ok {
		return nil, assessment.ErrDefinitionAbsent
	}
	l := labeller{def: def, lang: lang}
	invs, err := s.store.Invitations(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	links := make([]Link, len(invs))
	for i, inv := range invs {
		sector := inv.Sector
		if sector != "" {
			sector = l.option(questionnaire.RoleIndustry, sector)
		}
		links[i] = Link{Firm: inv.Firm, Email: inv.Email, SizeBand: inv.SizeBand, Sector: sector,
			Prefecture: inv.Prefecture, URL: s.InviteURL(base, inv.ID), SentAt: inv.SentAt}
	}
	return links, nil
}

// InviteURL is the link of an invitation: the web app's /invite page with the token in the
// fragment, which browsers never send to a server, so no access log ever holds it.
func (s *Service) InviteURL(base, invitationID string) string {
	return strings.TrimRight(base, "/") + "/invite#" + s.inviteToken(invitationID)
}

// OpenURL is a campaign's open link.
func OpenURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/join#" + code
}

// Landing is what a firm sees of a campaign before answering: who asks, what, and until when.
type Landing struct {
	Campaign    Campaign
	Chamber     auth.Chamber
	Open        bool
	Invitation  string // the invitation's id; "" for the open link
	InvitedFirm string // the firm name the chamber invited, shown so the firm knows the link is its own
}

// Lookup resolves an invitation token or an open-link code (exactly one of them) to its
// campaign. A token or code matching nothing is ErrInvalidLink.
func (s *Service) Lookup(ctx context.Context, token, code string) (Landing, error) {
	var l Landing
	var err error
	switch {
	case token != "" && code == "":
		var inv Invitation
		inv, err = s.store.InvitationByToken(ctx, auth.HashToken(token))
		if err == nil {
			l.Invitation, l.InvitedFirm = inv.ID, inv.Firm
			l.Campaign, err = s.store.Campaign(ctx, inv.CampaignID)
		}
	case code != "" && token == "":
		l.Campaign, err = s.store.CampaignByCode(ctx, code)
	default:
		return Landing{}, ErrInvalidLink
	}
	if errors.Is(err, ErrNotFound) {
		return Landing{}, ErrInvalidLink
	}
	if err != nil {
		return Landing{}, err
	}
	if l.Chamber, err = s.read.Chamber(ctx, l.Campaign.ChamberID); err != nil {
		return Landing{}, err
	}
	l.Open = l.Campaign.IsOpen(s.now())
	return l, nil
}

// Entry resolves a link to the entry of a new draft, if its campaign is open now.
func (s *Service) Entry(ctx context.Context, token, code string) (assessment.Entry, error) {
	l, err := s.Lookup(ctx, token, code)
	if err != nil {
		return assessment.Entry{}, err
	}
	if !l.Open {
		return assessment.Entry{}, ErrClosed
	}
	return assessment.Entry{Campaign: l.Campaign.ID, Invitation: l.Invitation,
		QuestionnaireID: l.Campaign.QuestionnaireID, Version: l.Campaign.Version}, nil
}

// CampaignOpen says whether a campaign accepts submissions now (assessment.Options).
func (s *Service) CampaignOpen(ctx context.Context, id string) error {
	c, err := s.store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if !c.IsOpen(s.now()) {
		return ErrClosed
	}
	return nil
}
