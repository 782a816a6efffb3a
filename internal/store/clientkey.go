package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/keyfile"
)

// ClientKeyFile is the file under the data directory that holds the key of the client hashes:
// the secret under which each submission records the address it came from, as an HMAC, never
// the address (assessment.Options.ClientKey). It is kept out of the database, so that a copy of
// the database or of a backup does not carry the key that would let the hashes be matched with
// addresses tried one by one.
const ClientKeyFile = "client-hash.key"

// ClientKey reads the key of the client hashes from dir/client-hash.key, creating the directory
// and the file, with a new random key readable by its owner only, when they do not exist. All
// servers sharing one database must share the file (with MongoDB, mount the same file on every
// server): a server with another key sees one client's bursts as coming from different clients.
// Replacing the key only makes bursts under the old and the new key look apart.
func ClientKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, ClientKeyFile)
	key, err := readClientKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := keyfile.Ensure(path, assessment.ClientKeySize); err != nil {
			return nil, fmt.Errorf("create the client hash key %s (under setting data_dir): %w", path, err)
		}
		key, err = readClientKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("client hash key %s (under setting data_dir): %w", path, err)
	}
	return key, nil
}

// readClientKey reads a key written as hex.
func readClientKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) < assessment.ClientKeySize {
		return nil, fmt.Errorf("must hold at least %d random bytes written as hex; delete it to have a new key made", assessment.ClientKeySize)
	}
	return key, nil
}
