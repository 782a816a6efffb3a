package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules: long enough that a guessed password is not the weak point, short enough that
// hashing cannot be made expensive by the request itself.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 256
)

// Argon2id parameters: OWASP's first recommendation (19 MiB, two passes, one lane), about
// 30 ms on one core of the 2-core machine. They are stored with each hash, so raising them
// later leaves existing hashes readable.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// Errors of passwords.
var (
	ErrPasswordTooShort = errors.New("password too short")
	ErrPasswordTooLong  = errors.New("password too long")
	ErrPasswordIsEmail  = errors.New("password equals the e-mail address")
	errMalformedHash    = errors.New("malformed password hash")
)

// CheckPassword says why a new password is refused, or nil.
func CheckPassword(password, email string) error {
	switch {
	case len(password) > MaxPasswordBytes:
		return ErrPasswordTooLong
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return ErrPasswordTooShort
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return ErrPasswordIsEmail
	}
	return nil
}

// HashPassword returns the argon2id hash of password in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), with a fresh random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the hash, comparing in constant time. A
// malformed hash (or an account without a password, "") never matches.
func VerifyPassword(hash, password string) bool {
	p, err := parseHash(hash)
	if err != nil || len(password) > MaxPasswordBytes {
		return false
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

type argonHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parseHash reads a PHC argon2id string, refusing parameters outside what this program
// writes by more than a factor of four, so a tampered row cannot make a login hash for long.
func parseHash(s string) (argonHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return argonHash{}, errMalformedHash
	}
	var h argonHash
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return argonHash{}, errMalformedHash
	}
	if h.memory < 8*1024 || h.memory > 4*argonMemoryKiB || h.time < 1 || h.time > 4*argonTime || h.threads < 1 || h.threads > 4 {
		return argonHash{}, errMalformedHash
	}
	var err error
	enc := base64.RawStdEncoding
	if h.salt, err = enc.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return argonHash{}, errMalformedHash
	}
	if h.key, err = enc.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return argonHash{}, errMalformedHash
	}
	return h, nil
}
