package auth

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/esready/esready/internal/keyfile"
)

// MinKeyBytes is the shortest signing key accepted: HS256 (the one algorithm the tokens are
// signed with) needs a key of at least the hash's 32 bytes to keep its strength.
const MinKeyBytes = 32

// DefaultKeyFile is the file, under data_dir, of the key generated on first start when the
// jwt_key_file setting is empty.
const DefaultKeyFile = "jwt.key"

// SigningKey returns the key that signs access tokens. With path set (the jwt_key_file
// setting) it reads that file; otherwise it reads data_dir/jwt.key, creating it with 32 random
// bytes (hex, mode 0600) on first start. It refuses a key shorter than MinKeyBytes, or a file
// that other users can read, with an error naming the setting.
func SigningKey(path, dataDir string) ([]byte, error) {
	if path == "" {
		path = filepath.Join(dataDir, DefaultKeyFile)
		if err := keyfile.Ensure(path, MinKeyBytes); err != nil {
			return nil, fmt.Errorf("jwt_key_file: creating %s: %w", path, err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("jwt_key_file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("jwt_key_file: %s can be read by other users (mode %v); chmod 600 it", path, info.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("jwt_key_file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		key = []byte(strings.TrimSpace(string(raw))) // a key given as text
	}
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("jwt_key_file: %s holds a %d-byte key; at least %d random bytes are needed (e.g. openssl rand -hex 32)", path, len(key), MinKeyBytes)
	}
	return key, nil
}
