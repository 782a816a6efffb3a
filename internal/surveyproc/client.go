package surveyproc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Client speaks the respondent API (DESIGN.md, "The respondent contract") to one server.
type Client struct {
	Base string // the server's URL, ending in /
	HTTP *http.Client
}

// NewClient returns a client that keeps up to conns connections to base open, so concurrent
// respondents do not pay for a TCP handshake per request.
func NewClient(base string, conns int, timeout time.Duration) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	return &Client{Base: base, HTTP: &http.Client{Transport: tr, Timeout: timeout}}
}

// Respondent is one assessment as its respondent holds it.
type Respondent struct {
	ID       string
	Token    string
	Revision int
}

// Reply is one answered request. Took covers sending the request and reading the whole body.
type Reply struct {
	Status int
	Body   []byte
	Took   time.Duration
}

// OK reports a 2xx status.
func (r Reply) OK() bool { return r.Status >= 200 && r.Status < 300 }

// StatusError is a reply that is not the one the contract promises.
type StatusError struct {
	Op    string
	Reply Reply
}

func (e *StatusError) Error() string {
	body := e.Reply.Body
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Op, e.Reply.Status, body)
}

// Do sends one request with an optional JSON body and bearer token. An error is a transport
// failure (no reply); any status, 2xx or not, comes back as a Reply.
func (c *Client) Do(ctx context.Context, method, path, token string, body any) (Reply, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Reply{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return Reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	began := time.Now()
	res, err := c.HTTP.Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Status: res.StatusCode, Body: data, Took: time.Since(began)}, nil
}

// expect turns a reply with another status than want into a *StatusError.
func expect(op string, r Reply, err error, want int) (Reply, error) {
	if err != nil {
		return r, fmt.Errorf("%s: %w", op, err)
	}
	if r.Status != want {
		return r, &StatusError{Op: op, Reply: r}
	}
	return r, nil
}

// Create starts an assessment of questionnaire "esr".
func (c *Client) Create(ctx context.Context, lang string) (Respondent, Reply, error) {
	r, err := c.Do(ctx, http.MethodPost, "api/v1/assessments", "", map[string]string{"questionnaire_id": "esr", "lang": lang})
	if r, err = expect("create", r, err, http.StatusCreated); err != nil {
		return Respondent{}, r, err
	}
	var out struct {
		ID       string `json:"id"`
		Token    string `json:"respondent_token"`
		Revision int    `json:"revision"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.ID == "" || out.Token == "" {
		return Respondent{}, r, fmt.Errorf("create: reply %s: %v", r.Body, err)
	}
	return Respondent{ID: out.ID, Token: out.Token, Revision: out.Revision}, r, nil
}

// Save stores answers (a map, or a json.RawMessage encoded beforehand so a load generator
// spends its CPU on requests rather than on encoding) as the respondent's next revision, and
// advances p.Revision to the one the server acknowledged.
func (c *Client) Save(ctx context.Context, p *Respondent, answers any) (Reply, error) {
	body := map[string]any{"answers": answers, "revision": p.Revision}
	r, err := c.Do(ctx, http.MethodPut, "api/v1/assessments/"+p.ID+"/answers", p.Token, body)
	if r, err = expect("save", r, err, http.StatusOK); err != nil {
		return r, err
	}
	var out struct {
		Revision *int `json:"revision"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil || out.Revision == nil {
		return r, fmt.Errorf("save: reply %s: %v", r.Body, err)
	}
	p.Revision = *out.Revision
	return r, nil
}

// Submit submits the saved draft; the reply body is the result.
func (c *Client) Submit(ctx context.Context, p Respondent) (Reply, error) {
	r, err := c.Do(ctx, http.MethodPost, "api/v1/assessments/"+p.ID+"/submit", p.Token, nil)
	return expect("submit", r, err, http.StatusOK)
}

// Result fetches the result of a submitted assessment.
func (c *Client) Result(ctx context.Context, p Respondent) (Reply, error) {
	r, err := c.Do(ctx, http.MethodGet, "api/v1/assessments/"+p.ID+"/result", p.Token, nil)
	return expect("result", r, err, http.StatusOK)
}

// Get fetches the assessment (draft or submitted) with its revision and answers.
func (c *Client) Get(ctx context.Context, p Respondent) (Reply, error) {
	r, err := c.Do(ctx, http.MethodGet, "api/v1/assessments/"+p.ID, p.Token, nil)
	return expect("get", r, err, http.StatusOK)
}

// PDF fetches the action report and checks that it is a PDF.
func (c *Client) PDF(ctx context.Context, p Respondent, lang string) (Reply, error) {
	r, err := c.Do(ctx, http.MethodGet, "api/v1/assessments/"+p.ID+"/report.pdf?lang="+lang, p.Token, nil)
	if r, err = expect("pdf", r, err, http.StatusOK); err != nil {
		return r, err
	}
	if !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		return r, fmt.Errorf("pdf: the reply is not a PDF (%d bytes)", len(r.Body))
	}
	return r, nil
}
