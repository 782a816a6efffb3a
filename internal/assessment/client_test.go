package assessment_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// submitFrom submits a new assessment with answers from the client address addr.
func submitFrom(t *testing.T, svc *assessment.Service, answers questionnaire.Answers, addr string) (string, string) {
	t.Helper()
	id, token := draft(t, svc, answers)
	if _, err := svc.Submit(context.Background(), id, token, "ja", addr); err != nil {
		t.Fatal(err)
	}
	return id, token
}

// TestSubmissionRecordsItsClient: the row of a submission holds a keyed hash of its client's
// address, never the address: the same for one IPv4 address or one IPv6 /48 under one key,
// different for other addresses and under another key.
func TestSubmissionRecordsItsClient(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		key := []byte(strings.Repeat("k", assessment.ClientKeySize))
		one := assessment.NewService(st, registry(t), newClock().Now, assessment.Options{PeerK: 1, ClientKey: key})
		two := assessment.NewService(st, registry(t), newClock().Now, assessment.Options{PeerK: 1, ClientKey: key})
		other := assessment.NewService(st, registry(t), newClock().Now, assessment.Options{PeerK: 1,
			ClientKey: []byte(strings.Repeat("o", assessment.ClientKeySize))})
		sme := example(t, "small-sme")
		submits := []struct {
			svc  *assessment.Service
			addr string
		}{
			{one, "203.0.113.7"}, {two, "203.0.113.7"}, {one, "::ffff:203.0.113.7"}, {one, "203.0.113.8"},
			{other, "203.0.113.7"}, {one, "2001:db8:1:2::1"}, {one, "2001:db8:1:ffff::2"}, {one, "2001:db8:2::1"},
			{one, ""},
		}
		for _, s := range submits {
			submitFrom(t, s.svc, sme, s.addr)
		}
		rows, err := st.Submissions(context.Background(), assessment.SubmissionQuery{QuestionnaireID: "esr", Version: latest(t), Limit: 100})
		if err != nil || len(rows) != len(submits) {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		c := func(i int) string { return rows[i].Client }
		hash := regexp.MustCompile(`^[0-9a-f]{32}$`)
		for i, r := range rows[:len(rows)-1] {
			if !hash.MatchString(r.Client) || strings.Contains(r.Client, "203") || strings.Contains(r.Client, "db8") {
				t.Errorf("row %d records client %q, want a 128-bit hash", i, r.Client)
			}
		}
		switch {
		case c(0) != c(1) || c(0) != c(2):
			t.Errorf("one address, one key: %q %q %q, want one hash (on any server, v4-mapped or not)", c(0), c(1), c(2))
		case c(3) == c(0):
			t.Error("another IPv4 address has the same hash")
		case c(4) == c(0):
			t.Error("another key gives the same hash")
		case c(5) != c(6):
			t.Errorf("one IPv6 /48: %q %q, want one hash", c(5), c(6))
		case c(7) == c(5):
			t.Error("another IPv6 /48 has the same hash")
		case c(8) != "":
			t.Errorf("a submission without a client records %q", c(8))
		}
	})
}

// TestBurstFromOneClientCountsOnce: firms submitted from one address within a day form no
// cohort, however many; a day later, the same address adds one more peer.
func TestBurstFromOneClientCountsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		c := newClock()
		svc := newService(t, st, c, 2)
		sme := example(t, "small-sme")
		viewer, vtoken := submitFrom(t, svc, sme, "198.51.100.1")
		for range 5 {
			c.Add(time.Hour)
			submitFrom(t, svc, sme, "198.51.100.99")
		}
		if got := withPeers(t, svc, viewer, vtoken); got[2] {
			t.Fatalf("five firms from one address in five hours: peers %v, want fewer than k = 2", got)
		}
		if got := firms(t, svc); got != 6 {
			t.Fatalf("%d firms in the population, want all 6 (only the counting merges them)", got)
		}
		c.Add(scoring.BurstWindow)
		submitFrom(t, svc, sme, "198.51.100.99")
		if got := withPeers(t, svc, viewer, vtoken); !got[0] {
			t.Errorf("a day after the burst the address adds a second peer: peers %v, want k = 2 of them", got)
		}
	})
}
