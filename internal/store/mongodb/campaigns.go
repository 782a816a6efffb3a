package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/campaign"
)

const colCampaigns = "campaigns"

// campaignDoc is a campaign. A campaign without an open link has no code field, so the unique
// sparse index code_unique leaves it out (on FerretDB, which ignores sparse, a missing field is
// NULL in an SQLite unique index, which admits any number of them).
type campaignDoc struct {
	ID              string    `bson:"_id"`
	ChamberID       string    `bson:"chamber_id"`
	QuestionnaireID string    `bson:"questionnaire_id"`
	Version         int       `bson:"version"`
	TitleJA         string    `bson:"title_ja"`
	TitleEN         string    `bson:"title_en"`
	Opens           time.Time `bson:"opens,omitempty"`
	Closes          time.Time `bson:"closes,omitempty"`
	K               int       `bson:"k"`
	Code            string    `bson:"code,omitempty"`
	CreatedBy       string    `bson:"created_by"`
	CreatedAt       time.Time `bson:"created_at"`
}

func campaignToDoc(c campaign.Campaign) campaignDoc {
	return campaignDoc{
		ID: c.ID, ChamberID: c.ChamberID, QuestionnaireID: c.QuestionnaireID, Version: c.Version,
		TitleJA: c.TitleJA, TitleEN: c.TitleEN, Opens: millis(c.Opens), Closes: millis(c.Closes), K: c.K,
		Code: c.Code, CreatedBy: c.CreatedBy, CreatedAt: millis(c.CreatedAt),
	}
}

func campaignFromDoc(d campaignDoc) campaign.Campaign {
	return campaign.Campaign{
		ID: d.ID, ChamberID: d.ChamberID, QuestionnaireID: d.QuestionnaireID, Version: d.Version,
		TitleJA: d.TitleJA, TitleEN: d.TitleEN, Opens: utc(d.Opens), Closes: utc(d.Closes), K: d.K,
		Code: d.Code, CreatedBy: d.CreatedBy, CreatedAt: utc(d.CreatedAt),
	}
}

// CreateCampaign stores a new campaign; an id or a non-empty code in use is
// campaign.ErrConflict.
func (s *Store) CreateCampaign(ctx context.Context, c campaign.Campaign) error {
	_, err := s.db.Collection(colCampaigns).InsertOne(ctx, campaignToDoc(c))
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: create campaign %s (code %q): %w", c.ID, c.Code, campaign.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: create campaign %s: %w", c.ID, err)
	}
	return nil
}

// Campaign returns one campaign; a missing one is campaign.ErrNotFound.
func (s *Store) Campaign(ctx context.Context, id string) (campaign.Campaign, error) {
	return s.findCampaign(ctx, bson.D{{Key: "_id", Value: id}}, "campaign "+id)
}

// CampaignByCode finds the campaign of an open-link code; "" finds none.
func (s *Store) CampaignByCode(ctx context.Context, code string) (campaign.Campaign, error) {
	if code == "" {
		return campaign.Campaign{}, fmt.Errorf("mongodb: campaign with no code: %w", campaign.ErrNotFound)
	}
	return s.findCampaign(ctx, bson.D{{Key: "code", Value: code}}, "campaign with code "+code)
}

func (s *Store) findCampaign(ctx context.Context, filter bson.D, what string) (campaign.Campaign, error) {
	return findOne(ctx, s.db.Collection(colCampaigns), filter, campaignFromDoc, campaign.ErrNotFound, what)
}

// Campaigns returns the campaigns of a chamber, newest first (index chamber_campaigns).
func (s *Store) Campaigns(ctx context.Context, chamberID string) ([]campaign.Campaign, error) {
	return findAll(ctx, s.db.Collection(colCampaigns), bson.D{{Key: "chamber_id", Value: chamberID}},
		bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}, campaignFromDoc, "campaigns of "+chamberID)
}

// UpdateCampaign replaces the titles, dates and code of a campaign. A code in use by another
// campaign is looked for first: FerretDB reports the unique index refusing an update as an
// internal error, not as a duplicate key, which MongoDB does (for an update racing another).
func (s *Store) UpdateCampaign(ctx context.Context, c campaign.Campaign) error {
	campaigns := s.db.Collection(colCampaigns)
	if c.Code != "" {
		taken := bson.D{{Key: "code", Value: c.Code}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: c.ID}}}}
		err := campaigns.FindOne(ctx, taken, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
		if err == nil {
			return fmt.Errorf("mongodb: campaign %s: code %q: %w", c.ID, c.Code, campaign.ErrConflict)
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("mongodb: update campaign %s: %w", c.ID, err)
		}
	}
	d := campaignToDoc(c)
	update := setOrUnset(bson.D{{Key: "title_ja", Value: d.TitleJA}, {Key: "title_en", Value: d.TitleEN}},
		bson.D{{Key: "opens", Value: d.Opens}, {Key: "closes", Value: d.Closes}, {Key: "code", Value: d.Code}})
	res, err := campaigns.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, update)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: campaign %s: code %q: %w", c.ID, c.Code, campaign.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: update campaign %s: %w", c.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongodb: campaign %s: %w", c.ID, campaign.ErrNotFound)
	}
	return nil
}

// responseDoc is what Responses reads of an assessment: never its answers or result.
type responseDoc struct {
	ID          string    `bson:"_id"`
	Invitation  string    `bson:"invitation"`
	Status      string    `bson:"status"`
	Consent     bool      `bson:"consent"`
	CreatedAt   time.Time `bson:"created_at"`
	SubmittedAt time.Time `bson:"submitted_at"`
	Sub         struct {
		SizeBand string `bson:"size_band"`
		Sector   string `bson:"sector"`
	} `bson:"sub"`
}

// Responses returns the assessments of a campaign by creation time (index campaign_created),
// with the size band and sector of their submission rows. Tombstones have no campaign field
// of their own, so deleted assessments are left out.
func (s *Store) Responses(ctx context.Context, campaignID string) ([]campaign.Response, error) {
	if campaignID == "" {
		return nil, nil
	}
	proj := bson.D{}
	for _, f := range []string{"invitation", "status", "consent", "created_at", "submitted_at", "sub.size_band", "sub.sector"} {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	return findAll(ctx, s.db.Collection(colAssessments), bson.D{{Key: "campaign", Value: campaignID}},
		bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, responseFromDoc, "responses to "+campaignID,
		options.Find().SetProjection(proj))
}

func responseFromDoc(d responseDoc) campaign.Response {
	return campaign.Response{
		AssessmentID: d.ID, Invitation: d.Invitation, Status: assessment.Status(d.Status), Consent: d.Consent,
		CreatedAt: utc(d.CreatedAt), SubmittedAt: utc(d.SubmittedAt), SizeBand: d.Sub.SizeBand, Sector: d.Sub.Sector,
	}
}
