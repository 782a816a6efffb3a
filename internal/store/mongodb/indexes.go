package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collections lists every collection with the indexes its queries need beyond _id. Open
// creates them all; creating an index that exists with the same name and keys is a no-op.
var collections = []struct {
	name    string
	indexes []mongo.IndexModel
}{
	{colUsers, []mongo.IndexModel{
		// UserByEmail, and one account per address.
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_unique").SetUnique(true)},
		// UsersOfChamber, by e-mail address.
		{Keys: bson.D{{Key: "chamber_id", Value: 1}, {Key: "email", Value: 1}}, Options: options.Index().SetName("chamber_users")},
		// UserByInvite.
		{Keys: bson.D{{Key: "invite_hash", Value: 1}}, Options: options.Index().SetName("invite_hash")},
	}},
	// chambers is read by _id only (Chambers lists them all, by _id).
	{colTokens, []mongo.IndexModel{
		// The hash is _id. RevokeRefreshFamily and RevokeUserTokens.
		{Keys: bson.D{{Key: "family", Value: 1}}, Options: options.Index().SetName("family")},
		{Keys: bson.D{{Key: "user_id", Value: 1}}, Options: options.Index().SetName("user_id")},
	}},
	{colCampaigns, []mongo.IndexModel{
		// Campaigns: a chamber's, newest first.
		{Keys: bson.D{{Key: "chamber_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName("chamber_campaigns")},
		// CampaignByCode, and one campaign per code. Sparse: campaigns without an open link have
		// no code field (campaignDoc).
		{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetName("code_unique").SetUnique(true).SetSparse(true)},
	}},
	{colInvitations, []mongo.IndexModel{
		// AddInvitations: one invitation per firm and campaign.
		{Keys: bson.D{{Key: "campaign_id", Value: 1}, {Key: "key", Value: 1}}, Options: options.Index().SetName("campaign_key").SetUnique(true)},
		// Invitations, in the order they were added.
		{Keys: bson.D{{Key: "campaign_id", Value: 1}, {Key: "created_at", Value: 1}, {Key: "batch", Value: 1}, {Key: "pos", Value: 1}},
			Options: options.Index().SetName("campaign_invitations")},
		// InvitationByToken.
		{Keys: bson.D{{Key: "token_hash", Value: 1}}, Options: options.Index().SetName("token_hash")},
	}},
	{colAssessments, []mongo.IndexModel{
		// Submissions: the rows of one questionnaire version after a sequence, in order.
		{Keys: bson.D{{Key: "sub.questionnaire_id", Value: 1}, {Key: "sub.version", Value: 1}, {Key: "sub.seq", Value: 1}}, Options: options.Index().SetName("submissions_seq")},
		// AssignMissingSeqs: submitted documents without a sequence (a missing field is indexed
		// as null, so the scan reads only those).
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "sub.seq", Value: 1}}, Options: options.Index().SetName("status_seq")},
		// DeleteDrafts: the drafts last saved before a time.
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "updated_at", Value: 1}}, Options: options.Index().SetName("drafts_updated")},
		// Responses: a campaign's assessments by creation.
		{Keys: bson.D{{Key: "campaign", Value: 1}, {Key: "created_at", Value: 1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName("campaign_created")},
		// Submissions of one campaign: its rows of one questionnaire version after a sequence.
		{Keys: bson.D{{Key: "sub.campaign", Value: 1}, {Key: "sub.questionnaire_id", Value: 1}, {Key: "sub.version", Value: 1},
			{Key: "sub.seq", Value: 1}}, Options: options.Index().SetName("campaign_submissions")},
	}},
	// counters is read by _id only.
}

// ensureIndexes creates the indexes one at a time: FerretDB v1.24 drops the connection (a
// panic in its createIndexes) when one command lists two or more indexes that exist already.
func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, c := range collections {
		for _, ix := range c.indexes {
			if _, err := s.db.Collection(c.name).Indexes().CreateOne(ctx, ix); err != nil {
				return fmt.Errorf("mongodb: create indexes of %s: %w", c.name, err)
			}
		}
	}
	return nil
}
