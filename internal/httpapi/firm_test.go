package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esready/esready/internal/httpapi"
)

// report fetches the PDF report with the firm name in the X-Report-Firm header (as given, not
// encoded here) and the query, and returns the status and body.
func (ts *testServer) report(t *testing.T, id, token, header, query string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/assessments/"+id+"/report.pdf?lang=en"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", "en")
	if header != "" {
		req.Header.Set("X-Report-Firm", header)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestReportFirmHeader: the firm name travels percent-encoded in X-Report-Firm, 𠮷 (beyond the
// BMP) included, and is printed on the cover as its everyday form 吉. The deprecated ?firm=
// still gives the same report for one release.
func TestReportFirmHeader(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.submitExample(t, "small-sme")
	name := "株式会社𠮷野製作所 (R&D+1)"
	status, pdf := ts.report(t, id, token, url.PathEscape(name), "")
	if status != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("report with X-Report-Firm: %d %.200s", status, pdf)
	}
	status, viaQuery := ts.report(t, id, token, "", "&firm="+url.QueryEscape(name))
	if status != 200 || !bytes.Equal(pdf, viaQuery) {
		t.Errorf("?firm= (deprecated): status %d, same report %v", status, bytes.Equal(pdf, viaQuery))
	}
	status, encodedLikeJS := ts.report(t, id, token, "%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%F0%A0%AE%B7%E9%87%8E%E8%A3%BD%E4%BD%9C%E6%89%80%20(R%26D%2B1)", "")
	if status != 200 || !bytes.Equal(pdf, encodedLikeJS) {
		t.Errorf("encodeURIComponent's encoding: status %d, same report %v", status, bytes.Equal(pdf, encodedLikeJS))
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "株式会社吉野製作所 (R&D+1)") {
		t.Errorf("the cover does not print the firm name with 𠮷 as 吉:\n%.600s", text)
	}
}

// pdfText reads a PDF's text back with pdftotext, given any options beyond -enc UTF-8 (-layout).
func pdfText(t *testing.T, pdf []byte, options ...string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (Debian package poppler-utils; .ci/run installs it)")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, append(options, "-enc", "UTF-8", path, "-")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestReportFirmRejected: a name that is not percent-encoded UTF-8, too long, or holds a
// control or bidirectional-formatting character gets 400 naming the header (or the deprecated
// parameter) with a message saying what is wrong.
func TestReportFirmRejected(t *testing.T) {
	ts := startServer(t, nil)
	id, token := ts.submitExample(t, "small-sme")
	for _, tt := range []struct {
		name, header, query string
		code, path, message string
	}{
		{"right-to-left override", "abc%E2%80%AEfdp.exe", "", "invalid_header", "X-Report-Firm", "U+202E"},
		{"left-to-right embedding", "%E2%80%AAabc", "", "invalid_header", "X-Report-Firm", "text-direction"},
		{"isolate", "a%E2%81%A6b%E2%81%A9", "", "invalid_header", "X-Report-Firm", "text-direction"},
		{"right-to-left mark", "a%E2%80%8Fb", "", "invalid_header", "X-Report-Firm", "text-direction"},
		{"NUL", "a%00b", "", "invalid_header", "X-Report-Firm", "control characters"},
		{"line break", "a%0D%0AX-Injected:%201", "", "invalid_header", "X-Report-Firm", "line breaks"},
		{"line separator", "a%E2%80%A8b", "", "invalid_header", "X-Report-Firm", "line breaks"},
		{"too long", strings.Repeat("%E3%81%82", 101), "", "invalid_header", "X-Report-Firm", "at most 100"},
		{"raw UTF-8", "株式会社テスト", "", "invalid_header", "X-Report-Firm", "percent-encoded"},
		{"broken escape", "abc%E2%8", "", "invalid_header", "X-Report-Firm", "percent-encoded"},
		{"not UTF-8", "abc%FF", "", "invalid_header", "X-Report-Firm", "percent-encoded"},
		{"query: override", "", "&firm=%E2%80%AEabc", "invalid_query", "firm", "U+202E"},
		{"query: too long", "", "&firm=" + strings.Repeat("x", 101), "invalid_query", "firm", "at most 100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.report(t, id, token, tt.header, tt.query)
			var e httpapi.ErrorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("status %d, not the JSON error shape: %.200s", status, body)
			}
			if status != 400 || e.Error.Code != tt.code || len(e.Error.Fields) != 1 || e.Error.Fields[0].Path != tt.path ||
				!strings.Contains(e.Error.Fields[0].Message, tt.message) {
				t.Errorf("status %d, error %+v; want 400 %s naming %s with …%s…", status, e.Error, tt.code, tt.path, tt.message)
			}
		})
	}
	// The header wins over the query; a blank name prints no name.
	if status, body := ts.report(t, id, token, "%20%20", "&firm=%E2%80%AE"); status != 200 {
		t.Errorf("the query is read although a header is given: %d %.200s", status, body)
	}
}
