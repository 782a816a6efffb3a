// Package mailtest runs an SMTP server inside a test (github.com/emersion/go-smtp), so that
// mail is sent for real over a loopback connection and read back. Only tests import it.
package mailtest

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server inside the test: it asks for a password, refuses one recipient,
// records what it accepts, and can drop the connection after a message or hold one.
type Server struct {
	Port        int
	Refuse      string        // the recipient RCPT refuses
	DropAfter   int           // close a connection after it delivered this many messages (0: never)
	Hold        chan struct{} // if not nil, DATA waits until it is closed…
	Holding     chan struct{} // …after closing this one
	TLS         *tls.Config   // if not nil, the server offers STARTTLS and AUTH only over TLS…
	Implicit    bool          // …or speaks TLS from the start
	mu          sync.Mutex
	received    []Delivered
	Connections int
}

// Delivered is one message the server accepted.
type Delivered struct {
	From string
	To   []string
	Data []byte
}

// Start runs a server on a loopback port until the test ends; configure sets its behaviour
// first. It accepts the user "chamber" with the password "s3cret".
func Start(t *testing.T, configure func(*Server)) *Server {
	t.Helper()
	ms := &Server{Refuse: "rejected@example.jp"}
	if configure != nil {
		configure(ms)
	}
	srv := smtp.NewServer(ms)
	srv.Domain, srv.AllowInsecureAuth, srv.TLSConfig = "localhost", ms.TLS == nil, ms.TLS
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.Port = l.Addr().(*net.TCPAddr).Port
	if ms.Implicit {
		l = tls.NewListener(l, ms.TLS)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	if ms.Hold != nil {
		t.Cleanup(func() { close(ms.Hold) }) // runs first: frees a held DATA so the server can close
	}
	return ms
}

// NewSession is go-smtp's backend interface.
func (ms *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	ms.mu.Lock()
	ms.Connections++
	ms.mu.Unlock()
	return &session{server: ms, conn: c}, nil
}

// Messages returns what the server accepted so far.
func (ms *Server) Messages() []Delivered {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]Delivered(nil), ms.received...)
}

type session struct {
	server    *Server
	conn      *smtp.Conn
	authed    bool
	current   Delivered
	Delivered int
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "chamber" || pass != "s3cret" {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.current = Delivered{From: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.server.Refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	s.current.To = append(s.current.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if s.server.Hold != nil {
		close(s.server.Holding)
		<-s.server.Hold
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.current.Data = b
	s.server.mu.Lock()
	s.server.received = append(s.server.received, s.current)
	s.server.mu.Unlock()
	s.Delivered++
	return nil
}

// Reset runs after each DATA, once the reply is written: the place to drop the connection.
func (s *session) Reset() {
	if s.server.DropAfter > 0 && s.Delivered == s.server.DropAfter {
		_ = s.conn.Conn().Close()
	}
}

func (s *session) Logout() error { return nil }
