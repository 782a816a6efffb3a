package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery 𠮷")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if !VerifyPassword(h, "correct horse battery 𠮷") {
		t.Fatal("the right password does not verify")
	}
	for _, wrong := range []string{"", "correct horse battery 吉", "correct horse battery 𠮷 "} {
		if VerifyPassword(h, wrong) {
			t.Fatalf("%q verifies", wrong)
		}
	}
	h2, _ := HashPassword("correct horse battery 𠮷")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestMalformedHashesNeverMatch(t *testing.T) {
	good, _ := HashPassword("a long enough password")
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuuN8yMPrYmKZqyCRyvaS2jZ7tDQSdT4Ge",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"huge memory":  strings.Join(append(append([]string{}, parts[:3]...), "m=4000000,t=2,p=1", parts[4], parts[5]), "$"),
		"many passes":  strings.Join(append(append([]string{}, parts[:3]...), "m=19456,t=100,p=1", parts[4], parts[5]), "$"),
		"short key":    strings.Join(append(append([]string{}, parts[:5]...), "AAAA"), "$"),
		"bad base64":   strings.Join(append(append([]string{}, parts[:4]...), "!!!", parts[5]), "$"),
		"missing part": strings.Join(parts[:5], "$"),
	} {
		if VerifyPassword(h, "a long enough password") {
			t.Errorf("%s: a malformed hash matched", name)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, c := range []struct {
		pw, email string
		want      error
	}{
		{"short", "a@b.jp", ErrPasswordTooShort},
		{"１２３４５６７８９０１", "a@b.jp", ErrPasswordTooShort}, // 11 characters, 33 bytes
		{"１２３４５６７８９０１２", "a@b.jp", nil},
		{strings.Repeat("x", 257), "a@b.jp", ErrPasswordTooLong},
		{"Someone@Example.jp", "someone@example.jp", ErrPasswordIsEmail},
		{"a sound passphrase", "a@b.jp", nil},
	} {
		if err := CheckPassword(c.pw, c.email); !errors.Is(err, c.want) {
			t.Errorf("CheckPassword(%q) = %v, want %v", c.pw, err, c.want)
		}
	}
}
