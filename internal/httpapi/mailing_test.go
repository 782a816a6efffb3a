package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/campaign/mailtest"
	"github.com/esready/esready/internal/httpapi"
	"github.com/esready/esready/internal/store/sqlite"
)

// TestInvitationsMailed e-mails a campaign's invitations through an SMTP server started in the
// test: the mailing runs in the background with its progress in GET .../progress, a recipient
// the server refuses is reported by firm, and mailing again writes only to the firms not
// reached yet.
func TestInvitationsMailed(t *testing.T) {
	ms := mailtest.Start(t, nil)
	ts := startServerWith(t, nil, func(d *httpapi.Deps) {
		mailer, err := campaign.NewMailer(campaign.SMTPConfig{Host: "127.0.0.1", Port: ms.Port, TLS: "none",
			Username: "chamber", Password: "s3cret", From: "大阪商工会議所 <survey@example.jp>"})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := campaign.NewService(d.DB.(*sqlite.Store), d.DB.(*sqlite.Store), d.Questionnaires, time.Now,
			campaign.Options{InviteKey: testInviteKey, Sender: mailer})
		if err != nil {
			t.Fatal(err)
		}
		d.Campaigns = svc
	})
	f := seedStaff(t, ts)
	admin := f.tokens[roleAdminA]
	file := "企業名,メールアドレス\r\n株式会社𠮷田製作所,yoshida@example.jp\r\n拒否商事,rejected@example.jp\r\n第三工業,third@example.jp\r\n"
	if up := ts.upload(t, admin, f.campaign, file); up.Added != 3 {
		t.Fatalf("upload: %+v", up)
	}
	m := ts.mailAndWait(t, admin, f.campaign)
	if m.Total != 3 || m.Sent != 2 || len(m.Failed) != 1 || m.Failed[0].Firm != "拒否商事" {
		t.Fatalf("mailing: %+v", m)
	}
	links := ts.invitationLinks(t, admin, f.campaign)
	got := ms.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages arrived, want 2", len(got))
	}
	for _, d := range got {
		body := decodedBody(t, d.Data)
		if tok := links[d.To[0]]; tok == "" || !strings.Contains(body, "/invite#"+tok) {
			t.Errorf("the e-mail to %s does not carry its own link:\n%s", d.To[0], body)
		}
	}
	if again := ts.mailAndWait(t, admin, f.campaign); again.Total != 1 || again.Sent != 0 {
		t.Fatalf("mailing again wrote to firms already reached: %+v", again)
	}
}

type mailingBody struct {
	Total, Done, Sent int
	Running           bool
	Failed            []struct{ Firm, Email, Reason string }
}

// mailAndWait starts a mailing and waits, polling the progress, until it has finished.
func (ts *testServer) mailAndWait(t *testing.T, token, id string) mailingBody {
	t.Helper()
	if res, body := ts.do(t, http.MethodPost, "/api/v1/campaigns/"+id+"/invitations/send", token, map[string]string{"lang": "ja"}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("send: %d %s", res.StatusCode, body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, body := ts.do(t, http.MethodGet, "/api/v1/campaigns/"+id+"/progress", token, nil)
		var p struct {
			Mailing *mailingBody `json:"mailing"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Mailing != nil && !p.Mailing.Running {
			return *p.Mailing
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the mailing did not finish within 20 s")
	return mailingBody{}
}

// decodedBody returns the text of a single-part message, base64 or quoted-printable decoded.
func decodedBody(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(msg.Body)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
		if err != nil {
			t.Fatal(err)
		}
		return string(d)
	}
	return string(b)
}
