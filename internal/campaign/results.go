package campaign

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

const (
	// pageSize is how many compact rows one read of the store returns.
	pageSize = 5000
	// lookback is how far below the highest sequence folded each refresh reads again. On
	// MongoDB a submission's number can become visible shortly before a lower one commits;
	// rows re-read are recognised by their sequence and folded once. The embedded store
	// commits in sequence order, and the re-read costs one indexed range of this campaign.
	lookback = 1000
)

// view is one campaign's aggregates, folded incrementally from its compact submission rows:
// a refresh reads only the rows above the highest sequence folded (less the lookback). A row
// that replaces an earlier one of the same firm (a second submission through one invitation)
// or a tombstone (a deleted submission) cannot be subtracted from counts, so the view is then
// folded again from the start: rare events, against the common one of a new firm.
type view struct {
	mu     sync.Mutex
	views  *scoring.Views
	high   int64
	recent map[int64]bool  // sequences above high-lookback already folded
	firms  map[string]bool // firm keys with a row folded
}

func (s *Service) viewOf(c Campaign) *view {
	if v, ok := s.views.Get(c.ID); ok {
		return v
	}
	v := &view{}
	s.views.Add(c.ID, v)
	return v
}

// Results is a campaign's aggregate tables in one view, and the filters that may be asked for.
type Results struct {
	Campaign  Campaign
	Aggregate scoring.Aggregate
	Filters   []scoring.Filter
	Filter    scoring.Filter
}

// Results returns the campaign's tables, whole (zero filter) or filtered by one sector or
// prefecture; a filter the campaign cannot serve without exposing a small group is
// scoring.ErrFilterTooSmall.
func (s *Service) Results(ctx context.Context, p auth.Principal, campaignID string, f scoring.Filter) (Results, error) {
	c, err := s.Get(ctx, p, campaignID)
	if err != nil {
		return Results{}, err
	}
	def, ok := s.defs.Version(c.QuestionnaireID, c.Version)
	if !ok {
		return Results{}, assessment.ErrDefinitionAbsent
	}
	v := s.viewOf(c)
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.refresh(ctx, s.read, c, def); err != nil {
		return Results{}, err
	}
	agg, err := v.views.Result(f, c.K)
	if err != nil {
		return Results{}, err
	}
	dropHiddenGroups(&agg)
	return Results{Campaign: c, Aggregate: agg, Filters: v.views.Filters(c.K), Filter: f}, nil
}

// refresh folds the rows committed since the last refresh, or all rows again when one
// replaced or deleted an earlier submission.
func (v *view) refresh(ctx context.Context, st Reader, c Campaign, def *questionnaire.Definition) error {
	if v.views == nil {
		v.reset(def)
	}
	rebuild, err := v.read(ctx, st, c, max(0, v.high-lookback))
	if err != nil || !rebuild {
		return err
	}
	v.reset(def)
	_, err = v.read(ctx, st, c, 0)
	return err
}

func (v *view) reset(def *questionnaire.Definition) {
	v.views, v.high = scoring.NewViews(def), 0
	v.recent, v.firms = map[int64]bool{}, map[string]bool{}
}

// read folds the rows above after; it stops and reports true at a row that needs a rebuild.
// A rebuild from 0 never stops: there, a firm's later row replaces its earlier one in firms
// before anything is folded (foldAll).
func (v *view) read(ctx context.Context, st Reader, c Campaign, after int64) (bool, error) {
	var pages [][]assessment.Submission // not one slice: appending would copy every row
	for {
		page, err := st.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: c.QuestionnaireID, Version: c.Version,
			Campaign: c.ID, After: after, Limit: pageSize, Codes: true})
		if err != nil {
			return false, err
		}
		for _, r := range page {
			if err := v.views.CheckCodes(r.Codes); err != nil {
				return false, fmt.Errorf("campaign %s: submission %s: %w", c.ID, r.AssessmentID, err)
			}
		}
		pages = append(pages, page)
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	if v.high == 0 && len(v.firms) == 0 {
		v.foldAll(pages)
		return false, nil
	}
	for _, page := range pages {
		for _, r := range page {
			if v.recent[r.Seq] || r.Seq <= v.high-lookback {
				continue
			}
			if v.firms[r.FirmKey] || r.Deleted {
				return true, nil
			}
			v.fold(&r)
		}
	}
	return false, nil
}

// foldAll folds a complete read: each firm's latest row, unless that row is a tombstone.
func (v *view) foldAll(pages [][]assessment.Submission) {
	n := 0
	for _, page := range pages {
		n += len(page)
	}
	latest := make(map[string]int64, n) // firm key → the sequence of its latest row
	v.firms = make(map[string]bool, n)
	for _, page := range pages {
		for _, r := range page {
			latest[r.FirmKey] = max(latest[r.FirmKey], r.Seq)
			v.high = max(v.high, r.Seq)
		}
	}
	for _, page := range pages {
		for i := range page {
			if r := &page[i]; latest[r.FirmKey] == r.Seq && !r.Deleted {
				v.fold(r)
			} else {
				v.mark(r.Seq)
			}
		}
	}
}

// fold adds one submission row: its choice codes, or the choices of a row written before codes
// were.
func (v *view) fold(r *assessment.Submission) {
	v.firms[r.FirmKey] = true
	v.mark(r.Seq)
	band := r.SizeBand
	if band == "small_scale" {
		band = "sme" // the JCCI report splits SMEs, small-scale firms included, from large firms
	}
	v.views.Add(scoring.Row{Band: band, Sector: r.Sector, Prefecture: r.Prefecture, Answers: r.Choices, Codes: r.Codes,
		Overall: r.Overall, Domains: r.Domains})
}

// mark records a sequence as read, forgetting those below the lookback.
func (v *view) mark(seq int64) {
	v.high = max(v.high, seq)
	if seq <= v.high-lookback {
		return // no read reaches below the lookback
	}
	v.recent[seq] = true
	if len(v.recent) > 4*lookback {
		for s := range v.recent {
			if s <= v.high-lookback {
				delete(v.recent, s)
			}
		}
	}
}

// dropHiddenGroups removes the rows of groups whose total is suppressed: the row's presence
// alone would say that some firm of that group (a prefecture, a sector) answered, which in a
// small campaign names a firm's answer to the profile question. Showing less never lets a
// suppressed figure be recovered.
func dropHiddenGroups(agg *scoring.Aggregate) {
	for qi := range agg.Questions {
		for si := range agg.Questions[qi].Splits {
			sp := &agg.Questions[qi].Splits[si]
			sp.Rows = slices.DeleteFunc(sp.Rows, func(r scoring.GroupRow) bool {
				return sp.Dimension != scoring.DimAll && r.Answered == nil
			})
		}
	}
	for mi := range agg.Scores {
		for si := range agg.Scores[mi].Splits {
			sp := &agg.Scores[mi].Splits[si]
			sp.Rows = slices.DeleteFunc(sp.Rows, func(d scoring.Distribution) bool {
				return sp.Dimension != scoring.DimAll && d.Suppressed
			})
		}
	}
}
