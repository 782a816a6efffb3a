package campaign

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/report"
)

// Limits of an invitations file: beyond the first two the file is refused as a whole.
const (
	MaxFileBytes = 5 << 20 // bytes of the file as uploaded
	MaxRows      = 10_000  // non-blank lines below the header
	MaxCell      = 1_000   // characters of one cell
)

// The fields of an invitations file, as LineError.Field names them.
const (
	FieldFirm       = "firm"
	FieldEmail      = "email"
	FieldSizeBand   = "size_band"
	FieldSector     = "sector"
	FieldPrefecture = "prefecture"
)

// Row is one firm of an invitations file, its values checked and normalised: SizeBand is
// small_scale, sme or large, Sector an option id of the vocabulary, Prefecture a JIS code
// "01"…"47"; each is "" when the cell was empty.
type Row struct {
	Line       int // the physical line of the file where the row starts; 1 is the first line
	Firm       string
	Email      string
	SizeBand   string
	Sector     string
	Prefecture string
	Key        string // Invitation.Key
}

// LineError is a problem with one line of an invitations file. The row is not imported, unless
// Warning is set (a repeated row, or a firm name Excel may have damaged).
type LineError struct {
	Line   int    // the physical line of the file, 1 being the first
	Column string // the spreadsheet column, "A", "B"…; "" when the problem is the whole line
	Header string // the column's heading as the file gives it
	Field  string // FieldFirm…; "" for a column the import ignores or the whole line
	// Code is stable: required, too_long, invalid_chars, invalid_email, unknown_size_band,
	// unknown_sector, unknown_prefecture, cell_too_long, syntax; duplicate and
	// replaced_character are warnings.
	Code    string
	Warning bool
	Message questionnaire.Text // names the line and the column
}

func (e LineError) Error() string { return e.Message.EN }

// FileError is a problem with an invitations file as a whole: nothing of it is imported.
type FileError struct {
	Code    string // stable: too_large, too_many_rows, encoding, empty, syntax, missing_column, duplicate_column
	Message questionnaire.Text
}

func (e *FileError) Error() string { return e.Message.EN }

// Vocabulary holds what a cell may name beyond the fixed lists: the sector options of the
// campaign's questionnaire (its industry question), each given by id or by either label.
type Vocabulary struct {
	Sectors []Option
}

// Option is one option of the questionnaire: its id and its labels.
type Option struct {
	ID, JA, EN string
}

// Key is the Invitation.Key of a firm: the lower-cased e-mail address and the firm name
// NFKC-normalised (full-width letters, ㈱ and ideographic spaces folded), runs of spaces made
// one.
func Key(email, firm string) string {
	name := strings.Join(strings.Fields(norm.NFKC.String(firm)), " ")
	return strings.ToLower(strings.TrimSpace(email)) + "\x00" + name
}

// ParseInvitations reads an invitations file as Excel in Japan saves it: "CSV UTF-8" (with a
// byte-order mark), "CSV" (Shift_JIS, that is Windows-31J), or "Unicode text" (UTF-16 with a
// byte-order mark, tab separated); comma or tab separated, whichever the header line uses. The
// first line names the columns (firm and e-mail required; unknown columns ignored). It returns
// the good rows, without repeats, and a LineError for each problem with a line. A problem with
// the file as a whole is a *FileError; nothing else is returned with it.
func ParseInvitations(r io.Reader, vocab Vocabulary) (rows []Row, errs []LineError, err error) {
	text, sjis, err := readText(r)
	if err != nil {
		return nil, nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = separator(text)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
		return nil, nil, &FileError{Code: "syntax", Message: lineError(pe.StartLine, nil, "", tr("campaign.csv.syntax")).Message}
	}
	if err != nil { // io.EOF: strings.Reader fails no other way
		return nil, nil, &FileError{Code: "empty", Message: tr("campaign.csv.empty")}
	}
	p, err := newParser(header, vocab, sjis)
	if err != nil {
		return nil, nil, err
	}
	for {
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return p.rows, p.errs, nil
		case errors.As(err, &pe):
			err = p.add(pe.StartLine, nil)
		case err != nil:
			return nil, nil, fmt.Errorf("campaign: reading the invitations file: %w", err)
		case !blank(rec):
			line, _ := cr.FieldPos(0)
			err = p.add(line, rec)
		}
		if err != nil {
			return nil, nil, err
		}
	}
}

// add counts a line below the header and checks its record, nil for one encoding/csv could
// not read.
func (p *parser) add(line int, rec []string) error {
	if p.count++; p.count > MaxRows {
		return &FileError{Code: "too_many_rows", Message: tr("campaign.csv.too_many_rows", "max", MaxRows)}
	}
	if rec == nil {
		p.fail(line, nil, "syntax", tr("campaign.csv.syntax"))
	} else {
		p.row(rec, line)
	}
	return nil
}

// readText reads the whole file (at most MaxFileBytes) and decodes it; sjis reports a file in
// Shift_JIS. Lone CRs (old Mac line ends) become line feeds.
func readText(r io.Reader) (text string, sjis bool, err error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return "", false, fmt.Errorf("campaign: reading the invitations file: %w", err)
	}
	if len(b) > MaxFileBytes {
		return "", false, &FileError{Code: "too_large", Message: tr("campaign.csv.too_large", "max", MaxFileBytes>>20)}
	}
	text, sjis, ok := decode(b)
	if !ok {
		return "", false, &FileError{Code: "encoding", Message: tr("campaign.csv.encoding")}
	}
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return text, sjis, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode returns the text of b: UTF-16 when it starts with a UTF-16 byte-order mark, UTF-8 when
// it is valid UTF-8 (a BOM dropped), else Shift_JIS. ok is false when b is none of them.
func decode(b []byte) (text string, sjis, ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		text, ok = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), b)
		return text, false, ok
	case bytes.HasPrefix(b, utf8BOM):
		return string(b[len(utf8BOM):]), false, utf8.Valid(b)
	case utf8.Valid(b):
		return string(b), false, true
	}
	text, ok = decodeWith(japanese.ShiftJIS.NewDecoder(), b)
	return text, true, ok
}

// decodeWith decodes b, refusing bytes the encoding has no character for: the decoders put
// U+FFFD in their place, which no Shift_JIS or UTF-16 text can hold otherwise.
func decodeWith(d *encoding.Decoder, b []byte) (string, bool) {
	out, err := d.Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	return string(out), true
}

// separator is a tab when the first line has more tabs than commas (Excel's "Unicode text"),
// else a comma.
func separator(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		return '\t'
	}
	return ','
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// column is one column of the header.
type column struct {
	index  int
	letter string // A, B, …, Z, AA, …
	header string
	field  string // "" for a column the import ignores
}

// parser holds the state of one file's reading.
type parser struct {
	cols    []column
	sectors map[string]string // canonical id or label → option id
	labels  questionnaire.Text
	sjis    bool
	seen    map[string]int // key → line of its first row
	count   int            // non-blank lines read below the header
	rows    []Row
	errs    []LineError
}

func newParser(header []string, vocab Vocabulary, sjis bool) (*parser, error) {
	p := &parser{sjis: sjis, seen: map[string]int{}, sectors: map[string]string{}}
	found := map[string]column{}
	for i, h := range header {
		c := column{index: i, letter: columnLetter(i), header: strings.TrimSpace(h), field: headerFields[canon(h)]}
		if prev, dup := found[c.field]; dup && c.field != "" {
			return nil, &FileError{Code: "duplicate_column", Message: tr("campaign.csv.duplicate_column",
				"column", columnName(c.field), "first", prev.header, "second", c.header)}
		}
		found[c.field] = c
		p.cols = append(p.cols, c)
	}
	for _, f := range []string{FieldFirm, FieldEmail} {
		if _, ok := found[f]; !ok {
			return nil, missingColumn(f)
		}
	}
	var ja, en []string
	for _, o := range vocab.Sectors {
		for _, s := range []string{o.ID, o.JA, o.EN} {
			if _, taken := p.sectors[canon(s)]; !taken && canon(s) != "" {
				p.sectors[canon(s)] = o.ID
			}
		}
		ja, en = append(ja, o.JA), append(en, o.EN)
	}
	p.labels = questionnaire.Text{JA: strings.Join(ja, "、"), EN: strings.Join(en, "; ")}
	return p, nil
}

// row checks one line of the file and keeps it, or reports why not.
func (p *parser) row(rec []string, line int) {
	r := Row{Line: line}
	ok := true
	for i := range p.cols {
		c := &p.cols[i]
		cell := ""
		if c.index < len(rec) {
			cell = rec[c.index]
		}
		if utf8.RuneCountInString(cell) > MaxCell {
			p.fail(line, c, "cell_too_long", tr("campaign.csv.cell_too_long", "max", MaxCell))
			ok = false
			continue
		}
		if code, reason := p.set(&r, c.field, cell); code != "" {
			p.fail(line, c, code, reason)
			ok = false
		}
	}
	if !ok {
		return
	}
	r.Key = Key(r.Email, r.Firm)
	if first, dup := p.seen[r.Key]; dup {
		p.warn(line, nil, "duplicate", tr("campaign.csv.duplicate", "first", first))
		return
	}
	p.seen[r.Key] = line
	p.rows = append(p.rows, r)
	if p.sjis && strings.Contains(r.Firm, "?") {
		p.warn(line, p.column(FieldFirm), "replaced_character", tr("campaign.csv.replaced_character"))
	}
}

// set checks one cell and stores its value in r; it returns a code and a reason when the cell
// is wrong.
func (p *parser) set(r *Row, field, cell string) (code string, reason questionnaire.Text) {
	v := strings.TrimSpace(cell)
	switch field {
	case FieldFirm:
		r.Firm = v
		return checkFirm(v)
	case FieldEmail:
		r.Email, code, reason = checkEmail(v)
		return code, reason
	}
	if v == "" || field == "" {
		return "", reason
	}
	var ok bool
	switch field {
	case FieldSizeBand:
		if r.SizeBand, ok = sizeBands[canon(v)]; !ok {
			return "unknown_size_band", tr("campaign.csv.unknown_size_band", "value", quote(v))
		}
	case FieldSector:
		if r.Sector, ok = p.sectors[canon(v)]; !ok {
			return "unknown_sector", tr("campaign.csv.unknown_sector", "options", p.labels, "value", quote(v))
		}
	case FieldPrefecture:
		if r.Prefecture, ok = prefectureCode(v); !ok {
			return "unknown_prefecture", tr("campaign.csv.unknown_prefecture", "value", quote(v))
		}
	}
	return "", reason
}

func checkFirm(v string) (code string, reason questionnaire.Text) {
	switch err := report.CheckFirmName(v); {
	case v == "":
		return "required", tr("campaign.csv.required")
	case errors.Is(err, report.ErrFirmNameTooLong):
		return "too_long", tr("field.firm_name_length")
	case err != nil:
		return "invalid_chars", tr("field.firm_name_chars")
	}
	return "", reason
}

// checkEmail returns the address in v, full-width characters folded (Japanese input methods
// type ＠), if it is one bare address whose domain has a dot.
func checkEmail(v string) (addr, code string, reason questionnaire.Text) {
	if v == "" {
		return "", "required", tr("campaign.csv.required")
	}
	v = norm.NFKC.String(v)
	for _, r := range v {
		if r >= utf8.RuneSelf {
			return "", "invalid_email", tr("campaign.csv.email_ascii", "value", quote(v))
		}
	}
	a, err := mail.ParseAddress(v)
	domain := v[strings.LastIndexByte(v, '@')+1:]
	switch {
	case err == nil && a.Address != v && strings.Contains(v, "<"):
		return "", "invalid_email", tr("campaign.csv.email_bare", "value", quote(v))
	case err != nil || a.Address != v || len(v) > 254 || !strings.Contains(domain, ".") || strings.HasSuffix(domain, "."):
		return "", "invalid_email", tr("campaign.csv.invalid_email", "value", quote(v))
	}
	return v, "", reason
}

func (p *parser) column(field string) *column {
	for i := range p.cols {
		if p.cols[i].field == field {
			return &p.cols[i]
		}
	}
	return nil
}

func (p *parser) fail(line int, c *column, code string, reason questionnaire.Text) {
	p.errs = append(p.errs, lineError(line, c, code, reason))
}

func (p *parser) warn(line int, c *column, code string, reason questionnaire.Text) {
	e := lineError(line, c, code, reason)
	e.Warning = true
	p.errs = append(p.errs, e)
}

// lineError says where the problem is, the line and the column as Excel shows them, then why.
func lineError(line int, c *column, code string, reason questionnaire.Text) LineError {
	e := LineError{Line: line, Code: code}
	key := "campaign.csv.at_line"
	if c != nil {
		e.Column, e.Header, e.Field = c.letter, c.header, c.field
		key = "campaign.csv.at_cell"
		if c.header == "" {
			key = "campaign.csv.at_column"
		}
	}
	// The reason goes in first, so that placeholders in it are not filled again.
	e.Message = tr(key, "reason", reason, "header", e.Header, "line", line, "column", e.Column)
	return e
}

// tr is the catalogue's text of key in both languages, its {placeholders} filled from
// name–value pairs; a value that is itself a questionnaire.Text goes in in the same language.
func tr(key string, pairs ...any) questionnaire.Text {
	in := func(lang string) string {
		p := slices.Clone(pairs)
		for i, v := range p {
			if t, ok := v.(questionnaire.Text); ok {
				p[i] = t.In(lang)
			}
		}
		return locale.Get(lang, key, p...)
	}
	return questionnaire.Text{JA: in("ja"), EN: in("en")}
}

// missingColumn names the column and the headings that would have been recognised.
func missingColumn(field string) *FileError {
	var ja, en []string
	for _, h := range headerNames[field] {
		if isASCII(h) {
			en = append(en, h)
		} else {
			ja = append(ja, h)
		}
	}
	names := questionnaire.Text{JA: strings.Join(ja, "、"), EN: strings.Join(en, ", ")}
	return &FileError{Code: "missing_column", Message: tr("campaign.csv.missing_column", "names", names, "column", columnName(field))}
}

// columnName is a field's name in both languages, as the mail-merge file heads its column.
func columnName(field string) questionnaire.Text { return tr("campaign.csv.column." + field) }

func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// quote cuts a value for a message to 40 characters.
func quote(v string) string {
	if r := []rune(v); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// canon is the form headings and values are compared in: NFKC (full width to half width),
// lower case, without a trailing parenthesis ("(必須)") or mark ("*"), spaces, hyphens,
// underscores and middle dots.
func canon(s string) string {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
	s = strings.TrimRight(s, "*※ ")
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '_', '・', '･', '.':
			return -1
		}
		return r
	}, s)
}

// headerNames are the headings recognised for each field, besides the catalogue's column names
// (so the mail-merge file can be uploaded again).
var headerNames = map[string][]string{
	FieldFirm:       {"企業名", "会社名", "事業者名", "事業所名", "法人名", "社名", "firm", "firm name", "company", "company name"},
	FieldEmail:      {"メールアドレス", "メール", "電子メール", "Eメール", "e-mail", "email", "e-mail address", "mail"},
	FieldSizeBand:   {"規模", "企業規模", "事業規模", "規模区分", "size", "size band", "company size"},
	FieldSector:     {"業種", "業種区分", "sector", "industry"},
	FieldPrefecture: {"都道府県", "所在地", "本社所在地", "prefecture"},
}

var headerFields = func() map[string]string {
	m := map[string]string{}
	for field, names := range headerNames {
		ja, en := locale.Both("campaign.csv.column." + field)
		for _, n := range append(names, ja, en) {
			m[canon(n)] = field
		}
	}
	return m
}()

// sizeBands maps the canonical spellings of the size bands, the catalogue's labels among them, to
// their ids.
var sizeBands = func() map[string]string {
	m := map[string]string{}
	for band, names := range map[string][]string{
		"small_scale": {"small-scale", "small", "小規模", "小規模事業者", "小規模企業", "小規模企業者"},
		"sme":         {"SME", "中小", "中小企業", "中小企業者"},
		"large":       {"large", "large firm", "large company", "大企業"},
	} {
		ja, en := locale.Both("label.band." + band)
		for _, n := range append(names, band, ja, en) {
			m[canon(n)] = band
		}
	}
	return m
}()

// prefectures are the 47 prefectures in the order of JIS X 0401: the code of each is its
// index + 1, written with two digits.
var prefectures = [47][2]string{
	{"北海道", "Hokkaido"}, {"青森県", "Aomori"}, {"岩手県", "Iwate"}, {"宮城県", "Miyagi"},
	{"秋田県", "Akita"}, {"山形県", "Yamagata"}, {"福島県", "Fukushima"}, {"茨城県", "Ibaraki"},
	{"栃木県", "Tochigi"}, {"群馬県", "Gunma"}, {"埼玉県", "Saitama"}, {"千葉県", "Chiba"},
	{"東京都", "Tokyo"}, {"神奈川県", "Kanagawa"}, {"新潟県", "Niigata"}, {"富山県", "Toyama"},
	{"石川県", "Ishikawa"}, {"福井県", "Fukui"}, {"山梨県", "Yamanashi"}, {"長野県", "Nagano"},
	{"岐阜県", "Gifu"}, {"静岡県", "Shizuoka"}, {"愛知県", "Aichi"}, {"三重県", "Mie"},
	{"滋賀県", "Shiga"}, {"京都府", "Kyoto"}, {"大阪府", "Osaka"}, {"兵庫県", "Hyogo"},
	{"奈良県", "Nara"}, {"和歌山県", "Wakayama"}, {"鳥取県", "Tottori"}, {"島根県", "Shimane"},
	{"岡山県", "Okayama"}, {"広島県", "Hiroshima"}, {"山口県", "Yamaguchi"}, {"徳島県", "Tokushima"},
	{"香川県", "Kagawa"}, {"愛媛県", "Ehime"}, {"高知県", "Kochi"}, {"福岡県", "Fukuoka"},
	{"佐賀県", "Saga"}, {"長崎県", "Nagasaki"}, {"熊本県", "Kumamoto"}, {"大分県", "Oita"},
	{"宮崎県", "Miyazaki"}, {"鹿児島県", "Kagoshima"}, {"沖縄県", "Okinawa"},
}

// prefectureCodes maps the canonical spellings of each prefecture to its code: 13, 01, JP-13,
// 東京都, 東京, Tokyo, Tokyo-to, Tokyo Prefecture.
var prefectureCodes = func() map[string]string {
	suffix := map[string]string{"都": "to", "府": "fu", "県": "ken"}
	m := map[string]string{}
	for i, p := range prefectures {
		code := fmt.Sprintf("%02d", i+1)
		ja, en := p[0], strings.ToLower(p[1])
		names := []string{code, strconv.Itoa(i + 1), "jp" + code, ja, en, en + "prefecture"}
		if s, ok := suffix[ja[len(ja)-len("県"):]]; ok {
			names = append(names, ja[:len(ja)-len("県")], en+s)
		}
		for _, n := range names {
			m[canon(n)] = code
		}
	}
	return m
}()

// macrons spells Tōkyō as Tokyo.
var macrons = strings.NewReplacer("ō", "o", "ū", "u", "â", "a", "ô", "o", "û", "u")

// prefectureCode returns the JIS code of the prefecture v names, or that an address in v starts
// with (東京都千代田区…).
func prefectureCode(v string) (string, bool) {
	if code, ok := prefectureCodes[macrons.Replace(canon(v))]; ok {
		return code, true
	}
	v = norm.NFKC.String(v)
	for i, p := range prefectures {
		if strings.HasPrefix(v, p[0]) {
			return fmt.Sprintf("%02d", i+1), true
		}
	}
	return "", false
}

// prefectureName is the name in lang of the prefecture of a code ("13", or the
// questionnaire's "JP-13"), or the code itself when it names none.
func prefectureName(lang, code string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(code, "JP-"))
	if err != nil || n < 1 || n > len(prefectures) {
		return code
	}
	if lang == "en" {
		return prefectures[n-1][1]
	}
	return prefectures[n-1][0]
}
