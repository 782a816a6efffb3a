package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// TestOpenAPIMatchesRoutes fails when the router serves a route that the served OpenAPI
// document lacks, or the document describes one that the router does not serve.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := startServer(t, nil)
	res, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !json.Valid(raw) {
		t.Fatal("openapi.json is not valid JSON")
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("OpenAPI document is invalid: %v", err)
	}

	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	var served []string
	for _, r := range ts.Router.Routes() {
		if r.Method == http.MethodHead {
			continue
		}
		served = append(served, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(documented)
	slices.Sort(served)
	if d := cmp.Diff(documented, served); d != "" {
		t.Errorf("OpenAPI paths (-) and router routes (+) differ:\n%s", d)
	}
	for _, r := range served {
		if !strings.HasPrefix(r, "GET /") && !strings.Contains(r, "/api/v1/") {
			t.Errorf("route %s is outside /api/v1", r)
		}
	}
}
