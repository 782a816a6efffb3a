package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/campaign"
)

const colInvitations = "invitations"

// invitationDoc is one invitation. Batch (when AddInvitations was called, Unix nanoseconds)
// and Pos (the position in that call) order the invitations added with one CreatedAt.
type invitationDoc struct {
	ID         string    `bson:"_id"`
	CampaignID string    `bson:"campaign_id"`
	TokenHash  string    `bson:"token_hash"`
	Firm       string    `bson:"firm"`
	Email      string    `bson:"email"`
	SizeBand   string    `bson:"size_band"`
	Sector     string    `bson:"sector"`
	Prefecture string    `bson:"prefecture"`
	Key        string    `bson:"key"` // unique within the campaign (index campaign_key)
	CreatedAt  time.Time `bson:"created_at"`
	SentAt     time.Time `bson:"sent_at,omitempty"`
	Batch      int64     `bson:"batch"`
	Pos        int       `bson:"pos"`
}

func invitationToDoc(inv campaign.Invitation) invitationDoc {
	return invitationDoc{
		ID: inv.ID, CampaignID: inv.CampaignID, TokenHash: inv.TokenHash, Firm: inv.Firm, Email: inv.Email,
		SizeBand: inv.SizeBand, Sector: inv.Sector, Prefecture: inv.Prefecture, Key: inv.Key,
		CreatedAt: millis(inv.CreatedAt), SentAt: millis(inv.SentAt),
	}
}

func invitationFromDoc(d invitationDoc) campaign.Invitation {
	return campaign.Invitation{
		ID: d.ID, CampaignID: d.CampaignID, TokenHash: d.TokenHash, Firm: d.Firm, Email: d.Email,
		SizeBand: d.SizeBand, Sector: d.Sector, Prefecture: d.Prefecture, Key: d.Key,
		CreatedAt: utc(d.CreatedAt), SentAt: utc(d.SentAt),
	}
}

// AddInvitations stores the invitations whose key the campaign has no invitation with yet,
// and returns those, in the order given, each with campaignID as its campaign. Without a
// transaction, it inserts them all in one unordered write and skips those the unique index
// campaign_key refuses (or _id: FerretDB's duplicate-key error does not say which index), so
// a failure half-way leaves the invitations stored so far, which a retry skips.
func (s *Store) AddInvitations(ctx context.Context, campaignID string, invs []campaign.Invitation) ([]campaign.Invitation, error) {
	if len(invs) == 0 {
		return nil, nil
	}
	batch := time.Now().UnixNano()
	docs := make([]invitationDoc, len(invs))
	for i, inv := range invs {
		inv.CampaignID = campaignID
		docs[i] = invitationToDoc(inv)
		docs[i].Batch, docs[i].Pos = batch, i
	}
	_, err := s.db.Collection(colInvitations).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	skipped := map[int]bool{}
	var bwe mongo.BulkWriteException
	switch {
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if !isDuplicate(we.Code) {
				return nil, fmt.Errorf("mongodb: invite to campaign %s: %w", campaignID, err)
			}
			skipped[we.Index] = true
		}
	case err != nil:
		return nil, fmt.Errorf("mongodb: invite to campaign %s: %w", campaignID, err)
	}
	var added []campaign.Invitation
	for i, inv := range invs {
		if !skipped[i] {
			inv.CampaignID = campaignID
			added = append(added, inv)
		}
	}
	return added, nil
}

// Invitations returns the invitations of a campaign in the order they were added (index
// campaign_invitations).
func (s *Store) Invitations(ctx context.Context, campaignID string) ([]campaign.Invitation, error) {
	sort := bson.D{{Key: "created_at", Value: 1}, {Key: "batch", Value: 1}, {Key: "pos", Value: 1}}
	return findAll(ctx, s.db.Collection(colInvitations), bson.D{{Key: "campaign_id", Value: campaignID}}, sort,
		invitationFromDoc, "invitations of "+campaignID)
}

// InvitationByToken finds an invitation by the hash of its token; a missing one is
// campaign.ErrNotFound.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash string) (campaign.Invitation, error) {
	return findOne(ctx, s.db.Collection(colInvitations), bson.D{{Key: "token_hash", Value: tokenHash}}, invitationFromDoc,
		campaign.ErrNotFound, "invitation")
}

// MarkInvitationsSent records when the invitations with these ids, of the campaign, were
// e-mailed; ids of no invitation of the campaign are ignored.
func (s *Store) MarkInvitationsSent(ctx context.Context, campaignID string, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "campaign_id", Value: campaignID}}
	_, err := s.db.Collection(colInvitations).UpdateMany(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "sent_at", Value: millis(at)}}}})
	if err != nil {
		return fmt.Errorf("mongodb: mark invitations of %s sent: %w", campaignID, err)
	}
	return nil
}
