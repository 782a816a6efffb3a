package campaign

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/esready/esready/internal/report"
)

// testVocab is the industry question of the shipped questionnaire, in part.
var testVocab = Vocabulary{Sectors: []Option{
	{ID: "manufacturing", JA: "製造業", EN: "Manufacturing"},
	{ID: "wholesale", JA: "卸売業", EN: "Wholesale"},
	{ID: "other", JA: "その他（情報通信業、不動産業、農林漁業など）", EN: "Other (information and communications, real estate, agriculture, etc.)"},
}}

// shiftJIS encodes s as Excel's "CSV (コンマ区切り)" does.
func shiftJIS(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding the test file as Shift_JIS: %v", err)
	}
	return b
}

// utf16Text encodes s as Excel's "Unicode テキスト" does: UTF-16LE with a byte-order mark.
func utf16Text(t testing.TB, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// excelUTF8 is Excel's "CSV UTF-8 (コンマ区切り)": a byte-order mark and CRLF line ends.
func excelUTF8(s string) []byte {
	return append([]byte("\uFEFF"), strings.ReplaceAll(s, "\n", "\r\n")...)
}

// problem is what a test checks of a LineError (the message is checked apart).
type problem struct {
	Line    int
	Column  string
	Code    string
	Warning bool
}

func problems(errs []LineError) []problem {
	var out []problem
	for _, e := range errs {
		out = append(out, problem{e.Line, e.Column, e.Code, e.Warning})
	}
	return out
}

func row(line int, firm, email, size, sector, pref string) Row {
	return Row{Line: line, Firm: firm, Email: email, SizeBand: size, Sector: sector, Prefecture: pref, Key: Key(email, firm)}
}

// parseCase is a file and what ParseInvitations makes of it.
type parseCase struct {
	name     string
	file     []byte
	rows     []Row
	problems []problem
}

func checkParse(t *testing.T, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, errs, err := ParseInvitations(bytes.NewReader(tt.file), testVocab)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.rows, rows); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.problems, problems(errs)); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

// TestParseInvitationsEncodings: the files Excel in Japan saves, and their line ends.
func TestParseInvitationsEncodings(t *testing.T) {
	checkParse(t, []parseCase{{
		name: "Excel CSV in Shift_JIS with Japanese headings",
		file: shiftJIS(t, "企業名,メールアドレス,規模,業種,都道府県\n㈱山田製作所,info@yamada.co.jp,中小企業,製造業,東京都\n佐藤商事株式会社,sato@example.jp,小規模,卸売業,13\n"),
		rows: []Row{
			row(2, "㈱山田製作所", "info@yamada.co.jp", "sme", "manufacturing", "13"),
			row(3, "佐藤商事株式会社", "sato@example.jp", "small_scale", "wholesale", "13"),
		},
	}, {
		name: "CSV UTF-8 with BOM and CRLF, English headings, a character beyond Shift_JIS",
		file: excelUTF8("Company,E-mail,Size band,Industry,Prefecture\n𠮷田製作所,Yoshida@Example.JP,Small-scale,Other,Tokyo\nKōbe Steelworks,kobe@example.com,LARGE,wholesale,Hyōgo\n"),
		rows: []Row{
			row(2, "𠮷田製作所", "Yoshida@Example.JP", "small_scale", "other", "13"),
			row(3, "Kōbe Steelworks", "kobe@example.com", "large", "wholesale", "28"),
		},
	}, {
		name: "Excel Unicode text: UTF-16 with BOM, tab separated",
		file: utf16Text(t, "会社名\tメール\t所在地\r\n鈴木工業\tsuzuki@example.jp\t大阪府大阪市北区梅田1-1\r\n"),
		rows: []Row{row(2, "鈴木工業", "suzuki@example.jp", "", "", "27")},
	}, {
		name:     "a question mark in a Shift_JIS firm name: a character Excel could not save",
		file:     shiftJIS(t, "企業名,メール\n?田製作所,y@example.jp\n"),
		rows:     []Row{row(2, "?田製作所", "y@example.jp", "", "", "")},
		problems: []problem{{2, "A", "replaced_character", true}},
	}, {
		name:     "rows shorter than the header; old Mac line ends",
		file:     []byte("企業名,メール,都道府県\rA社,a@example.jp\rB社\r"),
		rows:     []Row{row(2, "A社", "a@example.jp", "", "", "")},
		problems: []problem{{3, "B", "required", false}},
	}})
}

// TestParseInvitationsRows: quoting, headings, bad cells, repeats and limits.
func TestParseInvitationsRows(t *testing.T) {
	long := strings.Repeat("長", 101)
	checkParse(t, []parseCase{{
		name: "quoted cells with a comma and a line break; a line break in a firm name",
		file: []byte("企業名,メール,備考\n\"山田, 鈴木 合同会社\",a@example.jp,\"一行目\n二行目\"\n次の会社,b@example.jp,\n\"改行\nあり\",c@example.jp,\n"),
		rows: []Row{
			row(2, "山田, 鈴木 合同会社", "a@example.jp", "", "", ""),
			row(4, "次の会社", "b@example.jp", "", "", ""),
		},
		problems: []problem{{5, "A", "invalid_chars", false}},
	}, {
		name: "bad cells are reported by line and column, the good rows kept",
		file: []byte("企業名,メールアドレス,規模,業種,都道府県\n" +
			"A社,taro@,,,\n" +
			",b@example.jp,,,\n" +
			"C社,Taro <taro@example.jp>,,,\n" +
			"D社,ｄ＠ｅｘａｍｐｌｅ．ｊｐ,,,01\n" +
			"E社,e@example.jp,中堅,金融業,東京府\n" +
			"F社,f@localhost,,,\n" +
			"G社,g@example.jp,sme,その他,JP-47\n" +
			long + ",h@example.jp,,,\n" +
			"I\u202Etxt.exe社,i@example.jp,,,\n" +
			"J社,山田@example.jp,,,\n"),
		rows: []Row{
			row(5, "D社", "d@example.jp", "", "", "01"),
			row(8, "G社", "g@example.jp", "sme", "other", "47"),
		},
		problems: []problem{
			{2, "B", "invalid_email", false}, {3, "A", "required", false}, {4, "B", "invalid_email", false},
			{6, "C", "unknown_size_band", false}, {6, "D", "unknown_sector", false}, {6, "E", "unknown_prefecture", false},
			{7, "B", "invalid_email", false}, {9, "A", "too_long", false}, {10, "A", "invalid_chars", false},
			{11, "B", "invalid_email", false},
		},
	}, {
		name: "a repeated firm is reported once as a warning and returned once",
		file: []byte("企業名,メール\n山田 製作所,info@yamada.co.jp\n山田　製作所,INFO@yamada.co.jp \n山田製作所,info@yamada.co.jp\nＡＢＣ商事,abc@example.jp\nABC商事,abc@example.jp\n"),
		rows: []Row{
			row(2, "山田 製作所", "info@yamada.co.jp", "", "", ""),
			row(4, "山田製作所", "info@yamada.co.jp", "", "", ""),
			row(5, "ＡＢＣ商事", "abc@example.jp", "", "", ""),
		},
		problems: []problem{{3, "", "duplicate", true}, {6, "", "duplicate", true}},
	}, {
		name: "headings marked required, in full width; unknown columns ignored; blank lines skipped",
		file: []byte("No.,会社名（必須）,Ｅメール*,担当者\n\n1,A社,a@example.jp,山田\n,,,\n2,B社,b@example.jp,\n"),
		rows: []Row{row(3, "A社", "a@example.jp", "", "", ""), row(5, "B社", "b@example.jp", "", "", "")},
	}, {
		name:     "cells beyond the limit, a broken quote",
		file:     []byte("企業名,メール,備考\nA社,a@example.jp," + strings.Repeat("x", MaxCell+1) + "\nB社,\"b@example.jp\"x,\nC社,c@example.jp,\n"),
		rows:     []Row{row(4, "C社", "c@example.jp", "", "", "")},
		problems: []problem{{2, "C", "cell_too_long", false}, {3, "", "syntax", false}},
	}})
}

func TestParseInvitationsRefusesFile(t *testing.T) {
	many := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("企業名,メール\n")
		for i := range n {
			fmt.Fprintf(&b, "%d社,f%d@example.jp\n", i, i)
		}
		return b.Bytes()
	}
	tests := []struct {
		name string
		file []byte
		code string
	}{
		{"no firm column", []byte("メールアドレス,規模\na@example.jp,sme\n"), "missing_column"},
		{"no e-mail column", shiftJIS(t, "企業名,電話\nA社,03-0000-0000\n"), "missing_column"},
		{"two e-mail columns", []byte("企業名,メール,Email\n"), "duplicate_column"},
		{"empty", []byte("\uFEFF"), "empty"},
		{"neither UTF-8 nor Shift_JIS", append(shiftJIS(t, "企業名,メール\nA社,a@example.jp\n"), 0x81), "encoding"},
		{"broken header", []byte("企業名,\"メール\n"), "syntax"},
		{"too many rows", many(MaxRows + 1), "too_many_rows"},
		{"too large", append([]byte("企業名,メール\n"), bytes.Repeat([]byte("a"), MaxFileBytes)...), "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, errs, err := ParseInvitations(bytes.NewReader(tt.file), testVocab)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Code != tt.code {
				t.Fatalf("err = %v, want a FileError %s", err, tt.code)
			}
			if rows != nil || errs != nil {
				t.Errorf("rows and line errors came with a file error: %v %v", rows, errs)
			}
			if fe.Message.JA == "" || fe.Message.EN == "" || strings.Contains(fe.Message.JA+fe.Message.EN, "campaign.csv") {
				t.Errorf("message not from the catalogue: %+v", fe.Message)
			}
		})
	}
	t.Run("exactly the limit of rows", func(t *testing.T) {
		rows, errs, err := ParseInvitations(bytes.NewReader(many(MaxRows)), testVocab)
		if err != nil || len(rows) != MaxRows || len(errs) != 0 {
			t.Errorf("%d rows, %d errors, err %v", len(rows), len(errs), err)
		}
	})
}

// TestParseInvitationsMessages: the messages name the line, the column and its heading, and
// the reason, in both languages.
func TestParseInvitationsMessages(t *testing.T) {
	_, errs, err := ParseInvitations(strings.NewReader("企業名,メールアドレス,業種\nA社,taro@,\nB社,b@example.jp,金融業\n"), testVocab)
	if err != nil || len(errs) != 2 {
		t.Fatalf("errs %v, err %v", errs, err)
	}
	want := []struct{ ja, en string }{
		{"2行目 B列「メールアドレス」：「taro@」はメールアドレスとして正しくありません（例：info@example.co.jp）。",
			"Line 2, column B (メールアドレス): taro@ is not a valid e-mail address (for example info@example.co.jp)."},
		{"3行目 C列「業種」：「金融業」はこの調査票の業種にありません。次のいずれかを入力してください：製造業、卸売業、その他（情報通信業、不動産業、農林漁業など）",
			"Line 3, column C (業種): 金融業 is not a sector of this questionnaire. Use one of: Manufacturing; Wholesale; Other (information and communications, real estate, agriculture, etc.)"},
	}
	for i, w := range want {
		if errs[i].Message.JA != w.ja || errs[i].Message.EN != w.en {
			t.Errorf("message %d:\n got %q\n     %q\nwant %q\n     %q", i, errs[i].Message.JA, errs[i].Message.EN, w.ja, w.en)
		}
	}
	_, _, err = ParseInvitations(strings.NewReader("Name,Mail\n"), testVocab)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message.JA, "企業名の列がありません") || !strings.Contains(fe.Message.JA, "会社名") ||
		!strings.Contains(fe.Message.EN, "There is no Company column") || !strings.Contains(fe.Message.EN, "company name") {
		t.Errorf("missing column: %v", err)
	}
}

func TestKey(t *testing.T) {
	for _, tt := range []struct{ email, firm, want string }{
		{" Info@Yamada.co.jp ", "㈱山田　製作所", "info@yamada.co.jp\x00(株)山田 製作所"},
		{"a@example.jp", "  ＡＢＣ   商事 ", "a@example.jp\x00ABC 商事"},
	} {
		if got := Key(tt.email, tt.firm); got != tt.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tt.email, tt.firm, got, tt.want)
		}
	}
}

func TestPrefectureCode(t *testing.T) {
	for in, want := range map[string]string{
		"1": "01", "01": "01", "１３": "13", "JP-13": "13", "東京都": "13", "東京": "13", "Tokyo": "13",
		"TOKYO-TO": "13", "Tōkyō": "13", "京都": "26", "Kyoto Prefecture": "26", "北海道": "01",
		"Hokkaidō": "01", "鹿児島県鹿児島市": "46", "47": "47", "沖縄": "47",
		"0": "", "48": "", "東京府": "", "Edo": "", "京都市": "",
	} {
		if got, _ := prefectureCode(in); got != want {
			t.Errorf("prefectureCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseInvitations: whatever the bytes, the parser does not panic; a file error comes
// alone; each row has a valid bare e-mail address and a printable firm name and its own key;
// and every line holding a record below the header (as encoding/csv reads the decoded text)
// is accounted for once, by a row or by a problem, and no other line is.
func FuzzParseInvitations(f *testing.F) {
	f.Add([]byte("企業名,メールアドレス,規模,業種,都道府県\nA社,a@example.jp,sme,製造業,13\nA社,A@example.jp,,,\n"))
	f.Add(shiftJIS(f, "会社名,メール\n\"山田, 鈴木\",b@example.jp\n?田,c@example.jp\n"))
	f.Add(excelUTF8("Company,E-mail\n𠮷田製作所,y@example.jp\nbad,\"x\"y\n"))
	f.Add(utf16Text(f, "企業名\tメール\nA社\ta@example.jp\n"))
	f.Add([]byte("firm,email\r\"a\nb\",c@d.e\r\n,\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		rows, errs, err := ParseInvitations(bytes.NewReader(file), testVocab)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || rows != nil || errs != nil {
				t.Fatalf("err %v with %d rows and %d problems", err, len(rows), len(errs))
			}
			return
		}
		want := recordLines(t, file)
		got := map[int]bool{}
		keys := map[string]bool{}
		for _, r := range rows {
			if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
				t.Errorf("line %d: e-mail %q", r.Line, r.Email)
			}
			if r.Firm == "" || r.Firm != strings.TrimSpace(r.Firm) || report.CheckFirmName(r.Firm) != nil {
				t.Errorf("line %d: firm %q", r.Line, r.Firm)
			}
			if r.Key != Key(r.Email, r.Firm) || keys[r.Key] || got[r.Line] {
				t.Errorf("line %d: key %q repeated, or a second row of the line", r.Line, r.Key)
			}
			keys[r.Key], got[r.Line] = true, true
		}
		for _, e := range errs {
			if !e.Warning && rowAt(rows, e.Line) {
				t.Errorf("line %d is both a row and a problem (%s)", e.Line, e.Code)
			}
			got[e.Line] = true
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("lines accounted for (-records +rows and problems):\n%s", d)
		}
	})
}

// recordLines is the oracle of the fuzz target: the first lines of the non-blank records and
// of the unreadable ones below the header, read with encoding/csv from the decoded text.
func recordLines(t *testing.T, file []byte) map[int]bool {
	text, _, err := readText(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(text, "\n") + 1
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma, cr.FieldsPerRecord = separator(text), -1
	if _, err := cr.Read(); err != nil {
		t.Fatalf("the header was refused without a file error: %v", err)
	}
	want := map[int]bool{}
	for {
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			want[pe.StartLine] = true
		case err != nil:
			return want
		case !blank(rec):
			line, _ := cr.FieldPos(0)
			if line < 2 || line > lines {
				t.Fatalf("a record at line %d of %d", line, lines)
			}
			want[line] = true
		}
	}
}

func rowAt(rows []Row, line int) bool {
	for _, r := range rows {
		if r.Line == line {
			return true
		}
	}
	return false
}
