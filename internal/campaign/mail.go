package campaign

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/report"
)

// SMTPConfig is how invitations leave the server: the settings smtp_host, smtp_port,
// smtp_username, smtp_password, smtp_from and smtp_tls.
type SMTPConfig struct {
	Host     string
	Port     int    // 0: 587 for starttls, 465 for tls, 25 for none
	Username string // "" for a server that needs no authentication
	Password string
	From     string // the sender: an address, or "name <address>"
	// TLS is "starttls" (the default: the connection must switch to TLS before anything is
	// sent), "tls" (TLS from the start, as on port 465) or "none", which sends the password and
	// every link in the clear and so is refused for any server but one on this machine.
	TLS string
}

// SettingError is an SMTP setting that cannot work. It never holds the password.
type SettingError struct {
	Setting string // smtp_host, smtp_port, …
	Problem string
}

func (e *SettingError) Error() string { return "invalid setting " + e.Setting + ": " + e.Problem }

// Message is one e-mail to one firm.
type Message struct {
	To      string // a bare address
	Firm    string // the name shown with the address
	Subject string
	Body    string // plain text
}

// Invite is what one invitation e-mail says.
type Invite struct {
	Chamber string    // the chamber's name, as it signs
	Title   string    // the campaign's title in the e-mail's language
	Closes  time.Time // Campaign.Closes
	Firm    string
	Email   string
	URL     string // the firm's own link
}

// Message is the invitation in lang (Japanese unless "en"), from the catalogue.
func (v Invite) Message(lang string) Message {
	// The firm name, from the uploaded file, goes in last: a brace in it is never filled.
	pairs := []any{"url", v.URL, "deadline", deadline(lang, v.Closes), "title", v.Title, "chamber", v.Chamber, "firm", v.Firm}
	subject := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, locale.Get(lang, "campaign.mail.subject", pairs...))
	return Message{To: v.Email, Firm: v.Firm, Subject: subject, Body: locale.Get(lang, "campaign.mail.body", pairs...)}
}

// deadline is the last moment to answer, in Japan time. A campaign closing at midnight closes
// at the end of the day before, which is what a person expects to read.
func deadline(lang string, closes time.Time) string {
	t := closes.In(report.Japan)
	if t.Equal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, report.Japan)) {
		return locale.Get(lang, "campaign.mail.deadline_day", "date", report.Day(lang, t.Add(-time.Second)))
	}
	return locale.Get(lang, "campaign.mail.deadline_time", "date", report.Day(lang, t), "time", t.Format("15:04"))
}

// Mailer sends e-mail through one SMTP server.
type Mailer struct {
	cfg     SMTPConfig
	from    *netmail.Address
	timeout time.Duration  // of each exchange with the server
	roots   *x509.CertPool // the certificate authorities trusted; nil for the system's
}

// NewMailer checks the settings and returns a mailer; it does not connect. Each problem is a
// *SettingError, all of them joined.
func NewMailer(c SMTPConfig) (*Mailer, error) {
	c.Host, c.TLS = strings.TrimSpace(c.Host), strings.ToLower(strings.TrimSpace(c.TLS))
	if c.TLS == "" {
		c.TLS = "starttls"
	}
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, &SettingError{Setting: setting, Problem: fmt.Sprintf(format, args...)})
	}
	switch {
	case c.Host == "":
		bad("smtp_host", "required")
	case strings.ContainsAny(c.Host, ":/ ") && net.ParseIP(c.Host) == nil:
		bad("smtp_host", "%q: give the host name or address alone (the port is smtp_port)", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("smtp_port", "%d: use 1 to 65535, or 0 for the usual port of smtp_tls", c.Port)
	}
	switch c.TLS {
	case "starttls", "tls":
	case "none":
		if !loopback(c.Host) {
			bad("smtp_tls", "none sends the password and the invitation links unencrypted; it is allowed only for a server on this machine (localhost), not %q", c.Host)
		}
	default:
		bad("smtp_tls", "%q: use starttls, tls or none", c.TLS)
	}
	from, err := netmail.ParseAddress(c.From)
	if err != nil {
		bad("smtp_from", "%q is not an e-mail address (%v)", c.From, err)
	}
	if c.Username != "" && c.Password == "" {
		bad("smtp_password", "required when smtp_username is set")
	}
	if c.Username == "" && c.Password != "" {
		bad("smtp_username", "required when smtp_password is set")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if c.Port == 0 {
		c.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[c.TLS]
	}
	return &Mailer{cfg: c, from: from, timeout: 30 * time.Second}, nil
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Send sends msgs over one connection, in order, and returns the indexes of those sent and the
// error of each that failed (a recipient the server refuses fails alone; the batch goes on). A
// connection the server drops between messages is made again, once per message. err reports a
// batch that stopped early, for want of a connection or because ctx ended (which interrupts
// the exchange under way too): the messages neither sent nor failed were not tried. progress,
// if not nil, is called after each message with the number handled so far. Nothing of a
// message's body, which holds the firm's link, goes into an error.
func (m *Mailer) Send(ctx context.Context, msgs []Message, progress func(done, total int)) (sent []int, failed map[int]error, err error) {
	failed = map[int]error{}
	built := make([]*mail.Msg, len(msgs))
	for i, msg := range msgs {
		if built[i], err = m.build(msg); err != nil {
			failed[i] = err
		}
	}
	done := len(failed)
	if done == len(msgs) {
		return nil, failed, nil
	}
	s, err := m.dial(ctx)
	if err != nil {
		return nil, failed, err
	}
	defer func() { s.close() }()
	for i, b := range built {
		if b == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return sent, failed, err
		}
		err := s.send(b)
		if lost(err) && ctx.Err() == nil {
			// The server closed the connection after the last message: nothing of this one
			// was sent, so it can go again over a new connection.
			s.close()
			again, derr := m.dial(ctx)
			if derr != nil {
				return sent, failed, derr
			}
			s, err = again, again.send(b)
		}
		switch {
		case b.IsDelivered(): // the server took it, even if the reset after it failed
			sent = append(sent, i)
		case ctx.Err() != nil:
			failed[i] = fmt.Errorf("campaign: sending to %s: %w (%w)", msgs[i].To, ctx.Err(), err)
		default:
			failed[i] = fmt.Errorf("campaign: sending to %s: %w", msgs[i].To, err)
		}
		if done++; progress != nil {
			progress(done, len(msgs))
		}
	}
	return sent, failed, nil
}

// lost reports the error of a message that found the connection gone before it began.
func lost(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.Reason == mail.ErrConnCheck
}

// build makes the e-mail of one message: UTF-8, base64 (the usual transfer encoding of
// Japanese mail), the subject and the firm's name as RFC 2047 encoded words.
func (m *Mailer) build(msg Message) (*mail.Msg, error) {
	to, err := netmail.ParseAddress(msg.To)
	if err != nil || to.Address != msg.To {
		return nil, fmt.Errorf("campaign: %q is not an e-mail address", msg.To)
	}
	to.Name = msg.Firm
	g := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingB64))
	g.FromMailAddress(m.from)
	g.ToMailAddress(to)
	g.Subject(msg.Subject)
	g.SetDate()
	// A Message-ID in the sender's domain rather than this machine's name, which spam
	// filters hold against a message.
	g.SetMessageIDWithValue(rand.Text() + "@" + m.from.Address[strings.LastIndexByte(m.from.Address, '@')+1:])
	g.SetBodyString(mail.TypeTextPlain, msg.Body)
	return g, nil
}

// session is one connection to the server.
type session struct {
	client *mail.Client
	conn   net.Conn
	smtp   *gosmtp.Client
	stop   func() bool // stops the interruption of conn when ctx ends
}

// dial connects, switches to TLS and authenticates. When ctx ends, the connection's deadline is
// moved to the past, so whatever exchange is under way fails at once rather than at the timeout.
func (m *Mailer) dial(ctx context.Context) (*session, error) {
	s := &session{}
	client, err := mail.NewClient(m.cfg.Host, m.options(ctx, s)...)
	if err != nil {
		return nil, fmt.Errorf("campaign: SMTP client: %w", err)
	}
	s.client = client
	if s.smtp, err = client.DialToSMTPClientWithContext(ctx); err != nil {
		s.close()
		return nil, fmt.Errorf("campaign: connecting to the SMTP server %s: %w", net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port)), err)
	}
	return s, nil
}

func (m *Mailer) options(ctx context.Context, s *session) []mail.Option {
	tlsConfig := &tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: m.roots}
	var dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	} = &net.Dialer{}
	if m.cfg.TLS == "tls" {
		dialer = &tls.Dialer{Config: tlsConfig}
	}
	opts := []mail.Option{
		mail.WithPort(m.cfg.Port), mail.WithTimeout(m.timeout), mail.WithTLSConfig(tlsConfig),
		mail.WithDialContextFunc(func(dctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(dctx, network, addr)
			if err == nil {
				s.conn = conn
				s.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
			}
			return conn, err
		}),
	}
	switch m.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL()) // the dialer above makes the TLS connection
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		// PLAIN and LOGIN send the password only over TLS, or to localhost.
		opts = append(opts, mail.WithUsername(m.cfg.Username), mail.WithPassword(m.cfg.Password),
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthSCRAMSHA256PLUS, mail.SMTPAuthSCRAMSHA256,
				mail.SMTPAuthSCRAMSHA1PLUS, mail.SMTPAuthSCRAMSHA1, mail.SMTPAuthCramMD5, mail.SMTPAuthPlain, mail.SMTPAuthLogin))
	}
	return opts
}

func (s *session) send(b *mail.Msg) error { return s.client.SendWithSMTPClient(s.smtp, b) }

// close says goodbye if it can and closes the connection in any case; again, it does nothing.
func (s *session) close() {
	if s.smtp != nil {
		_ = s.client.CloseWithSMTPClient(s.smtp)
	}
	if s.stop != nil {
		s.stop()
	}
	if s.conn != nil {
		_ = s.conn.Close()
	}
	s.smtp, s.stop, s.conn = nil, nil, nil
}
