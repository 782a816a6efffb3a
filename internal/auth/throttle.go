package auth

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Failed logins are limited per account and per address: an account takes five failures in
// quarter of an hour before it waits, an address (a proxy may front an office) twenty. Only
// failures spend the budget, so a user who types the password right is never slowed.
const (
	accountFailures = 5
	addressFailures = 20
	failureWindow   = 15 * time.Minute
	// throttleKeys bounds the memory of the limiters; an evicted key starts afresh, which only
	// an attacker cycling through more keys than this gains from, and each key is still limited.
	throttleKeys = 100_000
)

// ThrottledError is a login refused before the password is checked, because the account or
// the address failed too often; RetryAfter says when to try again.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return "too many failed logins; retry after " + e.RetryAfter.String()
}

// Throttle counts failed logins.
type Throttle struct {
	mu       sync.Mutex
	now      func() time.Time
	accounts *lru.Cache[string, *rate.Limiter]
	address  *lru.Cache[string, *rate.Limiter]
}

// NewThrottle returns an empty throttle on the clock now.
func NewThrottle(now func() time.Time) *Throttle {
	a, _ := lru.New[string, *rate.Limiter](throttleKeys) // fails only for a size below 1
	b, _ := lru.New[string, *rate.Limiter](throttleKeys)
	return &Throttle{now: now, accounts: a, address: b}
}

// Check returns a ThrottledError when the account or the address has no failure left.
func (t *Throttle) Check(account, addr string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, l := range []*rate.Limiter{t.limiter(t.accounts, account, accountFailures), t.limiter(t.address, addr, addressFailures)} {
		if l == nil || l.TokensAt(now) >= 1 {
			continue
		}
		r := l.ReserveN(now, 1)
		wait = max(wait, r.DelayFrom(now))
		r.CancelAt(now)
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait.Round(time.Second) + time.Second}
	}
	return nil
}

// Fail spends one failure of the account and of the address.
func (t *Throttle) Fail(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, l := range []*rate.Limiter{t.limiter(t.accounts, account, accountFailures), t.limiter(t.address, addr, addressFailures)} {
		if l != nil {
			l.AllowN(now, 1)
		}
	}
}

// limiter returns the limiter of key, creating it with a burst of n failures refilled over
// the window; nil for an empty key.
func (t *Throttle) limiter(c *lru.Cache[string, *rate.Limiter], key string, n int) *rate.Limiter {
	if key == "" {
		return nil
	}
	if l, ok := c.Get(key); ok {
		return l
	}
	l := rate.NewLimiter(rate.Every(failureWindow/time.Duration(n)), n)
	c.Add(key, l)
	return l
}
