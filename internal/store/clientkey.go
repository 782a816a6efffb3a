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
	return secretKey(dir, ClientKeyFile, "client hash key", assessment.ClientKeySize)
}

// InviteKeyFile is the file under the data directory that holds the key from which every
// campaign invitation's link token derives (campaign.Options.InviteKey): the database keeps only
// the tokens' hashes, and the key lets the chamber download the links again. All servers
// sharing a database must share it; replacing it makes every invitation link sent so far stop
// working.
const InviteKeyFile = "invite.key"

// InviteKey reads the invitation key from dir/invite.key, creating it as ClientKey does.
func InviteKey(dir string) ([]byte, error) {
	return secretKey(dir, InviteKeyFile, "invitation key", 32)
}

// secretKey reads the key in dir/file, creating the file with size random bytes (hex, 0600)
// when it does not exist.
func secretKey(dir, file, what string, size int) ([]byte, error) {
	path := filepath.Join(dir, file)
	key, err := readKey(path, size)
	if errors.Is(err, fs.ErrNotExist) {
		if err := keyfile.Ensure(path, size); err != nil {
			return nil, fmt.Errorf("create the %s %s (under setting data_dir): %w", what, path, err)
		}
		key, err = readKey(path, size)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s (under setting data_dir): %w", what, path, err)
	}
	return key, nil
}

// readKey reads a key of at least size bytes written as hex.
func readKey(path string, size int) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) < size {
		return nil, fmt.Errorf("must hold at least %d random bytes written as hex; delete it to have a new key made", size)
	}
	return key, nil
}
