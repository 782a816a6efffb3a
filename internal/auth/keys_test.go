package auth_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esready/esready/internal/auth"
)

func TestSigningKeyGeneratedOnce(t *testing.T) {
	dir := t.TempDir()
	k1, err := auth.SigningKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, auth.DefaultKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("generated key file mode %v, want 0600", info.Mode().Perm())
	}
	k2, err := auth.SigningKey("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != auth.MinKeyBytes || !bytes.Equal(k1, k2) {
		t.Errorf("the key is not kept across starts: %x then %x", k1, k2)
	}
	if k3, _ := auth.SigningKey("", t.TempDir()); bytes.Equal(k1, k3) {
		t.Error("two data directories got the same key")
	}
}

func TestSigningKeyRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name, path, want string
	}{
		{"short", write("short.key", "secret", 0o600), "at least 32"},
		{"short hex", write("hex.key", strings.Repeat("ab", 16), 0o600), "16-byte"},
		{"readable by others", write("open.key", strings.Repeat("ab", 32), 0o644), "chmod 600"},
		{"missing", filepath.Join(dir, "none.key"), "jwt_key_file"},
	} {
		_, err := auth.SigningKey(tt.path, dir)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "jwt_key_file") {
			t.Errorf("%s: error %v, want one naming jwt_key_file and saying %q", tt.name, err, tt.want)
		}
	}
	good := write("good.key", strings.Repeat("ab", 32), 0o600)
	if k, err := auth.SigningKey(good, dir); err != nil || len(k) != 32 {
		t.Errorf("a good key file: %v (%d bytes)", err, len(k))
	}
}
