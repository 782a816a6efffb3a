package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/semaphore"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

// RenderOptions bound the rendering of reports and workbooks. The zero value is what the server
// runs with; tests change it.
type RenderOptions struct {
	// Slots is how many renders may run at once; 0 = runtime.GOMAXPROCS(0). Rendering is
	// CPU-bound: more at once than there are CPUs only makes every one slower.
	Slots int
	// Wait is how long a request waits for a slot before it gets 503 busy; 0 = 2 s.
	Wait time.Duration
	// CacheBytes bounds the rendered reports and workbooks kept in memory; 0 = 64 MB,
	// negative = none kept.
	CacheBytes int64
	// Observe, when set, is called before each render, inside its slot, with what is rendered
	// ("report", "checklist", "campaign report" or "blank checklist"). Tests count renders and
	// hold slots with it.
	Observe func(kind string)
}

const (
	defaultRenderWait = 2 * time.Second
	defaultCacheBytes = 64 << 20
)

var errBusy = &apiError{http.StatusServiceUnavailable, "busy", tr("api.busy"), nil, nil}

// renderer renders reports and workbooks at most Slots at once, and keeps what it rendered in
// an LRU bounded by bytes: the output is a function of the input alone (dates are pinned), so a
// repeated download is served from memory. Blank checklists are rendered once, at start-up.
type renderer struct {
	slots   *semaphore.Weighted
	wait    time.Duration
	cache   *byteCache
	blank   map[string][]byte // questionnaire id + "/" + lang
	observe func(kind string)
}

// newRenderer returns the renderer of o with the blank checklists of defs rendered, dated now.
func newRenderer(o RenderOptions, svc AssessmentService, defs *questionnaire.Registry, now time.Time) (*renderer, error) {
	r := &renderer{wait: o.Wait, observe: o.Observe, blank: map[string][]byte{}}
	slots := o.Slots
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	r.slots = semaphore.NewWeighted(int64(slots))
	if r.wait <= 0 {
		r.wait = defaultRenderWait
	}
	switch {
	case o.CacheBytes == 0:
		r.cache = newByteCache(defaultCacheBytes)
	case o.CacheBytes > 0:
		r.cache = newByteCache(o.CacheBytes)
	}
	if r.observe == nil {
		r.observe = func(string) {}
	}
	return r, r.renderBlanks(svc, defs, now)
}

// pdf is the action report of in.
func (r *renderer) pdf(ctx context.Context, in report.Input) ([]byte, error) {
	key, err := inputKey("report", reportKey{
		Lang: in.Lang, FirmName: in.FirmName, Date: in.Date, Questionnaire: definitionRef(in.Questionnaire),
		Score: in.Score, Checklist: &in.Checklist, Progress: in.Progress,
	})
	if err != nil {
		return nil, err
	}
	return r.render(ctx, "report", key, func(w io.Writer) error { return report.PDF(w, in) })
}

// campaignReport is the campaign report of in. Its input is plain, already-labelled data, so
// the whole of it is the cache key.
func (r *renderer) campaignReport(ctx context.Context, in report.CampaignInput) ([]byte, error) {
	key, err := inputKey("campaign report", in)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, "campaign report", key, func(w io.Writer) error { return report.CampaignReport(w, in) })
}

// workbook is the checklist workbook of in.
func (r *renderer) workbook(ctx context.Context, in report.WorkbookInput) ([]byte, error) {
	key, err := inputKey("checklist", workbookKey{
		Lang: in.Lang, Questionnaire: definitionRef(in.Questionnaire), Checklist: &in.Checklist,
		Score: in.Score, Date: in.Date, Blank: in.Blank,
	})
	if err != nil {
		return nil, err
	}
	return r.render(ctx, "checklist", key, func(w io.Writer) error { return report.Workbook(w, in) })
}

// blankWorkbook is the blank checklist of the latest version of questionnaire id, rendered at
// start-up; false when it has none.
func (r *renderer) blankWorkbook(id, lang string) ([]byte, bool) {
	b, ok := r.blank[id+"/"+lang]
	return b, ok
}

// render returns the cached output under key, or renders it in a slot and caches it.
func (r *renderer) render(ctx context.Context, kind, key string, write func(io.Writer) error) ([]byte, error) {
	if b, ok := r.cache.get(key); ok {
		return b, nil
	}
	if err := r.acquire(ctx); err != nil {
		return nil, err
	}
	defer r.slots.Release(1)
	if b, ok := r.cache.get(key); ok {
		return b, nil // rendered by another request while this one waited
	}
	r.observe(kind)
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	r.cache.add(key, buf.Bytes())
	return buf.Bytes(), nil
}

// acquire takes a slot, waiting at most r.wait: after that the request gets 503 busy with
// Retry-After, rather than queueing behind more work than the CPUs can do in time.
func (r *renderer) acquire(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, r.wait)
	defer cancel()
	err := r.slots.Acquire(wctx, 1)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err() // the request itself ended
	}
	return &retryLater{errBusy, r.wait}
}

// renderBlanks renders the blank checklist of the latest version of every questionnaire that
// has checklist rules, in each language, dated now: they are the same for every request.
func (r *renderer) renderBlanks(svc AssessmentService, defs *questionnaire.Registry, now time.Time) error {
	if svc == nil || defs == nil {
		return nil
	}
	for _, d := range defs.All() {
		if _, done := r.blank[d.ID+"/"+locale.Languages[0]]; done {
			continue
		}
		def, blank, err := svc.BlankChecklist(d.ID)
		if errors.Is(err, assessment.ErrNoQuestionnaire) {
			continue // no checklist rules: the download is a 404
		}
		if err != nil {
			return err
		}
		for _, lang := range locale.Languages {
			r.observe("blank checklist")
			var buf bytes.Buffer
			in := report.WorkbookInput{Lang: lang, Questionnaire: def, Checklist: blank, Blank: true, Date: now}
			if err := report.Workbook(&buf, in); err != nil {
				return fmt.Errorf("blank checklist of %s (%s): %w", d.ID, lang, err)
			}
			r.blank[d.ID+"/"+lang] = buf.Bytes()
		}
	}
	return nil
}

// reportKey is everything report.PDF reads from a report.Input, with the questionnaire named by
// its content hash; workbookKey likewise for report.Workbook. TestRenderKeysCoverInputs fails
// when an input gains a field that its key lacks. The checklist is held by pointer so that the
// JSON a submitted assessment's checklist keeps (checklist.Result.Memoize) is hashed, not
// encoded again on every download.
type reportKey struct {
	Lang          string
	FirmName      string
	Date          time.Time
	Questionnaire definitionID
	Score         scoring.Result
	Checklist     *checklist.Result
	Progress      *scoring.Progress
}

type workbookKey struct {
	Lang          string
	Questionnaire definitionID
	Checklist     *checklist.Result
	Score         *scoring.Result
	Date          time.Time
	Blank         bool
}

// definitionID names a questionnaire definition by its content hash, which changes with every
// text a renderer prints from it.
type definitionID struct {
	ID      string
	Version int
	Hash    string
}

func definitionRef(d *questionnaire.Definition) definitionID {
	if d == nil {
		return definitionID{}
	}
	return definitionID{d.ID, d.Version, d.Hash}
}

// inputKey is the SHA-256 of kind and the JSON of a renderer's whole input. The firm name enters
// the cache only inside this hash, never as itself, and no key is logged.
func inputKey(kind string, v any) (string, error) {
	h := sha256.New()
	io.WriteString(h, kind+"\n")
	if err := json.NewEncoder(h).Encode(v); err != nil {
		return "", fmt.Errorf("render cache key: %w", err)
	}
	return string(h.Sum(nil)), nil
}

// byteCache is an LRU map bounded by the total length of its values. golang-lru bounds by
// count only, so the bytes are counted here and the oldest entries evicted until they fit.
// A nil *byteCache keeps nothing.
type byteCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	items *simplelru.LRU[string, []byte]
}

func newByteCache(max int64) *byteCache {
	c := &byteCache{max: max}
	// The count bound is never the one reached: the byte bound evicts first for any value of
	// more than 64 bytes.
	items, err := simplelru.NewLRU(int(max/64)+1, func(_ string, v []byte) { c.size -= int64(len(v)) })
	if err != nil {
		panic(err) // only for a size below 1
	}
	c.items = items
	return c
}

func (c *byteCache) get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items.Get(key)
}

// add keeps v under key, evicting the least recently used values until the total fits; a value
// larger than the whole budget is not kept.
func (c *byteCache) add(key string, v []byte) {
	if c == nil || int64(len(v)) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items.Contains(key) {
		return
	}
	c.items.Add(key, v)
	c.size += int64(len(v))
	for c.size > c.max {
		c.items.RemoveOldest()
	}
}
