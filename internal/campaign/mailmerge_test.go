package campaign

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testLinks = []Link{
	{Firm: "㈱山田製作所", Email: "info@yamada.co.jp", SizeBand: "sme", Sector: "manufacturing", Prefecture: "JP-13",
		URL: "https://survey.example.jp/invite#tok1", SentAt: time.Date(2026, 10, 1, 1, 30, 0, 0, time.UTC)},
	{Firm: "𠮷田, 鈴木\n合同会社", Email: "yoshida@example.jp", SizeBand: "small_scale", Prefecture: "27",
		URL: "https://survey.example.jp/invite#tok2"},
	{Firm: `=HYPERLINK("https://evil.example","請求書")`, Email: "a@example.jp", URL: "https://survey.example.jp/invite#tok3"},
	{Firm: "+81 商事", Email: "b@example.jp", Sector: "-1", Prefecture: "@SUM(A1)", URL: "\tx"},
	{Firm: "＝1+1", Email: "c@example.jp", SizeBand: "unknown", URL: "\rx"},
}

// readBack reads a written file as Excel would: it must start with the UTF-8 byte-order mark
// and end every line with CRLF.
func readBack(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatalf("no byte-order mark: % x", b[:min(len(b), 8)])
	}
	if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n != crlf {
		t.Errorf("%d line feeds, %d of them after a carriage return", n, crlf)
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestWriteLinks(t *testing.T) {
	tests := []struct {
		lang string
		want [][]string
	}{{"ja", [][]string{
		{"企業名", "メールアドレス", "規模", "業種", "都道府県", "回答用リンク", "メール送信日時"},
		{"㈱山田製作所", "info@yamada.co.jp", "中小企業", "manufacturing", "東京都", "https://survey.example.jp/invite#tok1", "2026-10-01 10:30"},
		{"𠮷田, 鈴木\n合同会社", "yoshida@example.jp", "小規模企業者", "", "大阪府", "https://survey.example.jp/invite#tok2", ""},
		{`'=HYPERLINK("https://evil.example","請求書")`, "a@example.jp", "", "", "", "https://survey.example.jp/invite#tok3", ""},
		{"'+81 商事", "b@example.jp", "", "'-1", "'@SUM(A1)", "'\tx", ""},
		{"'＝1+1", "c@example.jp", "unknown", "", "", "'x", ""}, // encoding/csv drops a lone CR under UseCRLF
	}}, {"en", [][]string{
		{"Company", "E-mail", "Size band", "Sector", "Prefecture", "Survey link", "E-mailed at"},
		{"㈱山田製作所", "info@yamada.co.jp", "SME", "manufacturing", "Tokyo", "https://survey.example.jp/invite#tok1", "2026-10-01 10:30"},
	}}}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteLinks(&buf, tt.lang, testLinks); err != nil {
				t.Fatal(err)
			}
			got := readBack(t, buf.Bytes())
			if d := cmp.Diff(tt.want, got[:len(tt.want)]); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestWriteLinksUploadsAgain: the mail-merge file is an invitations file.
func TestWriteLinksUploadsAgain(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		var buf bytes.Buffer
		if err := WriteLinks(&buf, lang, testLinks[:1]); err != nil {
			t.Fatal(err)
		}
		rows, errs, err := ParseInvitations(&buf, Vocabulary{Sectors: []Option{{ID: "manufacturing", JA: "製造業", EN: "Manufacturing"}}})
		want := []Row{row(2, "㈱山田製作所", "info@yamada.co.jp", "sme", "manufacturing", "13")}
		if d := cmp.Diff(want, rows); err != nil || len(errs) != 0 || d != "" {
			t.Errorf("%s: err %v, problems %v, rows (-want +got):\n%s", lang, err, errs, d)
		}
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, []string{"=cmd", "回答率"}, [][]string{{"@x", "12.5"}, {"-", ""}, {"", "a\"b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"'=cmd", "回答率"}, {"'@x", "12.5"}, {"'-", ""}, {"", "a\"b"}}
	if d := cmp.Diff(want, readBack(t, buf.Bytes())); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, after := range []int{0, 10} {
		err := WriteCSV(&failingWriter{after: after}, []string{"a"}, [][]string{{strings.Repeat("x", 10000)}})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("a writer failing after %d bytes: err %v", after, err)
		}
	}
}
