package auth

import (
	"errors"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(func() time.Time { return now })
	for i := range accountFailures {
		if err := th.Check("a@x.jp", "10.0.0.1"); err != nil {
			t.Fatalf("failure %d refused early: %v", i, err)
		}
		th.Fail("a@x.jp", "10.0.0.1")
	}
	var te *ThrottledError
	if err := th.Check("a@x.jp", "10.0.0.2"); !errors.As(err, &te) || te.RetryAfter <= 0 || te.RetryAfter > failureWindow {
		t.Fatalf("account not throttled from another address: %v", err)
	}
	if err := th.Check("b@x.jp", "10.0.0.1"); err != nil {
		t.Fatalf("another account from the same address throttled after %d failures: %v", accountFailures, err)
	}
	now = now.Add(te.RetryAfter)
	if err := th.Check("a@x.jp", "10.0.0.2"); err != nil {
		t.Fatalf("still throttled after Retry-After: %v", err)
	}
	// An address spraying many accounts is stopped after addressFailures.
	for i := range addressFailures {
		th.Fail(string(rune('c'+i))+"@x.jp", "10.9.9.9")
	}
	if err := th.Check("fresh@x.jp", "10.9.9.9"); !errors.As(err, &te) {
		t.Fatalf("address not throttled: %v", err)
	}
}
