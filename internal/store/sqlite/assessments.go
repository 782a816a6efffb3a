package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// The statements on assessments and submissions. plan_test.go runs EXPLAIN QUERY PLAN on every
// statement of the package (every const named sql…) and fails on a scan of a growing table.
const (
	sqlInsertAssessment = `INSERT INTO assessments (id, questionnaire_id, version, hash, lang, status, revision,
		answers, token_hash, firm_key, previous_id, created_at, updated_at, submitted_at, result, campaign, invitation,
		consent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlAssessmentByID = `SELECT id, questionnaire_id, version, hash, lang, status, revision, answers, token_hash,
		firm_key, previous_id, created_at, updated_at, submitted_at, result, campaign, invitation, consent
		FROM assessments WHERE id = ?`
	sqlSetConsent = `UPDATE assessments SET consent = ? WHERE id = ?`
	sqlSaveDraft  = `UPDATE assessments SET answers = ?, revision = revision + 1, updated_at = ?
		WHERE id = ? AND status = 'draft' AND revision = ?`
	sqlMarkSubmitted = `UPDATE assessments SET status = 'submitted', submitted_at = ?, updated_at = ?, result = ?
		WHERE id = ? AND status = 'draft' AND revision = ?`
	sqlNextSeq          = `SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions WHERE questionnaire_id = ? AND version = ?`
	sqlInsertSubmission = `INSERT INTO submissions (questionnaire_id, version, seq, assessment_id, firm_key, campaign,
		size_band, sector, prefecture, submitted_at, client, overall, domains, choices, codes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// The compact rows after a sequence. The first three parameters say what else to read: the
	// codes (asked for with the choices or instead of them); the choices; the choices of the
	// rows without codes.
	sqlSubmissionsAfter = `SELECT seq, assessment_id, firm_key, campaign, size_band, sector, prefecture, submitted_at,
		client, overall, domains, CASE WHEN ? THEN codes ELSE x'' END,
		CASE WHEN ? OR (? AND length(codes) = 0) THEN choices ELSE '' END, replaces FROM submissions
		WHERE questionnaire_id = ? AND version = ? AND seq > ? ORDER BY seq LIMIT ?`
	// The same rows, of one campaign only (submissions_by_campaign); the parameters come in the
	// same order, with the campaign before the limit.
	sqlCampaignSubmissionsAfter = `SELECT seq, assessment_id, firm_key, campaign, size_band, sector, prefecture,
		submitted_at, client, overall, domains, CASE WHEN ? THEN codes ELSE x'' END,
		CASE WHEN ? OR (? AND length(codes) = 0) THEN choices ELSE '' END, replaces FROM submissions
		WHERE questionnaire_id = ? AND version = ? AND seq > ? AND campaign = ? ORDER BY seq LIMIT ?`
	sqlDeleteAssessment = `DELETE FROM assessments WHERE id = ?`
	sqlSubmissionOf     = `SELECT questionnaire_id, version, seq, firm_key, campaign, submitted_at FROM submissions
		WHERE assessment_id = ?`
	// The tombstone keeps the ids and the time of the row and blanks everything about the firm
	// and where it submitted from.
	sqlTombstone = `UPDATE submissions SET seq = ?, replaces = seq, size_band = '', sector = '', prefecture = '',
		client = '', overall = NULL, domains = '{}', choices = '{}', codes = x'' WHERE assessment_id = ?`
	sqlDeleteDrafts = `DELETE FROM assessments WHERE id IN
		(SELECT id FROM assessments WHERE status = 'draft' AND updated_at < ? LIMIT ?)`
)

// The statements each handle prepares at start-up.
var (
	writeStatements = []string{sqlInsertAssessment, sqlSaveDraft, sqlMarkSubmitted, sqlNextSeq, sqlInsertSubmission,
		sqlDeleteAssessment, sqlSubmissionOf, sqlTombstone, sqlDeleteDrafts, sqlSetConsent,
		sqlInsertUser, sqlUpdateUser, sqlInsertChamber,
		sqlInsertToken, sqlTokenByHash, sqlRotateToken, sqlRevokeTokenFamily, sqlRevokeUserTokens,
		sqlInsertCampaign, sqlUpdateCampaign, sqlInsertInvitation, sqlMarkInvitationSent}
	readStatements = []string{sqlAssessmentByID, sqlSubmissionsAfter, sqlCampaignSubmissionsAfter,
		sqlUserByEmail, sqlUserByID, sqlUserByInvite, sqlUsersOfChamber, sqlChamberByID, sqlChambers,
		sqlCampaignByID, sqlCampaignByCode, sqlCampaignsOfChamber, sqlInvitationsOf, sqlInvitationByToken, sqlResponses, sqlTokenByHash}
)

// CreateAssessment stores a new assessment; an existing id is assessment.ErrConflict.
func (s *Store) CreateAssessment(ctx context.Context, a assessment.Assessment) error {
	ans, err := encodeJSON(nonNil(a.Answers))
	if err != nil {
		return err
	}
	var res any
	if a.Result != nil {
		if res, err = encodeJSON(a.Result); err != nil {
			return err
		}
	}
	err = s.w.exec(ctx, func(tx wtx) error {
		_, err := tx.Exec(sqlInsertAssessment, a.ID, a.QuestionnaireID, a.Version, a.Hash, a.Lang, string(a.Status),
			a.Revision, ans, a.TokenHash, a.FirmKey, a.PreviousID, unixNano(a.CreatedAt), unixNano(a.UpdatedAt),
			nullTime(a.SubmittedAt), res, a.Campaign, a.Invitation, a.Consent)
		return err
	})
	if isUnique(err) {
		return fmt.Errorf("store: assessment %s: %w", a.ID, assessment.ErrConflict)
	}
	return wrap(err, "store: create assessment")
}

// Assessment returns one assessment; a missing one is assessment.ErrNotFound.
func (s *Store) Assessment(ctx context.Context, id string) (assessment.Assessment, error) {
	var (
		a                assessment.Assessment
		status, ans      string
		created, updated int64
		submitted        sql.NullInt64
		res              sql.NullString
	)
	err := s.queryRow(ctx, sqlAssessmentByID, id).Scan(&a.ID, &a.QuestionnaireID, &a.Version, &a.Hash,
		&a.Lang, &status, &a.Revision, &ans, &a.TokenHash, &a.FirmKey, &a.PreviousID, &created, &updated, &submitted, &res,
		&a.Campaign, &a.Invitation, &a.Consent)
	if errors.Is(err, sql.ErrNoRows) {
		return assessment.Assessment{}, fmt.Errorf("store: assessment %s: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("store: find assessment: %w", err)
	}
	a.Status, a.CreatedAt, a.UpdatedAt = assessment.Status(status), fromNano(created), fromNano(updated)
	if submitted.Valid {
		a.SubmittedAt = fromNano(submitted.Int64)
	}
	if err := json.Unmarshal([]byte(ans), &a.Answers); err != nil {
		return assessment.Assessment{}, fmt.Errorf("store: assessment %s: answers: %w", id, err)
	}
	if res.Valid {
		a.Result = new(scoring.Result)
		if err := json.Unmarshal([]byte(res.String), a.Result); err != nil {
			return assessment.Assessment{}, fmt.Errorf("store: assessment %s: result: %w", id, err)
		}
	}
	return a, nil
}

// SaveDraft replaces the answers of a draft still at revision and increments the revision.
// Anything else (a newer revision, a submitted or missing assessment) is assessment.ErrConflict
// and changes nothing.
func (s *Store) SaveDraft(ctx context.Context, id string, revision int, answers questionnaire.Answers, now time.Time) error {
	ans, err := encodeJSON(nonNil(answers))
	if err != nil {
		return err
	}
	err = s.w.exec(ctx, func(tx wtx) error {
		return expectOne(tx.Exec(sqlSaveDraft, ans, unixNano(now), id, revision))
	})
	if errors.Is(err, errNoRow) {
		return fmt.Errorf("store: assessment %s at revision %d: %w", id, revision, assessment.ErrConflict)
	}
	return wrap(err, "store: save draft")
}

// MarkSubmitted freezes a draft still at revision with its result and writes its compact row
// with the next sequence of its questionnaire version, in one transaction.
func (s *Store) MarkSubmitted(ctx context.Context, id string, revision int, r scoring.Result, row assessment.Submission) (int64, error) {
	res, err := encodeJSON(r)
	if err != nil {
		return 0, err
	}
	domains, err := encodeJSON(nonNilMap(row.Domains))
	if err != nil {
		return 0, err
	}
	choices, err := encodeJSON(nonNil(row.Choices))
	if err != nil {
		return 0, err
	}
	codes := row.Codes
	if codes == nil {
		codes = []byte{} // x'', not NULL
	}
	at := unixNano(row.SubmittedAt)
	var seq int64
	err = s.w.exec(ctx, func(tx wtx) error {
		if err := expectOne(tx.Exec(sqlMarkSubmitted, at, at, res, id, revision)); err != nil {
			return err
		}
		if err := tx.QueryRow(sqlNextSeq, row.QuestionnaireID, row.Version).Scan(&seq); err != nil {
			return err
		}
		_, err := tx.Exec(sqlInsertSubmission, row.QuestionnaireID, row.Version, seq, id, row.FirmKey, row.Campaign,
			row.SizeBand, row.Sector, row.Prefecture, at, row.Client, row.Overall, domains, choices, codes)
		return err
	})
	if errors.Is(err, errNoRow) || isUnique(err) {
		return 0, fmt.Errorf("store: assessment %s at revision %d: %w", id, revision, assessment.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: submit: %w", err)
	}
	return seq, nil
}

// Submissions returns the compact rows of a questionnaire version after a sequence number, of
// one campaign only when q.Campaign is set.
func (s *Store) Submissions(ctx context.Context, q assessment.SubmissionQuery) ([]assessment.Submission, error) {
	query, args := sqlSubmissionsAfter, []any{q.Choices || q.Codes, q.Choices, q.Codes, q.QuestionnaireID, q.Version, q.After, q.Limit}
	if q.Campaign != "" {
		query = sqlCampaignSubmissionsAfter
		args = append(args[:len(args)-1], q.Campaign, q.Limit)
	}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: submissions: %w", err)
	}
	defer rows.Close()
	var out []assessment.Submission
	ids := map[string]string{}
	for rows.Next() {
		sub := assessment.Submission{QuestionnaireID: q.QuestionnaireID, Version: q.Version}
		if err := scanSubmission(rows, &sub, ids); err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, wrap(rows.Err(), "store: submissions")
}

// scanSubmission reads one row of sqlSubmissionsAfter into sub, with the codes and the choices
// the query selected; ids interns the domain ids.
func scanSubmission(rows *sql.Rows, sub *assessment.Submission, ids map[string]string) error {
	var at int64
	var overall sql.NullFloat64
	var replaces sql.NullInt64
	var domains, codes, choicesJSON []byte
	if err := rows.Scan(&sub.Seq, &sub.AssessmentID, &sub.FirmKey, &sub.Campaign, &sub.SizeBand, &sub.Sector,
		&sub.Prefecture, &at, &sub.Client, &overall, &domains, &codes, &choicesJSON, &replaces); err != nil {
		return fmt.Errorf("store: submissions: %w", err)
	}
	sub.SubmittedAt = fromNano(at)
	if overall.Valid {
		sub.Overall = &overall.Float64
	}
	sub.Deleted, sub.Replaces = replaces.Valid, replaces.Int64
	var err error
	if sub.Domains, err = decodeDomains(domains, ids); err != nil {
		return fmt.Errorf("store: submission %s: domains: %w", sub.AssessmentID, err)
	}
	if len(codes) > 0 {
		sub.Codes = codes
	}
	if len(choicesJSON) > 0 {
		if err := json.Unmarshal(choicesJSON, &sub.Choices); err != nil {
			return fmt.Errorf("store: submission %s: choices: %w", sub.AssessmentID, err)
		}
	}
	return nil
}

// DeleteAssessment deletes an assessment and, in the same transaction, turns its submission
// row (if it was submitted) into a tombstone with the next sequence of its questionnaire
// version, which it returns.
func (s *Store) DeleteAssessment(ctx context.Context, id string) (assessment.Submission, error) {
	var tomb assessment.Submission
	err := s.w.exec(ctx, func(tx wtx) error {
		tomb = assessment.Submission{}
		if err := expectOne(tx.Exec(sqlDeleteAssessment, id)); err != nil {
			return err
		}
		return tombstone(tx, id, &tomb)
	})
	if errors.Is(err, errNoRow) {
		return assessment.Submission{}, fmt.Errorf("store: assessment %s: %w", id, assessment.ErrNotFound)
	}
	return tomb, wrap(err, "store: delete assessment")
}

// tombstone replaces the submission row of assessment id, if it has one, by its tombstone.
func tombstone(tx wtx, id string, tomb *assessment.Submission) error {
	var at int64
	err := tx.QueryRow(sqlSubmissionOf, id).Scan(&tomb.QuestionnaireID, &tomb.Version, &tomb.Replaces,
		&tomb.FirmKey, &tomb.Campaign, &at)
	if errors.Is(err, sql.ErrNoRows) {
		*tomb = assessment.Submission{} // a draft
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.QueryRow(sqlNextSeq, tomb.QuestionnaireID, tomb.Version).Scan(&tomb.Seq); err != nil {
		return err
	}
	tomb.AssessmentID, tomb.SubmittedAt, tomb.Deleted = id, fromNano(at), true
	_, err = tx.Exec(sqlTombstone, tomb.Seq, id) // not errNoRow, which would pass for a clean miss
	return err
}

// DeleteDrafts deletes at most limit drafts last saved before before, in one transaction.
func (s *Store) DeleteDrafts(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int64
	err := s.w.exec(ctx, func(tx wtx) error {
		res, err := tx.Exec(sqlDeleteDrafts, unixNano(before), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), wrap(err, "store: delete expired drafts")
}

// SetConsent records whether the firm of an assessment, draft or submitted, consents to its
// chamber seeing its answers; a missing assessment is assessment.ErrNotFound.
func (s *Store) SetConsent(ctx context.Context, id string, consent bool) error {
	err := s.w.exec(ctx, func(tx wtx) error {
		return expectOne(tx.Exec(sqlSetConsent, consent, id))
	})
	if errors.Is(err, errNoRow) {
		return fmt.Errorf("store: assessment %s: %w", id, assessment.ErrNotFound)
	}
	return wrap(err, "store: set consent")
}

// decodeDomains decodes a domains column, a JSON object of domain ids and scores, as
// json.Unmarshal does, interning the ids in ids: a campaign's tables decode one a row, a
// hundred thousand at start-up. What encodeJSON writes (no spaces, plain ids) is parsed here;
// anything else goes to json.Unmarshal.
func decodeDomains(b []byte, ids map[string]string) (map[string]float64, error) {
	if m, ok := parseDomains(b, ids); ok {
		return m, nil
	}
	var m map[string]float64
	return m, json.Unmarshal(b, &m)
}

func parseDomains(b []byte, ids map[string]string) (map[string]float64, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	m := map[string]float64{}
	for rest := b[1 : len(b)-1]; len(rest) > 0; {
		end := bytes.IndexByte(rest[min(1, len(rest)):], '"') + 1
		if rest[0] != '"' || end < 1 || len(rest) < end+2 || rest[end+1] != ':' {
			return nil, false
		}
		id := rest[1:end]
		for _, c := range id {
			if c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
				return nil, false
			}
		}
		rest = rest[end+2:]
		n := numberLen(rest)
		f, err := strconv.ParseFloat(string(rest[:n]), 64)
		if n == 0 || err != nil {
			return nil, false
		}
		if rest = rest[n:]; len(rest) > 0 {
			if rest[0] != ',' || len(rest) == 1 {
				return nil, false
			}
			rest = rest[1:]
		}
		key, ok := ids[string(id)]
		if !ok {
			key = string(id)
			ids[key] = key
		}
		m[key] = f
	}
	return m, true
}

// numberLen returns the length of the JSON number that b starts with, 0 if none.
func numberLen(b []byte) int {
	i := 0
	digits := func() int {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if n := digits(); n == 0 || (n > 1 && b[i-n] == '0') {
		return 0
	}
	if i < len(b) && b[i] == '.' {
		if i++; digits() == 0 {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0
		}
	}
	return i
}
