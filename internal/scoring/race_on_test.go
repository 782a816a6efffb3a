//go:build race

package scoring

// raceEnabled: the race detector slows the single-goroutine oracle tests about tenfold and
// finds nothing in them, so under -race (as make test runs) they draw a quarter of their random
// cases; `go test ./internal/scoring/` runs them all.
const raceEnabled = true
