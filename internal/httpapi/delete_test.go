package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/esready/esready/internal/assessment"
)

// submitExample creates a draft of esr with one of the example answer sets and submits it,
// returning its id and credential.
func (ts *testServer) submitExample(t *testing.T, name string) (string, string) {
	t.Helper()
	id, token := ts.draftExample(t, name)
	if status, body := ts.call(t, "POST", "/api/v1/assessments/"+id+"/submit", token, nil); status != 200 {
		t.Fatalf("submit %s: %d %v", name, status, body)
	}
	return id, token
}

// draftExample creates a draft of esr holding one of the example answer sets.
func (ts *testServer) draftExample(t *testing.T, name string) (string, string) {
	t.Helper()
	raw, err := os.ReadFile("../../examples/answers/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	_, body := ts.call(t, "POST", "/api/v1/assessments", "", `{"questionnaire_id":"esr"}`)
	id, token := body["id"].(string), body["respondent_token"].(string)
	if status, body := ts.call(t, "PUT", "/api/v1/assessments/"+id+"/answers", token, `{"revision":0,"answers":`+string(raw)+`}`); status != 200 {
		t.Fatalf("save %s: %d %v", name, status, body)
	}
	return id, token
}

// hasPeers says whether the assessment has k peers in its size × sector cohort: the API says
// whether, never how many.
func (ts *testServer) hasPeers(t *testing.T, id, token string) bool {
	t.Helper()
	status, r := ts.call(t, "GET", "/api/v1/assessments/"+id+"/result", token, nil)
	if status != 200 {
		t.Fatalf("result: %d %v", status, r)
	}
	tried := r["benchmark"].(map[string]any)["tried"].([]any)
	return tried[0].(map[string]any)["firms"] != nil
}

// TestDeleteAssessment: the respondent deletes with its credential; anyone else gets the 404
// that a missing assessment gets, with the same message, and so does the respondent afterwards.
func TestDeleteAssessment(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.create(t)
	other, otherToken := ts.create(t)
	path := "/api/v1/assessments/" + id
	_, missing := ts.call(t, "DELETE", "/api/v1/assessments/never-issued", token, nil)
	for _, tok := range []string{"", "wrong-token", token + "x", otherToken} {
		status, body := ts.call(t, "DELETE", path, tok, nil)
		if status != 404 || errorCode(body) != "not_found" {
			t.Errorf("DELETE with credential %q: %d %v", tok, status, body)
		}
		if msg(body) != msg(missing) || !strings.Contains(msg(body), "deleted") {
			t.Errorf("DELETE with credential %q says %q; a missing assessment says %q", tok, msg(body), msg(missing))
		}
	}
	if status, body := ts.call(t, "DELETE", path, token, nil); status != 204 || body != nil {
		t.Fatalf("DELETE: %d %v, want 204 and no body", status, body)
	}
	for _, sc := range []struct{ method, path, body string }{
		{"GET", path, ""}, {"DELETE", path, ""}, {"PUT", path + "/answers", `{"answers":{},"revision":0}`},
		{"POST", path + "/submit", ""}, {"GET", path + "/result", ""},
	} {
		var body any
		if sc.body != "" {
			body = sc.body
		}
		if status, b := ts.call(t, sc.method, sc.path, token, body); status != 404 || msg(b) != msg(missing) {
			t.Errorf("%s %s after the delete: %d %v", sc.method, sc.path, status, b)
		}
	}
	if status, _ := ts.call(t, "GET", "/api/v1/assessments/"+other, otherToken, nil); status != 200 {
		t.Errorf("another assessment after the delete: %d", status)
	}
}

func msg(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// TestDeleteLeavesTheBenchmark: identical firms, each from an address of its own, rank each
// other; deleting one shrinks the others' cohort at once, and the store keeps no row of it with
// scores or answers.
func TestDeleteLeavesTheBenchmark(t *testing.T) {
	ts := startServerWith(t, nil, trustLoopback)
	mid := exampleAnswers(t, "mid-exporter")
	viewer, vtoken, _ := ts.submitAs(t, "192.0.2.1", mid)
	var ids, tokens []string
	for i := range testPeerK {
		id, token, _ := ts.submitAs(t, fmt.Sprintf("192.0.2.%d", i+2), mid)
		ids, tokens = append(ids, id), append(tokens, token)
	}
	if !ts.hasPeers(t, viewer, vtoken) {
		t.Fatalf("before: the viewer has fewer than k = %d peers", testPeerK)
	}
	if status, _ := ts.call(t, "DELETE", "/api/v1/assessments/"+ids[0], tokens[0], nil); status != 204 {
		t.Fatalf("DELETE: %d", status)
	}
	if ts.hasPeers(t, viewer, vtoken) {
		t.Errorf("after one delete: the viewer still has k peers")
	}
	if ts.hasPeers(t, ids[1], tokens[1]) {
		t.Errorf("after one delete: another firm still has k peers (the viewer and %d others)", testPeerK-2)
	}
	rows, err := ts.Store.Submissions(context.Background(), assessment.SubmissionQuery{QuestionnaireID: "esr", Version: latestVersion(t), Limit: 100, Choices: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.AssessmentID == ids[0] && (!r.Deleted || r.Overall != nil || len(r.Domains) > 0 || len(r.Choices) > 0 || r.SizeBand != "") {
			t.Errorf("the store keeps a row of the deleted assessment with its scores or answers: %+v", r)
		}
	}
}

func latestVersion(t *testing.T) int {
	t.Helper()
	def, ok := testQuestionnaires(t).Latest("esr")
	if !ok {
		t.Fatal("no esr")
	}
	return def.Version
}

// TestDeleteRacingSubmit: respondents delete assessments while their other devices submit and
// save them. Every request gets an answer the race allows, every deleted assessment is gone
// afterwards, and none of them counts among the viewer's peers: the viewer has k − 1 peers
// from addresses of their own, so one more would give it a cohort.
func TestDeleteRacingSubmit(t *testing.T) {
	ts := startServerWith(t, nil, trustLoopback)
	mid := exampleAnswers(t, "mid-exporter")
	viewer, vtoken, _ := ts.submitAs(t, "192.0.2.1", mid)
	for i := range testPeerK - 1 {
		ts.submitAs(t, fmt.Sprintf("192.0.2.%d", i+2), mid)
	}
	if ts.hasPeers(t, viewer, vtoken) {
		t.Fatalf("before the race the viewer has k = %d peers already", testPeerK)
	}
	raw, err := os.ReadFile("../../examples/answers/mid-exporter.json")
	if err != nil {
		t.Fatal(err)
	}
	save := `{"revision":1,"answers":` + string(raw) + `}` // the same answers again, from another device
	const n = 8
	ids, tokens := make([]string, n), make([]string, n)
	for i := range n {
		ids[i], tokens[i] = ts.draftExample(t, "mid-exporter")
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		path := "/api/v1/assessments/" + ids[i]
		for _, req := range []struct {
			method, path string
			body         any
			allowed      []int
		}{
			{"DELETE", path, nil, []int{204}},
			{"POST", path + "/submit", nil, []int{200, 404, 409}},
			{"PUT", path + "/answers", save, []int{200, 404, 409}},
		} {
			wg.Go(func() {
				<-start
				if status, body := ts.call(t, req.method, req.path, tokens[i], req.body); !containsInt(req.allowed, status) {
					t.Errorf("%s %s racing: %d %v", req.method, req.path, status, body)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for i := range n {
		if status, _ := ts.call(t, "GET", "/api/v1/assessments/"+ids[i], tokens[i], nil); status != http.StatusNotFound {
			t.Errorf("assessment %d after the race: %d, want 404", i, status)
		}
	}
	if ts.hasPeers(t, viewer, vtoken) {
		t.Error("the viewer has k peers after the race: a deleted firm counts")
	}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
