package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/config"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/store"
)

// staffServices builds the account and campaign services on the open store, with the keys
// kept under the data directory (or the configured JWT key file).
func staffServices(cfg config.Config, st store.Store, defs *questionnaire.Registry) (*auth.Service, *campaign.Service, error) {
	accounts, err := accountService(cfg, st)
	if err != nil {
		return nil, nil, err
	}
	inviteKey, err := store.InviteKey(cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	opts := campaign.Options{InviteKey: inviteKey}
	if cfg.SMTP.Host != "" {
		m := cfg.SMTP
		mailer, err := campaign.NewMailer(campaign.SMTPConfig{Host: m.Host, Port: m.Port, Username: m.Username, Password: m.Password, From: m.From, TLS: m.TLS})
		if err != nil {
			return nil, nil, err
		}
		opts.Sender = mailer
	}
	camps, err := campaign.NewService(st, st, defs, time.Now, opts)
	if err != nil {
		return nil, nil, err
	}
	return accounts, camps, nil
}

// cliAdmin is the principal the command line acts as: whoever can run the server's binary
// against its data directory is its administrator.
var cliAdmin = auth.Principal{UserID: "cli", Role: auth.RoleAdmin}

// openStaff loads the settings and opens the store for a staff command.
func openStaff(ctx context.Context, getenv func(string) string, stderr io.Writer) (config.Config, store.Store, *auth.Service, error) {
	cfg, err := config.Load(nil, getenv, stderr)
	if err != nil {
		return config.Config{}, nil, nil, err
	}
	st, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return config.Config{}, nil, nil, err
	}
	svc, err := accountService(cfg, st)
	if err != nil {
		_ = st.Close(ctx)
		return config.Config{}, nil, nil, err
	}
	return cfg, st, svc, nil
}

// accountService is the account service on the open store, signing with the configured key.
func accountService(cfg config.Config, st store.Store) (*auth.Service, error) {
	key, err := auth.SigningKey(cfg.JWTKeyFile, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return auth.NewService(st, key, time.Now, auth.Options{})
}

// chamberCmd is `survey chamber create --id ID --name NAME --name-en NAME`.
func chamberCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey chamber create", flag.ContinueOnError)
	fset.SetOutput(stderr)
	id := fset.String("id", "", "the chamber's id: 2-40 lower-case letters, digits and hyphens (e.g. osaka-cci)")
	name := fset.String("name", "", "its name in Japanese (e.g. 大阪商工会議所)")
	nameEN := fset.String("name-en", "", "its name in English (e.g. Osaka Chamber of Commerce and Industry)")
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: survey chamber create --id ID --name NAME --name-en NAME")
	}
	if err := fset.Parse(args[1:]); err != nil {
		return err
	}
	_, st, svc, err := openStaff(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	ch, err := svc.CreateChamber(ctx, cliAdmin, auth.Chamber{ID: *id, Name: *name, NameEN: *nameEN})
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(stdout, "created chamber %s (%s / %s)\n", ch.ID, ch.Name, ch.NameEN)
	return nil
}

// userCmd is `survey user create --email E --name N --role R [--chamber ID]`: it creates the
// account without a password and prints the one-time link with which its owner sets one, so a
// password never passes through a command line or a shell history.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("survey user create", flag.ContinueOnError)
	fset.SetOutput(stderr)
	email := fset.String("email", "", "the user's e-mail address (the login)")
	name := fset.String("name", "", "the user's name")
	role := fset.String("role", "admin", "admin (platform), chamber_admin or analyst")
	chamber := fset.String("chamber", "", "the chamber id, for chamber_admin and analyst")
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: survey user create --email E --name N [--role admin|chamber_admin|analyst] [--chamber ID]")
	}
	if err := fset.Parse(args[1:]); err != nil {
		return err
	}
	cfg, st, svc, err := openStaff(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	u, token, err := svc.InviteUser(ctx, cliAdmin, auth.NewUser{Email: *email, Name: *name, Role: auth.Role(*role), ChamberID: *chamber})
	if err != nil {
		return flagError(err)
	}
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + localAddr(cfg.Addr)
	}
	fmt.Fprintf(stdout, "created %s (%s). To set the password, open within 7 days:\n%s/staff/accept#%s\n", u.Email, u.Role, base, token)
	return nil
}

// flagError names the flag of a refused field.
func flagError(err error) error {
	var fe *auth.FieldError
	if errors.As(err, &fe) {
		flagName := map[string]string{"chamber_id": "chamber", "name_en": "name-en"}[fe.Field]
		if flagName == "" {
			flagName = fe.Field
		}
		return fmt.Errorf("--%s: %w", flagName, fe.Err)
	}
	if errors.Is(err, auth.ErrNotFound) {
		return fmt.Errorf("--chamber: no such chamber (create it with survey chamber create): %w", err)
	}
	return err
}

// localAddr is the address to reach a server listening on addr from this machine: an empty or
// unspecified host (":8080", "0.0.0.0:8080") is the loopback address.
func localAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
