package scoring_test

import (
	"io/fs"
	"strings"

	"github.com/esready/esready/configs"
)

func readConfig(name string) ([]byte, error) { return fs.ReadFile(configs.Embedded(), name) }

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
