package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/esready/esready/internal/store"
)

// TestClientKey: the key is made once, readable by its owner only, and read back the same by
// every later start, also by servers starting at once; a damaged file stops start-up with a
// message naming the file and the setting.
func TestClientKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := store.ClientKey(dir)
			if err != nil {
				t.Errorf("ClientKey: %v", err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i, k := range keys {
		if len(k) != 32 || !bytes.Equal(k, keys[0]) {
			t.Fatalf("start %d read key %x, start 0 %x: want one 32-byte key", i, k, keys[0])
		}
	}
	path := filepath.Join(dir, store.ClientKeyFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file %v, %v: want mode 0600", fi, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the data directory holds %d files, want the key alone (no temporary files left)", len(entries))
	}
	again, err := store.ClientKey(dir)
	if err != nil || !bytes.Equal(again, keys[0]) {
		t.Errorf("after a restart: %x, %v; want the same key", again, err)
	}

	if err := os.WriteFile(path, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = store.ClientKey(dir)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "data_dir") {
		t.Errorf("a damaged key file: %v; want an error naming the file and the setting", err)
	}
}
