package report_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
	"github.com/esready/esready/internal/scoring"
)

var reportDay = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func (f fixture) input(t testing.TB, name, lang string) report.Input {
	t.Helper()
	_, s, c := f.example(t, name)
	b := scoring.NewPopulation(nil).Benchmark(s, "", scoring.DefaultPeerK)
	s.Benchmark = &b
	return report.Input{Lang: lang, FirmName: "株式会社テスト製作所", Date: reportDay, Questionnaire: f.def, Score: s, Checklist: c}
}

// tool returns the path of a poppler tool. In CI a missing tool fails the test; elsewhere it skips.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (Debian package poppler-utils; .ci/run installs it)", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// pages renders in to a PDF and returns the text of each page, read back with pdftotext.
func pages(t *testing.T, in report.Input) []string {
	t.Helper()
	pdftotext := tool(t, "pdftotext")
	var buf bytes.Buffer
	if err := report.PDF(&buf, in); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) {
		t.Fatal("not a complete PDF file")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ps := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	return ps
}

func TestReportContent(t *testing.T) {
	f := load(t)
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		for _, lang := range []string{"ja", "en"} {
			t.Run(name+"-"+lang, func(t *testing.T) {
				in := f.input(t, name, lang)
				ps := pages(t, in)
				if len(ps) < 6 || len(ps) > 20 {
					t.Errorf("%d pages, want 6 to 20", len(ps))
				}
				all := strings.Join(ps, "\n")
				// pdftotext -layout may put spaces between characters; compare without them.
				flat := strings.Join(strings.Fields(all), "")
				want := []string{fmt.Sprintf("%.1f", *in.Score.Overall.Score)}
				for _, d := range in.Score.Domains {
					if d.Score != nil {
						want = append(want, fmt.Sprintf("%.1f", *d.Score))
					}
				}
				for _, s := range in.Checklist.FirstSteps {
					want = append(want, s.Title.In(lang))
				}
				for _, m := range in.Score.Exposure.Materials {
					want = append(want, questionnaire.Grouped(m.HHI), questionnaire.CountryName(m.TopCountry, lang))
				}
				if lang == "ja" {
					want = append(want, "経済安全保障対応力レポート", "株式会社テスト製作所", "最初の一歩", "分野別スコア", "特定重要物資", "対応チェックリスト", "方法と出典", "中小企業基本法", "手間:")
				} else {
					want = append(want, "Economic-SecurityReadinessReport", "Firststeps", "Scoresbydomain", "Economic-securitychecklist", "Methodandsources")
				}
				for _, w := range want {
					if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
						t.Errorf("the report lacks %q", w)
					}
				}
				if lang == "en" {
					// The company's own name is the one Japanese text an English report may show.
					rest := strings.ReplaceAll(flat, in.FirmName, "")
					if i := strings.IndexFunc(rest, isJapanese); i >= 0 {
						t.Errorf("the English report prints Japanese: %q", rest[max(0, i-40):min(len(rest), i+40)])
					}
				}
				footer := map[string]string{"ja": "機密", "en": "Confidential"}[lang]
				for i, p := range ps {
					pf := strings.Join(strings.Fields(p), "")
					if !strings.Contains(pf, footer) || !strings.Contains(pf, fmt.Sprintf("%d/%d", i+1, len(ps))) {
						t.Errorf("page %d has no footer with %q and %d/%d", i+1, footer, i+1, len(ps))
					}
				}
			})
		}
	}
}

func TestReportProgress(t *testing.T) {
	f := load(t)
	in := f.input(t, "mid-exporter", "ja")
	_, prev, _ := f.example(t, "small-sme")
	p := scoring.ProgressFrom("prev", reportDay.AddDate(-1, 0, 0), prev, in.Score)
	in.Progress = &p
	flat := strings.Join(strings.Fields(strings.Join(pages(t, in), "")), "")
	for _, w := range []string{"前回からの進捗", "9.0", "51.7", fmt.Sprintf("%+.1f", *p.Overall.Delta), "成熟度レベル:1→3"} {
		if !strings.Contains(flat, w) {
			t.Errorf("progress page lacks %q", w)
		}
	}
}

// TestReportReproducible: the same input gives the same bytes (dates are pinned).
func TestReportReproducible(t *testing.T) {
	f := load(t)
	in := f.input(t, "large-firm", "en")
	var a, b bytes.Buffer
	if err := report.PDF(&a, in); err != nil {
		t.Fatal(err)
	}
	if err := report.PDF(&b, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of one input differ")
	}
}

// BenchmarkPDF renders the large firm's full Japanese report.
func BenchmarkPDF(b *testing.B) {
	f := load(b)
	in := f.input(b, "large-firm", "ja")
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := report.PDF(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB-pdf")
}

// TestEveryCharacterHasAGlyph reads every report back and checks each character against the
// embedded font: a character without a glyph would print as an empty box.
func TestEveryCharacterHasAGlyph(t *testing.T) {
	f := load(t)
	var all []string
	for _, name := range []string{"small-sme", "mid-exporter", "large-firm"} {
		for _, lang := range []string{"ja", "en"} {
			all = append(all, pages(t, f.input(t, name, lang))...)
		}
	}
	checkGlyphs(t, all)
}

// checkGlyphs fails for each character of pages that the embedded font has no glyph for.
func checkGlyphs(t *testing.T, pages []string) {
	t.Helper()
	font, err := os.ReadFile("fonts/ipaexg.ttf")
	if err != nil {
		t.Fatal(err)
	}
	sf, err := sfnt.Parse(font)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	missing := map[rune]bool{}
	for _, p := range pages {
		for _, r := range p {
			if r < ' ' {
				continue
			}
			if g, err := sf.GlyphIndex(&buf, r); err != nil || g == 0 {
				missing[r] = true
			}
		}
	}
	for r := range missing {
		t.Errorf("no glyph for %q (U+%04X)", r, r)
	}
}

// isJapanese reports kana, kanji and Japanese punctuation (・、。「」（）).
func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || strings.ContainsRune("・、。「」（）：", r)
}

// TestFirmNamesOutsideTheFont: names real firms have, with characters beyond the BMP (𠮷, 𠮟),
// a variation selector (葛󠄀) or an emoji, render: the characters with an everyday form print as
// it, the others as 〓, the cover says so, and nothing panics.
func TestFirmNamesOutsideTheFont(t *testing.T) {
	f := load(t)
	for _, tt := range []struct{ name, want string }{
		{"株式会社𠮷野家", "株式会社吉野家"},
		{"𠮟責防止研究所", "叱責防止研究所"},
		{"葛\U000E0100飾精機", "葛飾精機"},
		{"すし🍣商事", "すし〓商事"},
		{"株式会社テスト", "株式会社テスト"},
	} {
		got, replaced := report.PrintableName(tt.name)
		if got != tt.want || replaced != (tt.name != tt.want) {
			t.Errorf("PrintableName(%q) = %q, %v; want %q", tt.name, got, replaced, tt.want)
		}
		for _, lang := range []string{"ja", "en"} {
			in := f.input(t, "small-sme", lang)
			in.FirmName = tt.name
			text := strings.Join(pages(t, in), "\n")
			if !strings.Contains(text, tt.want) {
				t.Errorf("%s report for %q does not print %q", lang, tt.name, tt.want)
			}
			note := map[string]string{"ja": "表示できない文字", "en": "printed in their common form"}[lang]
			if strings.Contains(text, note) != (tt.name != tt.want) {
				t.Errorf("%s report for %q: substitution note present = %v", lang, tt.name, !strings.Contains(text, note))
			}
		}
	}
}

// TestDatesAreJapanTime: a report made at 20:00 UTC on 1 December is dated 2 December, the day
// it is in Japan, written the Japanese way in Japanese.
func TestDatesAreJapanTime(t *testing.T) {
	at := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	if got := report.Day("ja", at); got != "2026年12月2日" {
		t.Errorf("Day(ja) = %q", got)
	}
	if got := report.Day("en", at); got != "2026-12-02" {
		t.Errorf("Day(en) = %q", got)
	}
	f := load(t)
	for lang, want := range map[string]string{"ja": "2026年12月2日", "en": "2026-12-02"} {
		in := f.input(t, "small-sme", lang)
		in.Date = at
		if text := strings.Join(pages(t, in), "\n"); !strings.Contains(text, want) {
			t.Errorf("%s report made at %v does not show %s", lang, at, want)
		}
	}
}

// TestLongFirmNameFits: a 100-character name wraps on the cover and is cut with "…" in the
// running header instead of running over the date.
func TestLongFirmNameFits(t *testing.T) {
	f := load(t)
	name := "株式会社" + strings.Repeat("長い名前の製作所ホールディングス", 6)
	in := f.input(t, "small-sme", "ja")
	in.FirmName = string([]rune(name)[:100])
	p := pages(t, in)
	if !strings.Contains(p[0], "株式会社長い名前の製作所") {
		t.Error("the cover does not print the start of the name")
	}
	header := strings.SplitN(strings.TrimSpace(p[1]), "\n", 2)[0]
	if !strings.Contains(header, "…") || strings.Contains(header, string([]rune(name)[60:100])) {
		t.Errorf("running header not cut to fit: %q", header)
	}
}
