package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestStaffCommands sets up a chamber and its admin from the command line, as the README's
// first steps do: the admin's set-password link reaches the server on this machine, and a
// refused value names its flag.
func TestStaffCommands(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		return map[string]string{"SURVEY_DATA_DIR": dir, "SURVEY_ADDR": "0.0.0.0:9090"}[k]
	}
	cmd := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"survey"}, args...), env, &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, out, errs := cmd("chamber", "create", "--id", "osaka-cci", "--name", "大阪商工会議所", "--name-en", "Osaka CCI"); code != 0 || !strings.Contains(out, "osaka-cci") {
		t.Fatalf("chamber create: %d %s %s", code, out, errs)
	}
	code, out, errs := cmd("user", "create", "--email", "admin@osaka.example.jp", "--name", "管理 𠮷太郎", "--role", "chamber_admin", "--chamber", "osaka-cci")
	if code != 0 || !strings.Contains(out, "http://127.0.0.1:9090/staff/accept#") {
		t.Fatalf("user create: %d %q %s", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"chamber", "create", "--id", "Osaka CCI", "--name", "x", "--name-en", "y"}, "--id"},
		{[]string{"user", "create", "--email", "not-an-address", "--name", "x"}, "--email"},
		{[]string{"user", "create", "--email", "a@example.jp", "--name", "x", "--role", "analyst"}, "--chamber"},
		{[]string{"user", "create", "--email", "b@example.jp", "--name", "x", "--role", "analyst", "--chamber", "nowhere"}, "--chamber"},
		{[]string{"user", "create", "--email", "admin@osaka.example.jp", "--name", "x", "--role", "chamber_admin", "--chamber", "osaka-cci"}, "already in use"},
	} {
		if code, _, errs := cmd(c.args...); code != 1 || !strings.Contains(errs, c.flag) {
			t.Errorf("%v: exit %d, %q; want an error naming %s", c.args, code, errs, c.flag)
		}
	}
}
