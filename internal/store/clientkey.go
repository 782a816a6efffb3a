package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/esready/esready/internal/assessment"
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
		if err := createClientKey(dir, path); err != nil {
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

// createClientKey writes a new key to a temporary file and links it into place, so a reader
// never sees half a key and, of two servers starting at once, the first key stays.
func createClientKey(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key := make([]byte, assessment.ClientKeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ClientKeyFile+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
