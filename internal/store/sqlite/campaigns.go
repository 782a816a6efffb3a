package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/campaign"
)

const (
	sqlInsertCampaign = `INSERT INTO campaigns (id, chamber_id, questionnaire_id, version, title_ja, title_en, opens,
		closes, k, code, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlCampaignByID = `SELECT id, chamber_id, questionnaire_id, version, title_ja, title_en, opens, closes, k, code,
		created_by, created_at FROM campaigns WHERE id = ?`
	// The condition on code lets the planner use the partial index campaigns_by_code.
	sqlCampaignByCode = `SELECT id, chamber_id, questionnaire_id, version, title_ja, title_en, opens, closes, k, code,
		created_by, created_at FROM campaigns WHERE code = ? AND code != ''`
	sqlCampaignsOfChamber = `SELECT id, chamber_id, questionnaire_id, version, title_ja, title_en, opens, closes, k,
		code, created_by, created_at FROM campaigns WHERE chamber_id = ? ORDER BY created_at DESC, id`
	sqlUpdateCampaign = `UPDATE campaigns SET title_ja = ?, title_en = ?, opens = ?, closes = ?, code = ?
		WHERE id = ?`
	// Every assessment of a campaign, with the size band and sector of its submission row (a
	// draft has none). The condition on campaign lets the planner use the partial index
	// assessments_by_campaign.
	sqlResponses = `SELECT a.id, a.invitation, a.status, a.consent, a.created_at, a.submitted_at,
		COALESCE(s.size_band, ''), COALESCE(s.sector, '')
		FROM assessments a LEFT JOIN submissions s ON s.assessment_id = a.id
		WHERE a.campaign = ? AND a.campaign != '' ORDER BY a.created_at, a.id`
)

// CreateCampaign stores a new campaign; an id or a non-empty code in use is
// campaign.ErrConflict.
func (s *Store) CreateCampaign(ctx context.Context, c campaign.Campaign) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(sqlInsertCampaign, c.ID, c.ChamberID, c.QuestionnaireID, c.Version, c.TitleJA, c.TitleEN,
			nullTime(c.Opens), nullTime(c.Closes), c.K, c.Code, c.CreatedBy, unixNano(c.CreatedAt))
		return err
	})
	if isUnique(err) {
		return fmt.Errorf("store: campaign %s (code %q): %w", c.ID, c.Code, campaign.ErrConflict)
	}
	return wrap(err, "store: create campaign")
}

// Campaign returns one campaign; a missing one is campaign.ErrNotFound.
func (s *Store) Campaign(ctx context.Context, id string) (campaign.Campaign, error) {
	return s.campaign(ctx, sqlCampaignByID, id)
}

// CampaignByCode finds the campaign of an open-link code; "" finds none.
func (s *Store) CampaignByCode(ctx context.Context, code string) (campaign.Campaign, error) {
	return s.campaign(ctx, sqlCampaignByCode, code)
}

func (s *Store) campaign(ctx context.Context, query, key string) (campaign.Campaign, error) {
	c, err := scanCampaign(s.queryRow(ctx, query, key))
	if errors.Is(err, sql.ErrNoRows) {
		return campaign.Campaign{}, fmt.Errorf("store: campaign %s: %w", key, campaign.ErrNotFound)
	}
	return c, wrap(err, "store: find campaign")
}

// Campaigns returns the campaigns of a chamber, newest first.
func (s *Store) Campaigns(ctx context.Context, chamberID string) ([]campaign.Campaign, error) {
	rows, err := s.query(ctx, sqlCampaignsOfChamber, chamberID)
	if err != nil {
		return nil, fmt.Errorf("store: campaigns of %s: %w", chamberID, err)
	}
	defer rows.Close()
	var out []campaign.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("store: campaigns of %s: %w", chamberID, err)
		}
		out = append(out, c)
	}
	return out, wrap(rows.Err(), "store: campaigns of "+chamberID)
}

// UpdateCampaign replaces the titles, dates and code of a campaign.
func (s *Store) UpdateCampaign(ctx context.Context, c campaign.Campaign) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		return expectOne(tx.Exec(sqlUpdateCampaign, c.TitleJA, c.TitleEN, nullTime(c.Opens), nullTime(c.Closes),
			c.Code, c.ID))
	})
	switch {
	case errors.Is(err, errNoRow):
		return fmt.Errorf("store: campaign %s: %w", c.ID, campaign.ErrNotFound)
	case isUnique(err):
		return fmt.Errorf("store: campaign %s: code %q: %w", c.ID, c.Code, campaign.ErrConflict)
	}
	return wrap(err, "store: update campaign")
}

func scanCampaign(r scanner) (campaign.Campaign, error) {
	var c campaign.Campaign
	var opens, closes sql.NullInt64
	var created int64
	err := r.Scan(&c.ID, &c.ChamberID, &c.QuestionnaireID, &c.Version, &c.TitleJA, &c.TitleEN, &opens, &closes,
		&c.K, &c.Code, &c.CreatedBy, &created)
	if err != nil {
		return campaign.Campaign{}, err
	}
	c.Opens, c.Closes, c.CreatedAt = fromNull(opens), fromNull(closes), fromNano(created)
	return c, nil
}

// Responses returns the assessments of a campaign by creation time, without their answers.
func (s *Store) Responses(ctx context.Context, campaignID string) ([]campaign.Response, error) {
	rows, err := s.query(ctx, sqlResponses, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: responses to %s: %w", campaignID, err)
	}
	defer rows.Close()
	var out []campaign.Response
	for rows.Next() {
		var r campaign.Response
		var status string
		var created int64
		var submitted sql.NullInt64
		if err := rows.Scan(&r.AssessmentID, &r.Invitation, &status, &r.Consent, &created, &submitted,
			&r.SizeBand, &r.Sector); err != nil {
			return nil, fmt.Errorf("store: responses to %s: %w", campaignID, err)
		}
		r.Status, r.CreatedAt, r.SubmittedAt = assessment.Status(status), fromNano(created), fromNull(submitted)
		out = append(out, r)
	}
	return out, wrap(rows.Err(), "store: responses to "+campaignID)
}
