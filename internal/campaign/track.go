package campaign

import (
	"context"
	"sort"
	"time"

	"github.com/esready/esready/internal/auth"
)

// Unknown is the group of firms whose size band or sector is not known yet.
const Unknown = "unknown"

// Count is one line of the response tracking.
type Count struct {
	Group     string // a size band or sector id, Unknown, or "" for the whole campaign
	Invited   int
	Started   int // invited firms that opened the questionnaire (submitted ones included)
	Submitted int
	// Rate is the share of invited firms that submitted, in percent; nil without invitations.
	Rate *float64
}

// Progress is a campaign's response tracking: never any firm's answers.
type Progress struct {
	Total    Count
	BySize   []Count
	BySector []Count
	// OpenStarted and OpenSubmitted count the answers through the open link, which have no
	// invitation and so no rate.
	OpenStarted   int
	OpenSubmitted int
	// Consenting counts submitted firms that let the chamber see their answers.
	Consenting int
	// Mailing is the campaign's latest e-mailing of invitations on this server; nil if none.
	Mailing *Mailing
}

// Pending is an invited firm that has not submitted yet, for reminders.
type Pending struct {
	Firm, Email, SizeBand, Sector, Prefecture string
	Started                                   bool
	SentAt                                    time.Time
}

// Track returns a campaign's progress and the invited firms that have not submitted.
func (s *Service) Track(ctx context.Context, p auth.Principal, campaignID string) (Progress, []Pending, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return Progress{}, nil, err
	}
	invs, err := s.store.Invitations(ctx, c.ID)
	if err != nil {
		return Progress{}, nil, err
	}
	resps, err := s.store.Responses(ctx, c.ID)
	if err != nil {
		return Progress{}, nil, err
	}
	pr, pending := tally(invs, resps)
	if m, ok := s.mail.get(c.ID); ok {
		pr.Mailing = &m
	}
	return pr, pending, nil
}

// state is how far an invitation got.
type state struct{ started, submitted bool }

// invitationStates says how far each invitation got, by invitation id (absent: not started).
func invitationStates(resps []Response) map[string]state {
	states := map[string]state{}
	for _, r := range resps {
		if r.Invitation != "" {
			st := states[r.Invitation]
			st.started, st.submitted = true, st.submitted || r.Submitted()
			states[r.Invitation] = st
		}
	}
	return states
}

func tally(invs []Invitation, resps []Response) (Progress, []Pending) {
	var pr Progress
	for _, r := range resps {
		if r.Submitted() && r.Consent {
			pr.Consenting++
		}
		if r.Invitation == "" {
			pr.OpenStarted++
			if r.Submitted() {
				pr.OpenSubmitted++
			}
		}
	}
	states := invitationStates(resps)
	size, sector := map[string]*Count{}, map[string]*Count{}
	var pending []Pending
	for _, inv := range invs {
		st := states[inv.ID]
		band, sec := groupOf(inv.SizeBand), groupOf(inv.Sector)
		for _, cnt := range []*Count{&pr.Total, counter(size, band), counter(sector, sec)} {
			cnt.Invited++
			if st.started {
				cnt.Started++
			}
			if st.submitted {
				cnt.Submitted++
			}
		}
		if !st.submitted {
			pending = append(pending, Pending{Firm: inv.Firm, Email: inv.Email, SizeBand: inv.SizeBand, Sector: inv.Sector,
				Prefecture: inv.Prefecture, Started: st.started, SentAt: inv.SentAt})
		}
	}
	pr.Total.Rate = rate(pr.Total)
	pr.BySize, pr.BySector = sorted(size), sorted(sector)
	return pr, pending
}

// groupOf is the group a firm is tracked in: what the chamber said of it in the invitations
// file, else Unknown. What a firm's own answers say of it never shows here: a count that moved
// when one firm submitted would tell the chamber that firm's answer.
func groupOf(declared string) string {
	if declared != "" {
		return declared
	}
	return Unknown
}

func counter(m map[string]*Count, group string) *Count {
	c := m[group]
	if c == nil {
		c = &Count{Group: group}
		m[group] = c
	}
	return c
}

func rate(c Count) *float64 {
	if c.Invited == 0 {
		return nil
	}
	r := float64(int(1000*float64(c.Submitted)/float64(c.Invited)+0.5)) / 10
	return &r
}

// sorted returns the counts by group, Unknown last, each with its rate.
func sorted(m map[string]*Count) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		c.Rate = rate(*c)
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Group == Unknown) != (out[j].Group == Unknown) {
			return out[j].Group == Unknown
		}
		return out[i].Group < out[j].Group
	})
	return out
}
