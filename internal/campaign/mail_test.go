package campaign

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esready/esready/internal/campaign/mailtest"
	"github.com/esready/esready/internal/report"
)

func testMailer(t *testing.T, ms *mailtest.Server) *Mailer {
	t.Helper()
	return testMailerTLS(t, ms, "none", nil)
}

func testMailerTLS(t *testing.T, ms *mailtest.Server, mode string, roots *x509.CertPool) *Mailer {
	t.Helper()
	m, err := NewMailer(SMTPConfig{Host: "127.0.0.1", Port: ms.Port, TLS: mode,
		Username: "chamber", Password: "s3cret", From: "東京商工会議所 <survey@example.jp>"})
	if err != nil {
		t.Fatal(err)
	}
	m.roots = roots
	return m
}

// testCertificate is a self-signed certificate for 127.0.0.1 and the pool that trusts it.
func testCertificate(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test SMTP server"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// TestMailerTLS: the password and the message go over TLS, switched to (starttls) or from the
// start (tls); the server offers AUTH only then, and takes mail only after it.
func TestMailerTLS(t *testing.T) {
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			cfg, roots := testCertificate(t)
			ms := mailtest.Start(t, func(ms *mailtest.Server) { ms.TLS, ms.Implicit = cfg, mode == "tls" })
			sent, failed, err := testMailerTLS(t, ms, mode, roots).Send(context.Background(), []Message{testInvites()[0].Message("en")}, nil)
			if err != nil || len(failed) != 0 || !cmp.Equal(sent, []int{0}) || len(ms.Messages()) != 1 {
				t.Errorf("sent %v, failed %v, err %v, %d received", sent, failed, err, len(ms.Messages()))
			}
		})
	}
	t.Run("a certificate not trusted", func(t *testing.T) {
		cfg, _ := testCertificate(t)
		ms := mailtest.Start(t, func(ms *mailtest.Server) { ms.TLS = cfg })
		_, _, err := testMailerTLS(t, ms, "starttls", nil).Send(context.Background(), []Message{testInvites()[0].Message("en")}, nil)
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) || len(ms.Messages()) != 0 {
			t.Errorf("err %v, %d received", err, len(ms.Messages()))
		}
	})
}

func testInvites() []Invite {
	base := Invite{Chamber: "東京商工会議所", Title: "経済安全保障 実態調査 2026", Closes: time.Date(2026, 12, 1, 0, 0, 0, 0, report.Japan)}
	var out []Invite
	for _, f := range []struct{ firm, email, url string }{
		{"㈱山田製作所", "yamada@example.jp", "https://survey.example.jp/invite#AAAA"},
		{"佐藤商事", "rejected@example.jp", "https://survey.example.jp/invite#BBBB"},
		{"𠮷田製作所", "yoshida@example.jp", "https://survey.example.jp/invite#CCCC"},
	} {
		v := base
		v.Firm, v.Email, v.URL = f.firm, f.email, f.url
		out = append(out, v)
	}
	return out
}

func TestMailerSendsInvitations(t *testing.T) {
	ms := mailtest.Start(t, nil)
	invites := testInvites()
	msgs := make([]Message, len(invites))
	for i, v := range invites {
		msgs[i] = v.Message("ja")
	}
	var calls [][2]int
	sent, failed, err := testMailer(t, ms).Send(context.Background(), msgs, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0, 2}, sent); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	if len(failed) != 1 || failed[1] == nil || !strings.Contains(failed[1].Error(), "550") {
		t.Errorf("failed = %v, want the refused recipient (1) alone", failed)
	}
	if d := cmp.Diff([][2]int{{1, 3}, {2, 3}, {3, 3}}, calls); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
	got := ms.Messages()
	if len(got) != 2 || ms.Connections != 1 {
		t.Fatalf("%d messages over %d connections, want 2 over 1", len(got), ms.Connections)
	}
	for i, k := range sent {
		checkDelivered(t, got[i], invites[k], msgs[k].Subject)
	}
	if !strings.Contains(msgs[0].Subject, "「経済安全保障 実態調査 2026」ご回答のお願い") {
		t.Errorf("subject %q", msgs[0].Subject)
	}
}

// checkDelivered reads a Delivered message as a mail client would.
func checkDelivered(t *testing.T, d mailtest.Delivered, v Invite, subject string) {
	t.Helper()
	if d.From != "survey@example.jp" || !cmp.Equal(d.To, []string{v.Email}) {
		t.Errorf("envelope from %q to %v, want to %s", d.From, d.To, v.Email)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(d.Data))
	if err != nil {
		t.Fatal(err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != v.Email || to[0].Name != v.Firm {
		t.Errorf("To %q (%v), want %s <%s>", m.Header.Get("To"), err, v.Firm, v.Email)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "東京商工会議所" {
		t.Errorf("From %q (%v)", m.Header.Get("From"), err)
	}
	raw := m.Header.Get("Subject")
	if s, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || s != subject || raw == subject {
		t.Errorf("Subject %q decodes to %q (%v), want the encoded %q", raw, s, err, subject)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@example.jp>") {
		t.Errorf("Message-ID %q is not in the sender's domain", id)
	}
	if ct, cte := m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"); !strings.Contains(ct, "charset=UTF-8") || cte != "base64" {
		t.Fatalf("Content-Type %q, Content-Transfer-Encoding %q", ct, cte)
	}
	b, _ := io.ReadAll(m.Body)
	body, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{v.URL, v.Firm, "2026年11月30日（日本時間）まで", "東京商工会議所"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

// TestMailerReconnects: a server that drops the connection after each message costs no
// message; the first is not counted failed though the reset after it found no connection.
func TestMailerReconnects(t *testing.T) {
	ms := mailtest.Start(t, func(ms *mailtest.Server) { ms.DropAfter = 1 })
	var msgs []Message
	for _, v := range testInvites() {
		if v.Email != ms.Refuse {
			msgs = append(msgs, v.Message("en"))
		}
	}
	msgs = append(msgs, msgs[0])
	sent, failed, err := testMailer(t, ms).Send(context.Background(), msgs, nil)
	if err != nil || len(failed) != 0 || !cmp.Equal(sent, []int{0, 1, 2}) {
		t.Fatalf("sent %v, failed %v, err %v", sent, failed, err)
	}
	if n := len(ms.Messages()); n != 3 || ms.Connections != 3 {
		t.Errorf("%d messages over %d connections, want 3 over 3", n, ms.Connections)
	}
}

// TestMailerStopsWhenCancelled: cancelling interrupts the message under way, at once rather
// than at the 30-second timeout, and tries no further message.
func TestMailerStopsWhenCancelled(t *testing.T) {
	ms := mailtest.Start(t, func(ms *mailtest.Server) { ms.Hold, ms.Holding = make(chan struct{}), make(chan struct{}) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	msgs := []Message{testInvites()[0].Message("ja"), testInvites()[2].Message("ja")}
	type result struct {
		sent   []int
		failed map[int]error
		err    error
	}
	done := make(chan result, 1)
	go func() {
		sent, failed, err := testMailer(t, ms).Send(ctx, msgs, nil)
		done <- result{sent, failed, err}
	}()
	<-ms.Holding // the server has the first message and waits
	cancel()
	select {
	case r := <-done:
		if !errors.Is(r.err, context.Canceled) || len(r.sent) != 0 || len(r.failed) != 1 || !errors.Is(r.failed[0], context.Canceled) {
			t.Errorf("sent %v, failed %v, err %v; want the first failed as cancelled and the second not tried", r.sent, r.failed, r.err)
		}
	case <-time.After(10 * time.Second): // a safety net, far below the exchange timeout
		t.Fatal("Send did not return after its context was cancelled")
	}
}

func TestInviteMessage(t *testing.T) {
	v := Invite{Chamber: "Osaka Chamber of Commerce", Title: "Economic security survey\r\nBcc: x@evil.example", Firm: "{url} Ltd",
		Email: "a@example.jp", URL: "https://survey.example.jp/invite#T"}
	tests := []struct {
		lang   string
		closes time.Time
		want   []string
	}{
		{"ja", time.Date(2026, 12, 1, 0, 0, 0, 0, report.Japan), []string{"2026年11月30日（日本時間）までに"}},
		{"ja", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), []string{"2026年12月1日 17:00（日本時間）までに"}},
		{"en", time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), []string{"by the end of 2026-11-30 (Japan time)", "Dear {url} Ltd,"}},
		{"en", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), []string{"by 17:00 on 2026-12-01 (Japan time)"}},
	}
	for _, tt := range tests {
		v.Closes = tt.closes
		m := v.Message(tt.lang)
		for _, want := range append(tt.want, v.URL, v.Chamber) {
			if !strings.Contains(m.Body, want) {
				t.Errorf("%s, closing %v: body lacks %q:\n%s", tt.lang, tt.closes, want, m.Body)
			}
		}
		if strings.ContainsAny(m.Subject, "\r\n") || !strings.Contains(m.Subject, v.Chamber) || m.To != v.Email || m.Firm != v.Firm {
			t.Errorf("%s: %+v", tt.lang, m)
		}
		if strings.Count(m.Body, v.URL) != 1 {
			t.Errorf("%s: the firm name was filled as a placeholder:\n%s", tt.lang, m.Body)
		}
	}
}

func TestNewMailerNamesTheSetting(t *testing.T) {
	good := SMTPConfig{Host: "smtp.example.jp", Username: "chamber", Password: "hunter2", From: "survey@example.jp"}
	tests := []struct {
		name   string
		change func(*SMTPConfig)
		want   []string
	}{
		{"good", func(*SMTPConfig) {}, nil},
		{"good, TLS from the start", func(c *SMTPConfig) { c.TLS, c.Port = "TLS", 465 }, nil},
		{"good, unencrypted on this machine", func(c *SMTPConfig) { c.TLS, c.Host = "none", "::1" }, nil},
		{"nothing", func(c *SMTPConfig) { *c = SMTPConfig{} }, []string{"smtp_host", "smtp_from"}},
		{"a URL for the host", func(c *SMTPConfig) { c.Host = "smtp://smtp.example.jp:587" }, []string{"smtp_host"}},
		{"a port out of range", func(c *SMTPConfig) { c.Port = 70000 }, []string{"smtp_port"}},
		{"an unknown TLS mode", func(c *SMTPConfig) { c.TLS = "ssl" }, []string{"smtp_tls"}},
		{"unencrypted to another machine", func(c *SMTPConfig) { c.TLS = "none" }, []string{"smtp_tls"}},
		{"a sender that is no address", func(c *SMTPConfig) { c.From = "東京商工会議所" }, []string{"smtp_from"}},
		{"a user without a password", func(c *SMTPConfig) { c.Password = "" }, []string{"smtp_password"}},
		{"a password without a user", func(c *SMTPConfig) { c.Username = "" }, []string{"smtp_username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			_, err := NewMailer(c)
			var got []string
			for _, e := range unjoin(err) {
				var se *SettingError
				if !errors.As(e, &se) {
					t.Fatalf("%v is not a SettingError", e)
				}
				got = append(got, se.Setting)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("settings named (-want +got):\n%s", d)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}
