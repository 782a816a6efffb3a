package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/esready/esready/internal/campaign"
)

const (
	// OR IGNORE skips an invitation whose key the campaign has already (invitations_by_key):
	// the same file uploaded twice invites no firm twice.
	sqlInsertInvitation = `INSERT OR IGNORE INTO invitations (id, campaign_id, token_hash, firm, email, size_band,
		sector, prefecture, key, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// seq, the rowid, is the last column of invitations_by_campaign: the order needs no sort.
	sqlInvitationsOf = `SELECT id, campaign_id, token_hash, firm, email, size_band, sector, prefecture, key,
		created_at, sent_at FROM invitations WHERE campaign_id = ? ORDER BY created_at, seq`
	sqlInvitationByToken = `SELECT id, campaign_id, token_hash, firm, email, size_band, sector, prefecture, key,
		created_at, sent_at FROM invitations WHERE token_hash = ? LIMIT 1`
	sqlMarkInvitationSent = `UPDATE invitations SET sent_at = ? WHERE id = ? AND campaign_id = ?`
)

// AddInvitations stores, in one transaction, the invitations whose key the campaign has no
// invitation with yet, and returns those, in the order given. Each is stored with campaignID
// as its campaign. An invitation whose id is in use is skipped too, as on MongoDB, where a
// duplicate key does not say which key it was.
func (s *Store) AddInvitations(ctx context.Context, campaignID string, invs []campaign.Invitation) ([]campaign.Invitation, error) {
	var added []campaign.Invitation
	err := s.w.exec(ctx, func(tx wtx) error {
		added = added[:0]
		for _, inv := range invs {
			inv.CampaignID = campaignID
			res, err := tx.Exec(sqlInsertInvitation, inv.ID, inv.CampaignID, inv.TokenHash, inv.Firm, inv.Email,
				inv.SizeBand, inv.Sector, inv.Prefecture, inv.Key, unixNano(inv.CreatedAt), nullTime(inv.SentAt))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				added = append(added, inv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: invite to campaign %s: %w", campaignID, err)
	}
	return added, nil
}

// Invitations returns the invitations of a campaign in the order they were added.
func (s *Store) Invitations(ctx context.Context, campaignID string) ([]campaign.Invitation, error) {
	rows, err := s.query(ctx, sqlInvitationsOf, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: invitations of %s: %w", campaignID, err)
	}
	defer rows.Close()
	var out []campaign.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: invitations of %s: %w", campaignID, err)
		}
		out = append(out, inv)
	}
	return out, wrap(rows.Err(), "store: invitations of "+campaignID)
}

// InvitationByToken finds an invitation by the hash of its token; a missing one is
// campaign.ErrNotFound.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash string) (campaign.Invitation, error) {
	inv, err := scanInvitation(s.queryRow(ctx, sqlInvitationByToken, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return campaign.Invitation{}, fmt.Errorf("store: invitation: %w", campaign.ErrNotFound)
	}
	return inv, wrap(err, "store: find invitation")
}

// MarkInvitationsSent records when the invitations with these ids, of the campaign, were
// e-mailed; ids of no invitation of the campaign are ignored.
func (s *Store) MarkInvitationsSent(ctx context.Context, campaignID string, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.w.exec(ctx, func(tx wtx) error {
		for _, id := range ids {
			if _, err := tx.Exec(sqlMarkInvitationSent, unixNano(at), id, campaignID); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "store: mark invitations sent")
}

func scanInvitation(r scanner) (campaign.Invitation, error) {
	var inv campaign.Invitation
	var created int64
	var sent sql.NullInt64
	err := r.Scan(&inv.ID, &inv.CampaignID, &inv.TokenHash, &inv.Firm, &inv.Email, &inv.SizeBand, &inv.Sector,
		&inv.Prefecture, &inv.Key, &created, &sent)
	if err != nil {
		return campaign.Invitation{}, err
	}
	inv.CreatedAt, inv.SentAt = fromNano(created), fromNull(sent)
	return inv, nil
}
