package campaign_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/esready/esready/configs"
	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
	"github.com/esready/esready/internal/store/sqlite"
	"github.com/esready/esready/internal/store/storetest"
)

var benchKey = []byte("esready campaign benchmark's key!")

// benchCampaign is a campaign of n submitted firms on the embedded store, with the principal
// of a chamber analyst who may read it.
type benchCampaign struct {
	store *sqlite.Store
	defs  *questionnaire.Registry
	id    string
	who   auth.Principal
	firms []questionnaire.Answers
}

// newBenchCampaign stores n varied, valid submissions in one campaign, through the store's
// own submit path (the compact rows are written as a real submit writes them).
func newBenchCampaign(b *testing.B, n int) *benchCampaign {
	b.Helper()
	ctx := context.Background()
	defs, err := questionnaire.Load(configs.Embedded(), "questionnaires")
	if err != nil {
		b.Fatal(err)
	}
	st := storetest.SQLite(b)
	bc := &benchCampaign{store: st, defs: defs, who: auth.Principal{UserID: "u", Role: auth.RoleAnalyst, ChamberID: "osaka"}}
	def, _ := defs.Latest("esr")
	c := campaign.Campaign{ID: "bench", ChamberID: "osaka", QuestionnaireID: def.ID, Version: def.Version, TitleJA: "t", TitleEN: "t",
		Opens: time.Now().Add(-time.Hour), Closes: time.Now().Add(time.Hour), K: 5, CreatedAt: time.Now()}
	if err := st.CreateCampaign(ctx, c); err != nil {
		b.Fatal(err)
	}
	bc.id, bc.firms = c.ID, varied(b, def, 500)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			bc.submit(b, def, fmt.Sprintf("a%07d", i), bc.firms[i%len(bc.firms)])
		})
	}
	wg.Wait()
	return bc
}

func (bc *benchCampaign) submit(b *testing.B, def *questionnaire.Definition, id string, answers questionnaire.Answers) {
	submitFirm(b, bc.store, def, bc.id, id, answers, func(*assessment.Submission) {})
}

// submitFirm stores a firm's submission in a campaign through the store's own submit path, its
// compact row as edit leaves it.
func submitFirm(tb testing.TB, st *sqlite.Store, def *questionnaire.Definition, campaignID, id string,
	answers questionnaire.Answers, edit func(*assessment.Submission)) {
	ctx := context.Background()
	now := time.Now().UTC()
	a := assessment.Assessment{ID: id, QuestionnaireID: def.ID, Version: def.Version, Hash: def.Hash, Lang: "ja",
		Status: assessment.StatusDraft, Answers: answers, TokenHash: "h", CreatedAt: now, UpdatedAt: now, FirmKey: id,
		Campaign: campaignID}
	if err := st.CreateAssessment(ctx, a); err != nil {
		tb.Error(err)
		return
	}
	r := scoring.Score(def, answers)
	row := assessment.NewSubmission(a, def, r, now)
	edit(&row)
	if _, err := st.MarkSubmitted(ctx, id, 0, r, row); err != nil {
		tb.Error(err)
	}
}

// varied returns n valid answer sets from the examples, every practice level at random and the
// firms spread over industries, sizes and prefectures.
func varied(b testing.TB, def *questionnaire.Definition, n int) []questionnaire.Answers {
	raw, err := os.ReadFile("../../examples/answers/mid-exporter.json")
	if err != nil {
		b.Fatal(err)
	}
	var base questionnaire.Answers
	if err := json.Unmarshal(raw, &base); err != nil {
		b.Fatal(err)
	}
	industry, _ := def.RoleQuestion(questionnaire.RoleIndustry)
	pref, _ := def.RoleQuestion(questionnaire.RolePrefecture)
	rng := rand.New(rand.NewPCG(13, 100))
	var out []questionnaire.Answers
	for len(out) < n {
		a := maps.Clone(base)
		for _, q := range def.Questions() {
			if _, ok := a[q.ID]; ok && q.Type == questionnaire.TypeScale {
				a[q.ID] = float64(rng.IntN(questionnaire.ScaleMax + 1))
			}
		}
		a[industry.ID] = industry.Options[rng.IntN(len(industry.Options))].ID
		a[pref.ID] = pref.Options[rng.IntN(len(pref.Options))].ID
		a[def.RoleID(questionnaire.RoleEmployees)] = float64(1 + rng.IntN(3000))
		if def.Validate(a, questionnaire.Submit, "ja") == nil {
			out = append(out, a)
		}
	}
	return out
}

func (bc *benchCampaign) service(b *testing.B) *campaign.Service {
	svc, err := campaign.NewService(bc.store, bc.store, bc.defs, time.Now, campaign.Options{InviteKey: benchKey})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkCampaignResults100k is the dashboard of a campaign of 100,000 submitted firms on the
// embedded store. cold: the first request after start-up, which folds every compact row;
// warm: a request after one more firm submitted (folds one row); filtered: a sector view.
// heap-MB is the live heap with the campaign folded.
func BenchmarkCampaignResults100k(b *testing.B) {
	bc := newBenchCampaign(b, 100_000)
	ctx := context.Background()
	def, _ := bc.defs.Latest("esr")
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, err := bc.service(b).Results(ctx, bc.who, bc.id, scoring.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	svc := bc.service(b)
	res, err := svc.Results(ctx, bc.who, bc.id, scoring.Filter{})
	if err != nil || res.Aggregate.N != 100_000 {
		b.Fatalf("%d firms, %v", res.Aggregate.N, err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.Run("warm", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			bc.submit(b, def, fmt.Sprintf("w%07d", i), bc.firms[i%len(bc.firms)])
			if _, err := svc.Results(ctx, bc.who, bc.id, scoring.Filter{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	})
	b.Run("filtered", func(b *testing.B) {
		f := res.Filters[0]
		for b.Loop() {
			if _, err := svc.Results(ctx, bc.who, bc.id, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
