package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

const (
	colAssessments = "assessments"
	// colCounters holds one document per questionnaire version, {_id: "submissions/<id>/<version>",
	// seq: <last sequence handed out>}.
	colCounters = "counters"
)

// assessmentDoc is one assessment. The answers and the result are compact JSON strings: they
// round-trip exactly (numbers and nesting as the respondent sent them), and decoding one string
// is several times faster than decoding a BSON sub-document per question. A submitted
// assessment also carries its compact submission row, sub (submissionDoc), which is all that
// Submissions reads.
type assessmentDoc struct {
	ID              string    `bson:"_id"`
	QuestionnaireID string    `bson:"questionnaire_id"`
	Version         int       `bson:"version"`
	Hash            string    `bson:"hash"`
	Lang            string    `bson:"lang"`
	Status          string    `bson:"status"`
	Revision        int       `bson:"revision"`
	Answers         string    `bson:"answers"`
	TokenHash       string    `bson:"token_hash"`
	CreatedAt       time.Time `bson:"created_at"`
	UpdatedAt       time.Time `bson:"updated_at"`
	SubmittedAt     time.Time `bson:"submitted_at,omitempty"`
	FirmKey         string    `bson:"firm_key"`
	PreviousID      string    `bson:"previous_id,omitempty"`
	Result          string    `bson:"result,omitempty"`
	// Campaign is indexed with created_at for Responses (campaign_created); a tombstone has
	// none, so a deleted assessment is no response.
	Campaign   string `bson:"campaign,omitempty"`
	Invitation string `bson:"invitation,omitempty"`
	Consent    bool   `bson:"consent,omitempty"`
}

// submissionDoc is the compact row embedded as sub in a submitted assessment. Seq is absent
// until MarkSubmitted (or AssignMissingSeqs) numbers it; sequences start at 1.
type submissionDoc struct {
	Seq             int64     `bson:"seq,omitempty"`
	QuestionnaireID string    `bson:"questionnaire_id"`
	Version         int       `bson:"version"`
	Campaign        string    `bson:"campaign"`
	FirmKey         string    `bson:"firm_key"`
	SizeBand        string    `bson:"size_band"`
	Sector          string    `bson:"sector"`
	Prefecture      string    `bson:"prefecture"`
	SubmittedAt     time.Time `bson:"submitted_at"`
	// Client is the keyed hash of the submitting client's address (assessment.Submission);
	// absent on documents from before it was recorded and on tombstones.
	Client  string             `bson:"client,omitempty"`
	Overall *float64           `bson:"overall"`
	Domains map[string]float64 `bson:"domains"`
	Choices string             `bson:"choices"` // JSON, as the answers
	// Codes are the choices as scoring.EncodeChoices encodes them (BSON binary); absent on
	// documents from before they were written, and on tombstones.
	Codes []byte `bson:"codes,omitempty"`
	// Deleted and Replaces mark a tombstone (assessment.Submission).
	Deleted  bool  `bson:"deleted,omitempty"`
	Replaces int64 `bson:"replaces,omitempty"`
}

// statusDeleted is the status of a tombstone document: what DeleteAssessment leaves of a
// submitted assessment, its _id and its tombstone row as sub (tombstoneDoc), nothing else.
// Assessment treats it as missing.
const statusDeleted = "deleted"

// tombstoneDoc is the whole of a tombstone document.
type tombstoneDoc struct {
	ID     string        `bson:"_id"`
	Status string        `bson:"status"`
	Sub    submissionDoc `bson:"sub"`
}

func assessmentToDoc(a assessment.Assessment) (assessmentDoc, error) {
	ans, err := encodeAnswers(a.Answers)
	if err != nil {
		return assessmentDoc{}, err
	}
	d := assessmentDoc{
		ID: a.ID, QuestionnaireID: a.QuestionnaireID, Version: a.Version, Hash: a.Hash, Lang: a.Lang,
		Status: string(a.Status), Revision: a.Revision, Answers: ans, TokenHash: a.TokenHash,
		CreatedAt: millis(a.CreatedAt), UpdatedAt: millis(a.UpdatedAt), SubmittedAt: millis(a.SubmittedAt),
		FirmKey: a.FirmKey, PreviousID: a.PreviousID, Campaign: a.Campaign, Invitation: a.Invitation, Consent: a.Consent,
	}
	if a.Result != nil {
		if d.Result, err = encodeResult(*a.Result); err != nil {
			return assessmentDoc{}, err
		}
	}
	return d, nil
}

func assessmentFromDoc(d assessmentDoc) (assessment.Assessment, error) {
	var ans questionnaire.Answers
	if err := json.Unmarshal([]byte(d.Answers), &ans); err != nil {
		return assessment.Assessment{}, fmt.Errorf("mongodb: assessment %s: answers: %w", d.ID, err)
	}
	a := assessment.Assessment{
		ID: d.ID, QuestionnaireID: d.QuestionnaireID, Version: d.Version, Hash: d.Hash, Lang: d.Lang,
		Status: assessment.Status(d.Status), Revision: d.Revision, Answers: ans, TokenHash: d.TokenHash,
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt), SubmittedAt: utc(d.SubmittedAt),
		FirmKey: d.FirmKey, PreviousID: d.PreviousID, Campaign: d.Campaign, Invitation: d.Invitation, Consent: d.Consent,
	}
	if d.Result != "" {
		var r scoring.Result
		if err := json.Unmarshal([]byte(d.Result), &r); err != nil {
			return assessment.Assessment{}, fmt.Errorf("mongodb: assessment %s: result: %w", d.ID, err)
		}
		a.Result = &r
	}
	return a, nil
}

func submissionToDoc(row assessment.Submission) (submissionDoc, error) {
	choices, err := json.Marshal(row.Choices)
	if err != nil {
		return submissionDoc{}, fmt.Errorf("mongodb: encode choices: %w", err)
	}
	return submissionDoc{
		QuestionnaireID: row.QuestionnaireID, Version: row.Version, Campaign: row.Campaign,
		FirmKey: row.FirmKey, SizeBand: row.SizeBand, Sector: row.Sector, Prefecture: row.Prefecture,
		SubmittedAt: millis(row.SubmittedAt), Client: row.Client, Overall: row.Overall, Domains: row.Domains,
		Choices: string(choices), Codes: row.Codes,
	}, nil
}

func submissionFromDoc(id string, d submissionDoc) (assessment.Submission, error) {
	var choices questionnaire.Answers
	if d.Choices != "" { // left out by the projection unless asked for
		if err := json.Unmarshal([]byte(d.Choices), &choices); err != nil {
			return assessment.Submission{}, fmt.Errorf("mongodb: submission of %s: choices: %w", id, err)
		}
	}
	var codes []byte
	if len(d.Codes) > 0 {
		codes = d.Codes
	}
	return assessment.Submission{
		Seq: d.Seq, AssessmentID: id, FirmKey: d.FirmKey, QuestionnaireID: d.QuestionnaireID,
		Version: d.Version, Campaign: d.Campaign, SizeBand: d.SizeBand, Sector: d.Sector,
		Prefecture: d.Prefecture, SubmittedAt: utc(d.SubmittedAt), Client: d.Client, Overall: d.Overall,
		Domains: d.Domains, Choices: choices, Codes: codes, Deleted: d.Deleted, Replaces: d.Replaces,
	}, nil
}

func encodeAnswers(a questionnaire.Answers) (string, error) {
	if a == nil {
		a = questionnaire.Answers{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("mongodb: encode answers: %w", err)
	}
	return string(b), nil
}

func encodeResult(r scoring.Result) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("mongodb: encode result: %w", err)
	}
	return string(b), nil
}

// CreateAssessment stores a new assessment; an id already stored is assessment.ErrConflict.
func (s *Store) CreateAssessment(ctx context.Context, a assessment.Assessment) error {
	d, err := assessmentToDoc(a)
	if err != nil {
		return err
	}
	_, err = s.db.Collection(colAssessments).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: create assessment %s: %w", a.ID, assessment.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: create assessment %s: %w", a.ID, err)
	}
	return nil
}

// Assessment returns one assessment; a missing one is assessment.ErrNotFound.
func (s *Store) Assessment(ctx context.Context, id string) (assessment.Assessment, error) {
	var d assessmentDoc
	err := s.db.Collection(colAssessments).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return assessment.Assessment{}, fmt.Errorf("mongodb: assessment %s: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("mongodb: find assessment %s: %w", id, err)
	}
	if d.Status == statusDeleted {
		return assessment.Assessment{}, fmt.Errorf("mongodb: assessment %s: %w", id, assessment.ErrNotFound)
	}
	return assessmentFromDoc(d)
}

// SaveDraft replaces the answers of a draft still at revision, and increments the revision.
// Anything else (a newer revision, a submitted or missing assessment) is
// assessment.ErrConflict and changes nothing.
func (s *Store) SaveDraft(ctx context.Context, id string, revision int, answers questionnaire.Answers, now time.Time) error {
	ans, err := encodeAnswers(answers)
	if err != nil {
		return err
	}
	return s.updateDraft(ctx, id, revision, bson.D{
		{Key: "answers", Value: ans}, {Key: "revision", Value: revision + 1}, {Key: "updated_at", Value: millis(now)},
	})
}

// MarkSubmitted freezes the draft still at revision with its result and its compact submission
// row, and returns the row's sequence. Otherwise it is assessment.ErrConflict and changes
// nothing. row.SubmittedAt is the submission time; row.Seq is ignored.
//
// It writes without a multi-document transaction, so that it runs on a standalone server, a
// replica set and FerretDB alike, in three steps:
//
//  1. one conditional update of the assessment ({_id, status: draft, revision}) sets it
//     submitted with its result and embeds the row as sub, without a sequence: this is the
//     commit point, atomic because it touches one document;
//  2. the counter of the questionnaire version hands out the next sequence ($inc, upserted);
//  3. the sequence is set on sub, only if it has none yet.
//
// A crash (or a failed write) after step 1 leaves a submitted assessment without a sequence,
// which Submissions does not show: AssignMissingSeqs, run by Open, numbers it, so no
// submission is lost. A crash between steps 2 and 3 burns a sequence, and two concurrent
// submissions can finish step 3 out of order, so a sequence can become visible shortly before
// a lower one. Readers (the peer cache) tolerate both by waiting a while for a gap to fill
// before reading past it.
func (s *Store) MarkSubmitted(ctx context.Context, id string, revision int, result scoring.Result, row assessment.Submission) (int64, error) {
	if row.AssessmentID != id {
		return 0, fmt.Errorf("mongodb: submit assessment %s: row is of assessment %q", id, row.AssessmentID)
	}
	res, err := encodeResult(result)
	if err != nil {
		return 0, err
	}
	sub, err := submissionToDoc(row)
	if err != nil {
		return 0, err
	}
	at := millis(row.SubmittedAt)
	err = s.updateDraft(ctx, id, revision, bson.D{
		{Key: "status", Value: string(assessment.StatusSubmitted)},
		{Key: "submitted_at", Value: at}, {Key: "updated_at", Value: at},
		{Key: "result", Value: res}, {Key: "sub", Value: sub},
	})
	if err != nil {
		return 0, err
	}
	return s.assignSeq(ctx, id, sub.QuestionnaireID, sub.Version)
}

// updateDraft sets fields of the draft still at revision; matching nothing is ErrConflict.
func (s *Store) updateDraft(ctx context.Context, id string, revision int, set bson.D) error {
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "status", Value: string(assessment.StatusDraft)},
		{Key: "revision", Value: revision},
	}
	res, err := s.db.Collection(colAssessments).UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return fmt.Errorf("mongodb: update assessment %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongodb: draft %s at revision %d: %w", id, revision, assessment.ErrConflict)
	}
	return nil
}

// assignSeq gives the submitted assessment id the next sequence of its questionnaire version,
// unless it has one already (another process's AssignMissingSeqs got there first: the new
// sequence is burned), and returns the sequence it has.
func (s *Store) assignSeq(ctx context.Context, id, questionnaireID string, version int) (int64, error) {
	seq, err := s.nextSeq(ctx, questionnaireID, version)
	if err != nil {
		return 0, err
	}
	filter := bson.D{{Key: "_id", Value: id}, {Key: "sub.seq", Value: bson.D{{Key: "$exists", Value: false}}}}
	res, err := s.db.Collection(colAssessments).UpdateOne(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "sub.seq", Value: seq}}}})
	if err != nil {
		return 0, fmt.Errorf("mongodb: number submission %s: %w", id, err)
	}
	if res.MatchedCount == 1 {
		return seq, nil
	}
	var d struct {
		Status string        `bson:"status"`
		Sub    submissionDoc `bson:"sub"`
	}
	err = s.db.Collection(colAssessments).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "status", Value: 1}, {Key: "sub.seq", Value: 1}})).Decode(&d)
	if err != nil {
		return 0, fmt.Errorf("mongodb: read sequence of submission %s: %w", id, err)
	}
	if d.Status == statusDeleted { // deleted before its number was written: the number is the tombstone's
		return 0, fmt.Errorf("mongodb: submission %s deleted while being numbered: %w", id, assessment.ErrNotFound)
	}
	return d.Sub.Seq, nil
}

// nextSeq hands out the next submission sequence of a questionnaire version, from 1.
func (s *Store) nextSeq(ctx context.Context, questionnaireID string, version int) (int64, error) {
	key := fmt.Sprintf("submissions/%s/%d", questionnaireID, version)
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	for attempt := 1; ; attempt++ {
		var c struct {
			Seq int64 `bson:"seq"`
		}
		err := s.db.Collection(colCounters).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: key}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}}, opts).Decode(&c)
		// Two first submissions of a version can race to insert the counter; the loser's
		// retry finds it and increments it.
		if mongo.IsDuplicateKeyError(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("mongodb: next sequence of %s: %w", key, err)
		}
		return c.Seq, nil
	}
}

// AssignMissingSeqs numbers the submitted assessments that have no sequence: those whose
// MarkSubmitted stopped after its first step (a crash, a lost connection). Open runs it, and it
// is safe to run at any time, from any number of processes: a submission never gets a second
// sequence, at worst a sequence is burned.
func (s *Store) AssignMissingSeqs(ctx context.Context) error {
	filter := bson.D{
		{Key: "status", Value: string(assessment.StatusSubmitted)},
		{Key: "sub.seq", Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: "sub", Value: bson.D{{Key: "$exists", Value: true}}},
	}
	proj := bson.D{{Key: "sub.questionnaire_id", Value: 1}, {Key: "sub.version", Value: 1}, {Key: "sub.submitted_at", Value: 1}}
	cur, err := s.db.Collection(colAssessments).Find(ctx, filter, options.Find().SetProjection(proj))
	if err != nil {
		return fmt.Errorf("mongodb: find unnumbered submissions: %w", err)
	}
	var docs []struct {
		ID  string        `bson:"_id"`
		Sub submissionDoc `bson:"sub"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return fmt.Errorf("mongodb: read unnumbered submissions: %w", err)
	}
	for _, d := range docs {
		seq, err := s.assignSeq(ctx, d.ID, d.Sub.QuestionnaireID, d.Sub.Version)
		if errors.Is(err, assessment.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return err
		}
		s.log.Warn("numbered a submission left without a sequence", "assessment", d.ID,
			"questionnaire", d.Sub.QuestionnaireID, "version", d.Sub.Version, "seq", seq)
	}
	return nil
}

// Submissions returns the compact rows of one questionnaire version with a sequence above
// after, in ascending sequence, at most limit of them (none when limit ≤ 0), of one campaign
// only when q.Campaign is set. It reads the submissions_seq index (campaign_submissions for a
// campaign) and the sub field only.
func (s *Store) Submissions(ctx context.Context, q assessment.SubmissionQuery) ([]assessment.Submission, error) {
	if q.Limit <= 0 {
		return nil, nil
	}
	filter := bson.D{
		{Key: "sub.questionnaire_id", Value: q.QuestionnaireID},
		{Key: "sub.version", Value: q.Version},
		{Key: "sub.seq", Value: bson.D{{Key: "$gt", Value: q.After}}},
	}
	if q.Campaign != "" {
		filter = append(bson.D{{Key: "sub.campaign", Value: q.Campaign}}, filter...)
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "sub.seq", Value: 1}}).
		SetLimit(int64(q.Limit)).
		SetProjection(submissionProjection(q))
	what := fmt.Sprintf("submissions of %s v%d after %d", q.QuestionnaireID, q.Version, q.After)
	cur, err := s.db.Collection(colAssessments).Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", what, err)
	}
	defer cur.Close(ctx)
	out := make([]assessment.Submission, 0, min(q.Limit, 1024))
	for cur.Next(ctx) {
		var d struct {
			ID  string        `bson:"_id"`
			Sub submissionDoc `bson:"sub"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("mongodb: %s: decode: %w", what, err)
		}
		row, err := submissionFromDoc(d.ID, d.Sub)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", what, err)
	}
	if q.Codes && !q.Choices {
		return out, s.choicesWithoutCodes(ctx, out)
	}
	return out, nil
}

// submissionProjection is an inclusion projection of what q asks for: the answers and the
// result never leave the server, nor the choices unless asked for.
func submissionProjection(q assessment.SubmissionQuery) bson.D {
	if q.Choices {
		return bson.D{{Key: "sub", Value: 1}}
	}
	proj := bson.D{}
	for _, f := range []string{"seq", "questionnaire_id", "version", "campaign", "firm_key", "size_band",
		"sector", "prefecture", "submitted_at", "client", "overall", "domains", "deleted", "replaces"} {
		proj = append(proj, bson.E{Key: "sub." + f, Value: 1})
	}
	if q.Codes {
		proj = append(proj, bson.E{Key: "sub.codes", Value: 1})
	}
	return proj
}

// choicesWithoutCodes reads the choices of the rows that have no codes (written before codes
// were; tombstones have neither) in a second query by _id: a find cannot project a field only
// where another is missing without the aggregation expressions that FerretDB lacks, and such
// rows are few and read once. A row deleted between the two reads stays without choices; its
// tombstone follows it.
func (s *Store) choicesWithoutCodes(ctx context.Context, rows []assessment.Submission) error {
	at := map[string]int{}
	ids := bson.A{}
	for i, r := range rows {
		if len(r.Codes) == 0 && !r.Deleted {
			at[r.AssessmentID] = i
			ids = append(ids, r.AssessmentID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	cur, err := s.db.Collection(colAssessments).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "sub.choices", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongodb: choices of %d submissions without codes: %w", len(ids), err)
	}
	var docs []struct {
		ID  string `bson:"_id"`
		Sub struct {
			Choices string `bson:"choices"`
		} `bson:"sub"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return fmt.Errorf("mongodb: choices of %d submissions without codes: %w", len(ids), err)
	}
	for _, d := range docs {
		if i, ok := at[d.ID]; ok && d.Sub.Choices != "" {
			if err := json.Unmarshal([]byte(d.Sub.Choices), &rows[i].Choices); err != nil {
				return fmt.Errorf("mongodb: submission of %s: choices: %w", d.ID, err)
			}
		}
	}
	return nil
}

// SetConsent records whether the firm of an assessment, draft or submitted, consents to its
// chamber seeing its answers; a missing (or deleted) assessment is assessment.ErrNotFound.
func (s *Store) SetConsent(ctx context.Context, id string, consent bool) error {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "status", Value: bson.D{{Key: "$ne", Value: statusDeleted}}}}
	res, err := s.db.Collection(colAssessments).UpdateOne(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "consent", Value: consent}}}})
	if err != nil {
		return fmt.Errorf("mongodb: set consent of assessment %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongodb: assessment %s: %w", id, assessment.ErrNotFound)
	}
	return nil
}
