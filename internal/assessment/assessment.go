// Package assessment is the life of one firm's self-assessment: a draft created for a
// questionnaire version, saved as often as the respondent likes, then submitted once and frozen.
// The respondent has no account: a random credential, shown once at creation and stored only as
// a hash, opens the assessment, and a wrong credential looks exactly like a missing assessment.
package assessment

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// Status is where an assessment is in its life.
type Status string

// The statuses.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
)

// Assessment is one firm's answers to one questionnaire version.
type Assessment struct {
	ID              string
	QuestionnaireID string
	Version         int
	Hash            string // content hash of the definition answered
	Lang            string // the respondent's language, ja or en
	Status          Status
	Revision        int // incremented by every saved draft
	Answers         questionnaire.Answers
	TokenHash       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SubmittedAt     time.Time // zero while a draft
	// FirmKey identifies the firm across re-assessments (the first assessment's id); the peer
	// benchmark counts only a firm's latest submission.
	FirmKey string
	// Result is the scoring computed at submission, stored with its scoring version.
	Result *scoring.Result
	// PreviousID links a re-assessment to the assessment it started from.
	PreviousID string
	// Campaign is the chamber campaign the assessment answers ("" outside one); Invitation, the
	// invitation it was started from ("" for the campaign's open link).
	Campaign   string
	Invitation string
	// Consent is the firm's agreement that the campaign's chamber may see its individual
	// answers; false by default, and it can be withdrawn at any time.
	Consent bool
}

// Previous names the earlier assessment a re-assessment starts from, with its credential.
type Previous struct {
	ID    string
	Token string
}

// Errors of the lifecycle (storage returns ErrNotFound and ErrConflict, store.go).
var (
	ErrSubmitted        = errors.New("assessment already submitted")
	ErrNoQuestionnaire  = errors.New("no such questionnaire")
	ErrDefinitionAbsent = errors.New("the questionnaire version of this assessment is no longer loaded")
	// ErrPreviousNotFound and ErrPreviousDraft refuse a re-assessment: the previous assessment
	// does not open with the credential given, or was never submitted.
	ErrPreviousNotFound = errors.New("previous assessment not found")
	ErrPreviousDraft    = errors.New("previous assessment not submitted")
	// ErrNotInCampaign is a consent given on an assessment that answers no campaign.
	ErrNotInCampaign = errors.New("assessment answers no campaign")
)

// StaleError says a draft was saved on top of an older revision than the stored one.
type StaleError struct{ Current int }

func (e *StaleError) Error() string {
	return fmt.Sprintf("stale revision: the assessment is at revision %d", e.Current)
}

// ValidationError lists the problems with a set of answers.
type ValidationError struct{ Fields []questionnaire.FieldError }

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%d answer(s) invalid", len(e.Fields))
}

// Service runs the lifecycle.
type Service struct {
	store   Storer
	defs    *questionnaire.Registry
	now     func() time.Time
	peers   *peerCache
	clients clientHashes
	opts    Options // with PeerK set
	// submitted keeps recently submitted assessments: they never change again, and the result,
	// the report and the workbook are asked for right after the submit.
	submitted *lru.Cache[string, Assessment]
	// checklists keeps the evaluated checklists of submitted assessments by id.
	checklists *lru.Cache[string, *checklist.Result]
}

// submittedCache is how many submitted assessments the service keeps decoded (some tens of
// kilobytes each).
const submittedCache = 1024

// Options configure the benchmark.
type Options struct {
	// PeerK is the fewest peers a cohort needs (scoring.DefaultPeerK when 0).
	PeerK int
	// Baselines are the published survey figures (configs/benchmarks).
	Baselines []scoring.Baseline
	// Checklists are the checklist rules (configs/checklist).
	Checklists *checklist.Set
	// ClientKey is the secret under which a submission records its client's address, as a
	// keyed hash (store.ClientKey keeps it in the data directory), and from which the dither of
	// the benchmark's figures derives. Every server sharing a database needs the same key, or
	// bursts spread over servers are not seen as one and servers publish different figures.
	// Empty: a random key for this process only.
	ClientKey []byte
	// CampaignOpen, when set, says whether a campaign still accepts submissions (nil error)
	// or why not; Submit asks it for assessments that answer a campaign.
	CampaignOpen func(ctx context.Context, campaignID string) error
}

// NewService returns a service; now is the clock (time.Now in production).
func NewService(store Storer, defs *questionnaire.Registry, now func() time.Time, opts Options) *Service {
	if opts.PeerK <= 0 {
		opts.PeerK = scoring.DefaultPeerK
	}
	submitted, _ := lru.New[string, Assessment](submittedCache) // fails only for a size below 1
	checklists, _ := lru.New[string, *checklist.Result](submittedCache)
	forget := func(id string) {
		submitted.Remove(id)
		checklists.Remove(id)
	}
	clients := newClientHashes(opts.ClientKey)
	return &Service{store: store, defs: defs, now: now, peers: newPeerCache(store, now, forget, clients.derive("benchmark dither")),
		clients: clients, opts: opts, submitted: submitted, checklists: checklists}
}

// Create starts a draft of the latest version of a questionnaire (or of version, when > 0) and
// returns it with the respondent's credential, which is not stored and cannot be shown again.
// With prev, the draft is a re-assessment: pre-filled with the previous answers that the
// questionnaire version still accepts, and linked to it, so the result shows the progress.
func (s *Service) Create(ctx context.Context, questionnaireID string, version int, lang string, prev *Previous) (Assessment, string, error) {
	def, ok := s.defs.Latest(questionnaireID)
	if version > 0 {
		def, ok = s.defs.Version(questionnaireID, version)
	}
	if !ok {
		return Assessment{}, "", ErrNoQuestionnaire
	}
	a, token, err := s.draft(def, lang)
	if err != nil {
		return Assessment{}, "", err
	}
	if prev != nil {
		p, _, err := s.Open(ctx, prev.ID, prev.Token)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrDefinitionAbsent) {
			return Assessment{}, "", ErrPreviousNotFound
		}
		if err != nil {
			return Assessment{}, "", err
		}
		if p.Status != StatusSubmitted {
			return Assessment{}, "", ErrPreviousDraft
		}
		a.PreviousID, a.FirmKey = p.ID, p.FirmKey
		if a.FirmKey == "" {
			a.FirmKey = p.ID
		}
		a.Answers = carryOver(def, p.Answers)
	}
	if err := s.store.CreateAssessment(ctx, a); err != nil {
		return Assessment{}, "", err
	}
	return a, token, nil
}

// Entry is how a draft enters a chamber campaign: through one firm's invitation or through the
// campaign's open link. The campaign package resolves the link and checks the campaign is open.
type Entry struct {
	Campaign        string
	Invitation      string // "" for the open link
	QuestionnaireID string
	Version         int
}

// Join starts a draft inside a campaign, of the campaign's questionnaire version. A firm
// invited once is one firm however many drafts its link starts: the drafts share a firm key
// derived from the invitation, so only its latest submission counts, in the campaign and among
// peers.
func (s *Service) Join(ctx context.Context, e Entry, lang string) (Assessment, string, error) {
	def, ok := s.defs.Version(e.QuestionnaireID, e.Version)
	if !ok {
		return Assessment{}, "", ErrNoQuestionnaire
	}
	a, token, err := s.draft(def, lang)
	if err != nil {
		return Assessment{}, "", err
	}
	a.Campaign, a.Invitation = e.Campaign, e.Invitation
	if e.Invitation != "" {
		a.FirmKey = "inv-" + e.Invitation
	}
	if err := s.store.CreateAssessment(ctx, a); err != nil {
		return Assessment{}, "", err
	}
	return a, token, nil
}

// draft returns a new, empty draft of def with its credential; nothing is stored yet.
func (s *Service) draft(def *questionnaire.Definition, lang string) (Assessment, string, error) {
	if lang != "en" {
		lang = "ja"
	}
	token, err := newToken()
	if err != nil {
		return Assessment{}, "", err
	}
	id, err := newID()
	if err != nil {
		return Assessment{}, "", err
	}
	now := s.now().UTC()
	return Assessment{
		ID: id, QuestionnaireID: def.ID, Version: def.Version, Hash: def.Hash, Lang: lang,
		Status: StatusDraft, Answers: questionnaire.Answers{}, TokenHash: hashToken(token),
		CreatedAt: now, UpdatedAt: now, FirmKey: id,
	}, token, nil
}

// SetConsent records whether the firm lets its campaign's chamber see its individual answers.
// It can be given and withdrawn at any time, before or after submitting.
func (s *Service) SetConsent(ctx context.Context, id, token string, consent bool) error {
	a, _, err := s.Open(ctx, id, token)
	if err != nil && !errors.Is(err, ErrDefinitionAbsent) {
		return err
	}
	if a.Campaign == "" {
		return ErrNotInCampaign
	}
	if err := s.store.SetConsent(ctx, id, consent); err != nil {
		return err
	}
	s.submitted.Remove(id)
	return nil
}

// Open returns the assessment and its definition if token is its credential. A wrong token
// gives ErrNotFound, as a missing assessment does.
func (s *Service) Open(ctx context.Context, id, token string) (Assessment, *questionnaire.Definition, error) {
	a, err := s.assessment(ctx, id)
	if err != nil {
		return Assessment{}, nil, err
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(hashToken(token)), []byte(a.TokenHash)) != 1 {
		return Assessment{}, nil, ErrNotFound
	}
	def, ok := s.defs.Version(a.QuestionnaireID, a.Version)
	if !ok {
		return a, nil, ErrDefinitionAbsent
	}
	return a, def, nil
}

// assessment reads an assessment, from the submitted ones kept in memory when it is one of
// them; a submitted assessment read from the store is kept.
func (s *Service) assessment(ctx context.Context, id string) (Assessment, error) {
	if a, ok, err := s.cached(ctx, id); ok || err != nil {
		return a, err
	}
	a, err := s.store.Assessment(ctx, id)
	if err == nil && a.Status == StatusSubmitted {
		s.keep(a)
	}
	return a, err
}

// cached returns a submitted assessment kept in memory. The peers of its questionnaire version
// are brought up to date first, as its result needs anyway: the rows read include the
// tombstones of assessments deleted through other servers, which evict them, so a deleted
// assessment is never served from memory longer than refreshEvery after its deletion.
func (s *Service) cached(ctx context.Context, id string) (Assessment, bool, error) {
	a, ok := s.submitted.Get(id)
	if !ok {
		return Assessment{}, false, nil
	}
	if _, err := s.peers.population(ctx, a.QuestionnaireID, a.Version); err != nil {
		return Assessment{}, false, err
	}
	a, ok = s.submitted.Get(id)
	return a, ok, nil
}

// keep stores a submitted assessment in memory, unless it has been deleted meanwhile.
func (s *Service) keep(a Assessment) {
	s.peers.unlessDeleted(a, func() { s.submitted.Add(a.ID, a) })
}

// Delete removes an assessment, draft or submitted, for good if token is its credential: its
// answers and result leave the store, and a submitted one leaves the peers of this server at
// once and those of every other server sharing the database within refreshEvery (see
// Storer.DeleteAssessment). A wrong credential gives ErrNotFound, as a missing assessment does;
// so does deleting again. An assessment whose questionnaire version is no longer loaded can
// still be deleted.
func (s *Service) Delete(ctx context.Context, id, token string) error {
	if _, _, err := s.Open(ctx, id, token); err != nil && !errors.Is(err, ErrDefinitionAbsent) {
		return err
	}
	tomb, err := s.store.DeleteAssessment(ctx, id)
	if err != nil {
		return err
	}
	s.submitted.Remove(id)
	if tomb.Deleted {
		s.peers.ingest(tomb)
	}
	return nil
}

// SaveDraft type-checks answers and stores them as the next revision. The respondent's client
// sends the revision it last saw; a stale one gets a *StaleError, so a second device never
// overwrites newer answers unknowingly.
func (s *Service) SaveDraft(ctx context.Context, id, token string, revision int, answers questionnaire.Answers, lang string) (int, error) {
	a, def, err := s.Open(ctx, id, token)
	if err != nil {
		return 0, err
	}
	if a.Status != StatusDraft {
		return 0, ErrSubmitted
	}
	if revision != a.Revision {
		return 0, &StaleError{Current: a.Revision}
	}
	if errs := def.Validate(answers, questionnaire.Draft, lang); errs != nil {
		return 0, &ValidationError{Fields: errs}
	}
	cleaned := make(questionnaire.Answers, len(answers))
	for k, v := range answers {
		if v != nil {
			cleaned[k] = v
		}
	}
	if err := s.store.SaveDraft(ctx, id, revision, cleaned, s.now().UTC()); err != nil {
		if errors.Is(err, ErrConflict) {
			return 0, s.conflict(ctx, id)
		}
		return 0, err
	}
	return revision + 1, nil
}

// conflict explains why a conditional write matched nothing.
func (s *Service) conflict(ctx context.Context, id string) error {
	a, err := s.store.Assessment(ctx, id)
	if err != nil {
		return err
	}
	if a.Status != StatusDraft {
		return ErrSubmitted
	}
	return &StaleError{Current: a.Revision}
}

// submitAttempts bounds how often Submit re-reads a draft that a concurrent save changed.
const submitAttempts = 3

// Submit validates the saved draft in full, freezes it with its scores and returns its
// outcome. Submitting again returns the same outcome and writes nothing. A save racing the
// submit makes it validate and score the newer answers; one that keeps winning gives
// ErrConflict. client is the address the submission came from ("" when there is none): the
// submission row records only its keyed hash, with which the peer benchmark counts a burst of
// submissions from one client as one peer (scoring.BurstWindow).
func (s *Service) Submit(ctx context.Context, id, token, lang, client string) (Outcome, error) {
	for range submitAttempts {
		a, def, err := s.Open(ctx, id, token)
		if err != nil {
			return Outcome{}, err
		}
		if a.Status == StatusSubmitted {
			return s.outcome(ctx, a, def)
		}
		if errs := def.Validate(a.Answers, questionnaire.Submit, lang); errs != nil {
			return Outcome{}, &ValidationError{Fields: errs}
		}
		if a.Campaign != "" && s.opts.CampaignOpen != nil {
			if err := s.opts.CampaignOpen(ctx, a.Campaign); err != nil {
				return Outcome{}, err
			}
		}
		now := s.now().UTC()
		r := scoring.Score(def, a.Answers)
		row := NewSubmission(a, def, r, now)
		row.Client = s.clients.of(client)
		row.Seq, err = s.store.MarkSubmitted(ctx, id, a.Revision, r, row)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Outcome{}, err
		}
		s.peers.ingest(row)
		a.Status, a.SubmittedAt, a.UpdatedAt, a.Result = StatusSubmitted, now, now, &r
		s.keep(a)
		return s.outcome(ctx, a, def)
	}
	return Outcome{}, fmt.Errorf("submit %s: %d attempts lost to concurrent saves: %w", id, submitAttempts, ErrConflict)
}

// ErrNotSubmitted is the error of asking for the result of a draft.
var ErrNotSubmitted = errors.New("assessment not submitted yet")

// carryOver keeps the previous answers that def still accepts, one question at a time, so a
// re-assessment on a newer questionnaire version starts from everything still meaningful.
func carryOver(def *questionnaire.Definition, prev questionnaire.Answers) questionnaire.Answers {
	out := questionnaire.Answers{}
	for id, v := range prev {
		if def.Validate(questionnaire.Answers{id: v}, questionnaire.Draft, "en") == nil {
			out[id] = v
		}
	}
	return out
}

// Outcome is everything a respondent gets back for a submitted assessment.
type Outcome struct {
	Assessment Assessment
	Definition *questionnaire.Definition
	// Score is as stored at submission, with the benchmark computed now.
	Score scoring.Result
	// Checklist is derived from the answers and scores; nil when the questionnaire version has
	// no checklist rules.
	Checklist *checklist.Result
	// Progress compares with the previous assessment of a re-assessment.
	Progress *scoring.Progress
}

// Result returns the stored result of a submitted assessment, with its standing among peers
// (or against the published baselines) computed now: the scores are those of submission, the
// peer population is today's.
func (s *Service) Result(ctx context.Context, id, token string) (Outcome, error) {
	a, def, err := s.Open(ctx, id, token)
	if err != nil {
		return Outcome{}, err
	}
	if a.Status != StatusSubmitted || a.Result == nil {
		return Outcome{}, ErrNotSubmitted
	}
	return s.outcome(ctx, a, def)
}

// outcome completes the stored result of a submitted assessment with what is computed when it
// is read: the benchmark, the progress since the previous assessment and the checklist.
func (s *Service) outcome(ctx context.Context, a Assessment, def *questionnaire.Definition) (Outcome, error) {
	pop, err := s.peers.population(ctx, a.QuestionnaireID, a.Version)
	if err != nil {
		return Outcome{}, err
	}
	r := s.opts.standing(def, a.Answers, *a.Result, a.FirmKey, pop)
	o := Outcome{Assessment: a, Definition: def, Score: r, Checklist: s.checklistOf(a, def, r)}
	if a.PreviousID != "" {
		// The link was made by a respondent who held the previous credential.
		p, err := s.assessment(ctx, a.PreviousID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Outcome{}, err
		}
		if err == nil && p.Result != nil {
			pr := scoring.ProgressFrom(p.ID, p.SubmittedAt, *p.Result, r)
			o.Progress = &pr
		}
	}
	return o, nil
}

// Assemble completes a scored result with what is computed when it is read: the standing among
// pop (nil or empty: the published figures only), the published comparisons and the checklist
// (nil when the questionnaire version has no rules). The server and the command-line tools both
// assemble results here, so they never differ.
func (o Options) Assemble(def *questionnaire.Definition, a questionnaire.Answers, r scoring.Result, firmKey string, pop *scoring.Population) (scoring.Result, *checklist.Result) {
	r = o.standing(def, a, r, firmKey, pop)
	return r, o.checklist(def, a, r)
}

// standing adds the benchmark among pop and the published comparisons to r.
func (o Options) standing(def *questionnaire.Definition, a questionnaire.Answers, r scoring.Result, firmKey string, pop *scoring.Population) scoring.Result {
	if pop == nil {
		pop = scoring.NewPopulation(nil)
	}
	b := pop.Benchmark(r, firmKey, o.PeerK)
	b.Published = scoring.Compare(o.Baselines, def, def.NewEnv(a, r.SizeBand), r.SizeBand)
	r.Benchmark = &b
	return r
}

// checklist evaluates the checklist of the answers (nil when the version has no rules). It
// depends on the answers and their scores only, never on the peers.
func (o Options) checklist(def *questionnaire.Definition, a questionnaire.Answers, r scoring.Result) *checklist.Result {
	if o.Checklists == nil {
		return nil
	}
	rules, ok := o.Checklists.For(def.ID, def.Version)
	if !ok {
		return nil
	}
	c := rules.Evaluate(def, a, r)
	return &c
}

// checklistOf returns the checklist of a submitted assessment, evaluated once and kept (with its
// JSON encoding) while the assessment is in memory: a submitted assessment never changes.
func (s *Service) checklistOf(a Assessment, def *questionnaire.Definition, r scoring.Result) *checklist.Result {
	key := a.ID // a submitted assessment's answers never change
	if c, ok := s.checklists.Get(key); ok {
		return c
	}
	c := s.opts.checklist(def, a.Answers, r)
	if c != nil {
		c.Memoize()
		s.checklists.Add(key, c)
	}
	return c
}

// BlankChecklist returns the checklist of the latest version of a questionnaire with no answers.
func (s *Service) BlankChecklist(questionnaireID string) (*questionnaire.Definition, checklist.Result, error) {
	def, ok := s.defs.Latest(questionnaireID)
	if !ok || s.opts.Checklists == nil {
		return nil, checklist.Result{}, ErrNoQuestionnaire
	}
	rules, ok := s.opts.Checklists.For(def.ID, def.Version)
	if !ok {
		return nil, checklist.Result{}, ErrNoQuestionnaire
	}
	return def, rules.Blank(def), nil
}

// newToken returns a 256-bit random credential, URL-safe.
func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashToken is how credentials are stored. The credential has 256 bits of entropy, so a plain
// SHA-256 cannot be brute-forced; a slow password hash would add latency to every autosave.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// LoadPeers reads the peer population of every loaded questionnaire version, so the first
// result after start-up does not wait for it. The server calls it before it reports ready.
func (s *Service) LoadPeers(ctx context.Context) (int, error) {
	n := 0
	for _, def := range s.defs.All() {
		pop, err := s.peers.population(ctx, def.ID, def.Version)
		if err != nil {
			return n, fmt.Errorf("load the peers of %s v%d: %w", def.ID, def.Version, err)
		}
		n += pop.Len()
	}
	return n, nil
}
