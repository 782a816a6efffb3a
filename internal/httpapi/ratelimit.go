package httpapi

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Request budgets per client address. One figure, the rate_limit setting (N, requests per
// minute, default 60), sets them all; each class of route has a token bucket of its own per
// address, refilled at the sustained rate and holding at most the burst:
//
//	class     routes                                             sustained     burst
//	create    POST /assessments                                  N/min         N/2
//	save      PUT  /assessments/{id}/answers                     10·N/min      N
//	submit    POST /assessments/{id}/submit                      N/min         N/2
//	download  GET  …/report.pdf, …/checklist.xlsx, /checklist.xlsx  N/4 per min   N/4
//
// Saves get ten times the budget because the web app autosaves about once a second of typing,
// and several respondents of one firm or one chamber seminar may share an address behind NAT;
// downloads get a quarter because each may cost a render. Reads (questionnaires, the draft, the
// result) and deletion are not limited. N = 0 turns every limit off (the load benchmark does).
//
// Login attempts need their own, much smaller budget keyed by account as well as address; it
// comes with staff accounts (issue 13).
var errRateLimited = &apiError{http.StatusTooManyRequests, "rate_limited", tr("api.rate_limited"), nil, nil}

// maxAddresses bounds the addresses remembered per class, so memory stays bounded whatever the
// number of clients: about 270 bytes an address (bucket, LRU entry and map slot, measured), so
// some 2 MB a class and 9 MB in all. An address pushed out is the one seen least recently; it
// starts again with a full bucket, as it would after a pause. Only more than this many addresses
// active within a bucket's refill time (a minute at most) lose anything, and then the forgotten
// ones gain.
const maxAddresses = 1 << 13

// rateLimits are the middleware of the classes above.
type rateLimits struct {
	create, save, submit, download gin.HandlerFunc
}

// newRateLimits derives the budgets from perMinute; 0 (or less) turns every limit off. now is
// the clock the buckets fill by.
func newRateLimits(perMinute int, now func() time.Time) rateLimits {
	if perMinute <= 0 {
		off := func(*gin.Context) {}
		return rateLimits{off, off, off, off}
	}
	n := float64(perMinute)
	limit := func(perMin float64, burst int) gin.HandlerFunc {
		return newLimiter(rate.Limit(perMin/60), max(1, burst), now).handle
	}
	return rateLimits{
		create:   limit(n, perMinute/2),
		save:     limit(10*n, perMinute),
		submit:   limit(n, perMinute/2),
		download: limit(n/4, perMinute/4),
	}
}

// clock is d.Now, or time.Now when unset.
func (d Deps) clock() func() time.Time {
	if d.Now == nil {
		return time.Now
	}
	return d.Now
}

// limiter is one class's token buckets (golang.org/x/time/rate), one per client address, in an
// LRU map of bounded size.
type limiter struct {
	every   rate.Limit
	burst   int
	now     func() time.Time
	buckets *lru.Cache[netip.Prefix, *rate.Limiter]
}

func newLimiter(every rate.Limit, burst int, now func() time.Time) *limiter {
	buckets, err := lru.New[netip.Prefix, *rate.Limiter](maxAddresses)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &limiter{every: every, burst: burst, now: now, buckets: buckets}
}

// handle lets the request through when the client's bucket holds a token, and otherwise answers
// 429 with the seconds until it will.
func (l *limiter) handle(c *gin.Context) {
	if wait := l.take(clientKey(c.ClientIP())); wait > 0 {
		writeError(c, &retryLater{errRateLimited, wait})
	}
}

// take takes a token from the bucket of key, or leaves it untouched and returns how long until
// one is there.
func (l *limiter) take(key netip.Prefix) time.Duration {
	b := l.bucket(key)
	now := l.now()
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return wait
	}
	return 0
}

// bucket is key's bucket, a full one for an address not seen (or forgotten).
func (l *limiter) bucket(key netip.Prefix) *rate.Limiter {
	if b, ok := l.buckets.Get(key); ok {
		return b
	}
	b := rate.NewLimiter(l.every, l.burst)
	if prev, ok, _ := l.buckets.PeekOrAdd(key, b); ok {
		return prev // a concurrent request of the same address added it first
	}
	return b
}

// clientKey is the bucket key of a client address (gin's ClientIP, which follows
// X-Forwarded-For only from the configured trusted proxies). An IPv4 address is its own key;
// IPv6 addresses share their /64, the block one subscriber or host is usually given, or a
// single client could take a fresh budget for every request.
func clientKey(ip string) netip.Prefix {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Prefix{} // not an address (never from net/http): one shared bucket
	}
	a = a.Unmap().WithZone("")
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// retryLater is an error whose response tells the client, in Retry-After, how many seconds to
// wait before trying again: a rate limit, or the renderers busy.
type retryLater struct {
	*apiError
	after time.Duration
}

func (e *retryLater) Unwrap() error { return e.apiError }

// seconds is d in whole seconds for Retry-After, rounded up and at least 1.
func (e *retryLater) seconds() string {
	return strconv.FormatInt(max(1, int64(math.Ceil(e.after.Seconds()))), 10)
}
