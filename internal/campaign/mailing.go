package campaign

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/esready/esready/internal/auth"
)

// ErrNoMail is a mailing asked of a server without SMTP settings.
var ErrNoMail = errors.New("no SMTP server is configured")

// Sender sends e-mail (Mailer).
type Sender interface {
	Send(ctx context.Context, msgs []Message, progress func(done, total int)) (sent []int, failed map[int]error, err error)
}

// Mailing is the state of one campaign's invitation e-mails being sent: a job that runs on in
// the background, because a thousand messages take longer than a request may, and whose
// progress the dashboard shows. It lives in the memory of the server that runs it.
type Mailing struct {
	Total    int
	Done     int // sent or failed
	Sent     int
	Failed   []Failure
	Running  bool
	Started  time.Time
	Finished time.Time
	Error    string // why the batch stopped early, if it did
}

// Failure is one invitation that could not be sent.
type Failure struct {
	Firm, Email, Reason string
}

// mailings holds each campaign's latest mailing.
type mailings struct {
	mu   sync.Mutex
	jobs map[string]*Mailing
}

func (m *mailings) get(id string) (Mailing, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return Mailing{}, false
	}
	c := *j
	c.Failed = append([]Failure(nil), j.Failed...)
	return c, true
}

// SendInvitations e-mails their links to the invited firms that have not been e-mailed yet
// (or, with reminders, to every firm that has not submitted), in lang, and returns at once
// with the mailing running. A campaign mailing already is not mailed twice at once.
func (s *Service) SendInvitations(ctx context.Context, p auth.Principal, campaignID, base, lang string, reminders bool) (Mailing, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return Mailing{}, err
	}
	if s.sender == nil {
		return Mailing{}, ErrNoMail
	}
	targets, err := s.mailTargets(ctx, c, reminders)
	if err != nil {
		return Mailing{}, err
	}
	chamber, err := s.read.Chamber(ctx, c.ChamberID)
	if err != nil {
		return Mailing{}, err
	}
	msgs := make([]Message, len(targets))
	for i, inv := range targets {
		v := Invite{Chamber: chamber.Name, Title: c.TitleJA, Closes: c.Closes, Firm: inv.Firm, Email: inv.Email, URL: s.InviteURL(base, inv.ID)}
		if lang == "en" {
			v.Chamber, v.Title = chamber.NameEN, c.TitleEN
		}
		msgs[i] = v.Message(lang)
	}
	s.mail.mu.Lock()
	defer s.mail.mu.Unlock()
	if j := s.mail.jobs[c.ID]; j != nil && j.Running {
		return *j, nil
	}
	job := &Mailing{Total: len(msgs), Running: true, Started: s.now()}
	s.mail.jobs[c.ID] = job
	go s.runMailing(context.WithoutCancel(ctx), c.ID, job, targets, msgs)
	return *job, nil
}

// mailTargets are the invitations a mailing writes to.
func (s *Service) mailTargets(ctx context.Context, c Campaign, reminders bool) ([]Invitation, error) {
	invs, err := s.store.Invitations(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	skip := func(inv Invitation) bool { return !inv.SentAt.IsZero() }
	if reminders {
		resps, err := s.store.Responses(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		states := invitationStates(resps)
		skip = func(inv Invitation) bool { return states[inv.ID].submitted }
	}
	return slices.DeleteFunc(invs, skip), nil
}

// runMailing sends the messages, recording progress, and marks the invitations sent.
func (s *Service) runMailing(ctx context.Context, campaignID string, job *Mailing, targets []Invitation, msgs []Message) {
	progress := func(done, _ int) {
		s.mail.mu.Lock()
		job.Done = done
		s.mail.mu.Unlock()
	}
	sent, failed, err := s.sender.Send(ctx, msgs, progress)
	ids := make([]string, len(sent))
	for i, k := range sent {
		ids[i] = targets[k].ID
	}
	markErr := s.store.MarkInvitationsSent(ctx, campaignID, ids, s.now().UTC().Truncate(time.Millisecond))
	s.mail.mu.Lock()
	defer s.mail.mu.Unlock()
	job.Sent, job.Running, job.Finished = len(sent), false, s.now()
	for k, e := range failed {
		job.Failed = append(job.Failed, Failure{Firm: targets[k].Firm, Email: targets[k].Email, Reason: e.Error()})
	}
	if err = errors.Join(err, markErr); err != nil {
		job.Error = err.Error()
	}
}
