package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/esready/esready/internal/httpapi"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// trustLoopback makes the test server trust the loopback proxy, so a request names its client
// in X-Forwarded-For as it would behind a reverse proxy.
func trustLoopback(d *httpapi.Deps) { d.TrustedProxies = []string{"127.0.0.1"} }

// exampleAnswers reads one of the answer sets of examples/answers.
func exampleAnswers(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var a map[string]any
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// atLevel returns answers with every practice question on the 0–4 scale answered level.
func atLevel(t *testing.T, answers map[string]any, level int) map[string]any {
	t.Helper()
	def, ok := testQuestionnaires(t).Latest("esr")
	if !ok {
		t.Fatal("no esr")
	}
	out := map[string]any{}
	for id, v := range answers {
		if q, ok := def.Question(id); ok && q.Type == questionnaire.TypeScale {
			v = level
		}
		out[id] = v
	}
	return out
}

// submitAs creates, fills and submits an esr assessment from the client address from, and
// returns its id, its credential and the submit response.
func (ts *testServer) submitAs(t *testing.T, from string, answers map[string]any) (string, string, map[string]any) {
	t.Helper()
	r := ts.send(t, "POST", "/api/v1/assessments", from, "", `{"questionnaire_id":"esr"}`)
	id, token := jsonField(t, r.body, "id"), jsonField(t, r.body, "respondent_token")
	body, err := json.Marshal(map[string]any{"revision": 0, "answers": answers})
	if err != nil {
		t.Fatal(err)
	}
	if r := ts.send(t, "PUT", "/api/v1/assessments/"+id+"/answers", from, token, string(body)); r.status != http.StatusOK {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	r = ts.send(t, "POST", "/api/v1/assessments/"+id+"/submit", from, token, "")
	if r.status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	return id, token, decode(t, r.body)
}

// resultOf reads the result of a submitted assessment.
func (ts *testServer) resultOf(t *testing.T, id, token string) map[string]any {
	t.Helper()
	r := ts.send(t, "GET", "/api/v1/assessments/"+id+"/result", "", token, "")
	if r.status != http.StatusOK {
		t.Fatalf("result: %d %s", r.status, r.body)
	}
	return decode(t, r.body)
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	return m
}

// plantedFirm is one of the attacker's firms, as its own results tell the attacker about it.
type plantedFirm struct {
	id     string
	client string // the address it was submitted from
	at     time.Time
	scores map[string]float64 // metric ("overall" or a domain id) → score
}

// reading is what the API said about the cohort to one planted firm at one moment: after the
// first `planted` firms had been submitted.
type reading struct {
	reader, planted int
	bench           scoring.Benchmark
	// exact is, metric by metric, what the benchmark before issue 12 would have said instead.
	exact map[string]string
}

// attack is a target firm's true scores and what an attacker who planted firms around it read.
type attack struct {
	truth    map[string]float64 // metric → the target's score
	firms    []plantedFirm
	readings []reading
}

// plant submits the target firm, then the attacker's firms one by one from the given addresses,
// keeping what every submit and, at the end, every result of the attacker's firms says.
func plant(t *testing.T, ts *testServer, target map[string]any, firms []map[string]any, from []string) attack {
	t.Helper()
	id, token, _ := ts.submitAs(t, "203.0.113.50", target)
	tr := ts.resultOf(t, id, token)
	a := attack{truth: scoresOf(tr)}
	tokens := make([]string, len(firms))
	for i, answers := range firms {
		var sub map[string]any
		var fid string
		fid, tokens[i], sub = ts.submitAs(t, from[i], answers)
		if sub["size_band"] != tr["size_band"] || sub["sector"] != tr["sector"] {
			t.Fatalf("planted firm %d is not in the target's cohort: the attacks here plant one cohort", i)
		}
		at, err := time.Parse(time.RFC3339Nano, sub["submitted_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		a.firms = append(a.firms, plantedFirm{id: fid, client: from[i], at: at, scores: scoresOf(sub)})
		a.readings = append(a.readings, reading{reader: i, planted: i + 1, bench: benchmarkOf(t, sub)})
	}
	for i, f := range a.firms {
		a.readings = append(a.readings, reading{reader: i, planted: len(firms), bench: benchmarkOf(t, ts.resultOf(t, f.id, tokens[i]))})
	}
	for i, r := range a.readings {
		a.readings[i].exact = exactViews(a, r, a.truth)
	}
	return a
}

// scoresOf reads a result's overall and domain scores by metric.
func scoresOf(r map[string]any) map[string]float64 {
	out := map[string]float64{}
	if v, ok := r["overall"].(map[string]any)["score"].(float64); ok {
		out["overall"] = v
	}
	for _, d := range r["domains"].([]any) {
		m := d.(map[string]any)
		if v, ok := m["score"].(float64); ok {
			out[m["id"].(string)] = v
		}
	}
	return out
}

// benchmarkOf decodes a result's benchmark, refusing any field the solver would not read.
func benchmarkOf(t *testing.T, r map[string]any) scoring.Benchmark {
	t.Helper()
	raw, err := json.Marshal(r["benchmark"])
	if err != nil {
		t.Fatal(err)
	}
	var b scoring.Benchmark
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("benchmark %s: %v", raw, err)
	}
	return b
}

// standingOf is the published standing of a metric; nil when there is none.
func standingOf(b scoring.Benchmark, metric string) *scoring.Standing {
	if metric == "overall" {
		return b.Overall
	}
	for _, d := range b.Domains {
		if d.ID == metric {
			return d.Standing
		}
	}
	return nil
}

// model says, metric by metric, whether the target scoring v fits what a reading published.
type model func(a attack, r reading, v float64) map[string]bool

// solve is the attacker's best inference: every score from 0 to 100 in tenths that, as the
// target's score, fits every reading, by metric.
func solve(a attack, m model) map[string][]float64 {
	feasible := map[string][]float64{}
	for tenth := 0; tenth <= 1000; tenth++ {
		v := float64(tenth) / 10
		fits := map[string]bool{}
		for metric := range a.truth {
			fits[metric] = true
		}
		for _, r := range a.readings {
			for metric, ok := range m(a, r, v) {
				fits[metric] = fits[metric] && ok
			}
		}
		for metric, ok := range fits {
			if ok {
				feasible[metric] = append(feasible[metric], v)
			}
		}
	}
	return feasible
}

// counted are the scores of metric that count in the cohort at a reading, the target scoring v,
// as README (Scoring → Benchmark) says: of the submissions of one client, each less than
// BurstWindow before the next, only the last; and whether the reader's own counts.
func counted(a attack, r reading, metric string, v float64) (scores []float64, own bool) {
	type sub struct {
		firm   int // −1 for the target
		client string
		at     time.Time
	}
	subs := []sub{{-1, "target", a.firms[0].at.Add(-time.Hour)}}
	for i, f := range a.firms[:r.planted] {
		subs = append(subs, sub{i, f.client, f.at})
	}
	for _, s := range subs {
		last := true
		for _, o := range subs {
			if o.client == s.client && o.at.After(s.at) && o.at.Sub(s.at) < scoring.BurstWindow {
				last = false
			}
		}
		if !last {
			continue
		}
		if s.firm < 0 {
			scores = append(scores, v)
			continue
		}
		if x, ok := a.firms[s.firm].scores[metric]; ok {
			scores = append(scores, x)
			own = own || s.firm == r.reader
		}
	}
	return scores, own
}

// figures are the exact quartiles the benchmark publishes rounded: each the mean of the five
// scores nearest its rank (type 7), all of them when there are five or fewer.
func figures(scores []float64) [3]float64 {
	s := slices.Clone(scores)
	slices.Sort(s)
	n, w := len(s), min(5, len(s))
	var out [3]float64
	for i, q := range []float64{0.25, 0.5, 0.75} {
		first := max(0, min(int(math.Round(q*float64(n-1)-float64(w-1)/2)), n-w))
		for _, x := range s[first : first+w] {
			out[i] += x
		}
		out[i] /= float64(w)
	}
	return out
}

// publishedModel is the benchmark as its documentation describes it, with the one thing the
// attacker cannot know, the dither of each figure, left open: a published figure is within 7.5
// points of the exact one. Cohort sizes and the quarter do not depend on the target's score
// (the solver checks that they are as the model says); the figures do.
func publishedModel(a attack, r reading, v float64) map[string]bool {
	fits := map[string]bool{}
	for metric := range a.truth {
		scores, own := counted(a, r, metric, v)
		st := standingOf(r.bench, metric)
		if (len(scores)-b2i(own) >= r.bench.K) != (st != nil) {
			fits[metric] = false // published where the model says not, or the reverse
			continue
		}
		fits[metric] = true
		if st == nil {
			continue
		}
		published := [3]float64{st.Q1, st.Median, st.Q3}
		for i, f := range figures(scores) {
			fits[metric] = fits[metric] && math.Abs(f-published[i]) < 7.5
		}
	}
	return fits
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// exactModel is the benchmark before issue 12, whose readings were exact.
func exactModel(a attack, r reading, v float64) map[string]bool {
	fits := map[string]bool{}
	for metric, view := range exactViews(a, r, map[string]float64{"": v}) {
		fits[metric] = view == r.exact[metric]
	}
	return fits
}

// exactViews is what the benchmark before issue 12 told the reader, the target scoring
// target[metric] (or target[""] in every metric): every submission counted, the reader's exact
// percentile among its peers (ties half), the peers' type-7 quartiles and median to a tenth,
// and their number.
func exactViews(a attack, r reading, target map[string]float64) map[string]string {
	views := map[string]string{}
	for metric := range a.truth {
		v, ok := target[metric]
		if !ok {
			v = target[""]
		}
		peers := []float64{v}
		for i, f := range a.firms[:r.planted] {
			if i != r.reader {
				peers = append(peers, f.scores[metric])
			}
		}
		if len(peers) < r.bench.K {
			views[metric] = "published"
			continue
		}
		views[metric] = exactStanding(peers, a.firms[r.reader].scores[metric])
	}
	return views
}

// exactStanding is the pre-issue-12 standing of score among peers.
func exactStanding(peers []float64, score float64) string {
	s := slices.Clone(peers)
	slices.Sort(s)
	n := len(s)
	q := func(p float64) float64 {
		h := p * float64(n-1)
		i := int(math.Floor(h))
		if i+1 >= n {
			return s[n-1]
		}
		return s[i] + (h-float64(i))*(s[i+1]-s[i])
	}
	below, tied := 0, 0
	for _, x := range s {
		switch {
		case x < score:
			below++
		case x == score:
			tied++
		}
	}
	r := func(x float64) float64 { return math.Round(x*10) / 10 }
	return fmt.Sprintf("pct %g q1 %g median %g q3 %g n %d", r(100*(float64(below)+0.5*float64(tied))/float64(n)),
		r(q(0.25)), r(q(0.5)), r(q(0.75)), n)
}

// recovered says whether the feasible scores lie within 5 points of each other: then their
// midpoint is within 2.5 points of the truth, whatever it is.
func recovered(feasible []float64) bool {
	return len(feasible) > 0 && slices.Max(feasible)-slices.Min(feasible) <= 5
}

// recoveredMetrics fails when a solution misses the truth (the attacker's model of the server
// would be wrong, and the test would prove nothing), and lists the metrics it recovers.
func recoveredMetrics(t *testing.T, a attack, feasible map[string][]float64) []string {
	t.Helper()
	var got []string
	for metric, truth := range a.truth {
		f := feasible[metric]
		if !slices.Contains(f, truth) {
			t.Fatalf("%s: the true score %v is not among the %d the solver finds: its model of the server is wrong", metric, truth, len(f))
		}
		if recovered(f) {
			got = append(got, fmt.Sprintf("%s (true %v, solved %v–%v)", metric, truth, slices.Min(f), slices.Max(f)))
		}
	}
	sort.Strings(got)
	return got
}

// TestBenchmarkRevealsNoFirm plants firms of known scores around one real firm, the target,
// reads every number the API returns about the cohort to each planted firm (when it is
// submitted and afterwards: cohort sizes, quarter, quartiles and median, overall and per
// domain), and solves for the target's scores: every score that would have produced exactly
// those numbers. The test fails when that narrows any of the target's scores to 5 points, so
// that the attacker would know it to within 2.5. The target is placed where exact statistics
// give it away (between the planted firms, at the cohort's median), and each attack is checked
// to recover it from the exact statistics the API published before.
func TestBenchmarkRevealsNoFirm(t *testing.T) {
	if testPeerK != 3 {
		t.Fatalf("the attacks below are laid out for k = 3, not %d", testPeerK)
	}
	target := exampleAnswers(t, "mid-exporter")
	low, high, mid := atLevel(t, target, 0), atLevel(t, target, 4), atLevel(t, target, 1)
	addresses := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("198.51.100.%d", i+1)
		}
		return out
	}
	oneAddress := slices.Repeat([]string{"198.51.100.7"}, 8)
	tests := []struct {
		name  string
		firms []map[string]any
		from  []string
	}{
		// k planted firms are the fewest that show the target to one of them: k − 1 known peers
		// and the target. Planted below and above it, exact statistics put the target at the
		// median; with k + 1 of them, at every planted firm's median.
		{"k firms from one address", []map[string]any{low, high, low}, oneAddress},
		{"k firms from an address each", []map[string]any{low, high, low}, addresses(3)},
		{"k+1 firms from one address", []map[string]any{low, high, low, high}, oneAddress},
		{"k+1 firms from an address each", []map[string]any{low, high, low, high}, addresses(4)},
		{"2k+2 firms from an address each", []map[string]any{low, high, low, high, mid, high, low, high}, addresses(8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServerWith(t, nil, trustLoopback)
			a := plant(t, ts, target, tt.firms, tt.from)

			if got := recoveredMetrics(t, a, solve(a, exactModel)); len(got) != len(a.truth) {
				t.Fatalf("exact statistics recover only %v of the target's %d scores: the attack is too weak to test anything", got, len(a.truth))
			}
			feasible := solve(a, publishedModel)
			for _, metric := range slices.Sorted(maps.Keys(feasible)) {
				f := feasible[metric]
				t.Logf("%s: true %v; what the API published leaves %v–%v", metric, a.truth[metric], slices.Min(f), slices.Max(f))
			}
			if got := recoveredMetrics(t, a, feasible); len(got) > 0 {
				t.Errorf("the planted firms read the target's scores off the benchmark: %s", strings.Join(got, "; "))
			}
		})
	}
}
