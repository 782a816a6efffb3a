package report

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/esready/esready/internal/checklist"
	"github.com/esready/esready/internal/locale"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
)

// ipaexGothic is IPAex Gothic (fonts/ipaexg.ttf, IPA Font License v1.0, licence beside it). It is
// embedded, so it is read from the binary once per process and never from disk. (gofpdf's API
// has no way to share a parsed font between documents: it parses the font's tables in each
// document, which BenchmarkPDF measures as part of the report time.)
//
//go:embed fonts/ipaexg.ttf
var ipaexGothic []byte

const fontName = "ipaexg"

// Input is what the action report shows. The renderer fetches nothing itself.
type Input struct {
	Lang          string
	FirmName      string // optional, shown on the cover
	Date          time.Time
	Questionnaire *questionnaire.Definition
	Score         scoring.Result // with Benchmark filled in
	Checklist     checklist.Result
	Progress      *scoring.Progress
}

// Page geometry in millimetres (A4).
const (
	pageW, pageH = 210.0, 297.0
	marginL      = 18.0
	marginR      = 18.0
	marginTop    = 20.0
	contentW     = pageW - marginL - marginR
	footerY      = pageH - 14
	bottomLimit  = pageH - 22
)

var (
	navy   = [3]int{0x1F, 0x38, 0x64}
	orange = [3]int{0xE0, 0x7B, 0x00}
	grey   = [3]int{0x6B, 0x6B, 0x6B}
	light  = [3]int{0xE8, 0xEC, 0xF3}
	black  = [3]int{0x20, 0x20, 0x20}
	prioC  = map[string][3]int{checklist.PriorityHigh: {0xC0, 0x39, 0x2B}, checklist.PriorityMedium: {0xD6, 0x8A, 0x00}, checklist.PriorityLow: {0x3B, 0x8E, 0x4F}}
)

// doc wraps gofpdf with the report's typography.
type doc struct {
	*gofpdf.Fpdf
	lang string
	in   Input
	// nameSubstituted: the firm name has characters the font lacks, printed as substitutes.
	nameSubstituted bool
}

func (d *doc) t(x questionnaire.Text) string { return x.In(d.lang) }

// tr is the report's text of key (internal/locale) in the report's language. Texts with fmt
// verbs are formats; the catalogue's test keeps their verbs the same in both languages.
func (d *doc) tr(key string) string { return locale.Get(d.lang, key) }

func (d *doc) color(c [3]int) { d.SetTextColor(c[0], c[1], c[2]) }

// para writes a wrapped paragraph at the left margin plus indent, breaking pages as needed.
func (d *doc) para(s string, size, lineH, indent float64, c [3]int) {
	d.SetFont(fontName, "", size)
	d.color(c)
	for _, line := range wrap(s, contentW-indent, d.GetStringWidth) {
		d.ensure(lineH)
		d.SetX(marginL + indent)
		d.CellFormat(contentW-indent, lineH, line, "", 1, "L", false, 0, "")
	}
}

// coverValue fits a value of the cover's details (a long firm name, say) into at most three
// lines: at 12 points on one line, else at 10 points, the third line cut with "…".
func (d *doc) coverValue(s string) (float64, []string) {
	const width = contentW - 35
	if l := d.lines(s, 12, width); len(l) <= 1 {
		return 12, l
	}
	l := d.lines(s, 10, width)
	if len(l) > 3 {
		l = append(l[:2], d.fit(strings.Join(l[2:], ""), width))
	}
	return 10, l
}

// fit cuts s at the current font so that it fits width, ending it with "…" when cut.
func (d *doc) fit(s string, width float64) string {
	if d.GetStringWidth(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// lines returns the wrapped lines of s at a size, without writing.
func (d *doc) lines(s string, size, width float64) []string {
	d.SetFont(fontName, "", size)
	return wrap(s, width, d.GetStringWidth)
}

// ensure starts a new page when h more millimetres do not fit.
func (d *doc) ensure(h float64) {
	if d.GetY()+h > bottomLimit {
		d.AddPage()
	}
}

func (d *doc) heading(s string) {
	d.ensure(16)
	d.Ln(2)
	d.SetFont(fontName, "", 15)
	d.color(navy)
	d.SetX(marginL)
	d.CellFormat(contentW, 9, s, "", 1, "L", false, 0, "")
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.5)
	d.Line(marginL, d.GetY(), marginL+contentW, d.GetY())
	d.Ln(3)
}

func (d *doc) subheading(s string) {
	d.ensure(12)
	d.Ln(1)
	d.SetFont(fontName, "", 11.5)
	d.color(navy)
	d.SetX(marginL)
	d.CellFormat(contentW, 7, s, "", 1, "L", false, 0, "")
}

// PDF writes the action report. A panic of the renderer comes back as an error, never as a crash
// of the caller.
func PDF(w io.Writer, in Input) (err error) {
	defer recovered(&err)
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	var substituted bool
	in.FirmName, substituted = PrintableName(in.FirmName)
	d, err := newDoc(in.Lang, locale.Get(in.Lang, "report.economic_security_readiness_report"), in.Date)
	if err != nil {
		return err
	}
	d.in, d.nameSubstituted = in, substituted
	d.SetFooterFunc(d.footer)
	d.SetHeaderFunc(d.header)

	d.cover()
	d.summary()
	d.exposurePage()
	d.firstSteps()
	if in.Progress != nil {
		d.progress()
	}
	d.checklistPages()
	d.methodology()
	return d.output(w)
}

// recovered turns a panic of the renderer into an error of the report, deferred by each
// renderer: a bad input never crashes the caller.
func recovered(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("report: the renderer failed: %v", r)
	}
}

// newDoc starts an A4 document in lang with the embedded font, its metadata dated date (pinned,
// so that one input always gives the same bytes) and the report's margins.
func newDoc(lang, title string, date time.Time) (*doc, error) {
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontName, "", ipaexGothic)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("report: font: %w", err)
	}
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	f.SetProducer("esready", true)
	f.SetTitle(title, true)
	f.SetMargins(marginL, marginTop, marginR)
	f.SetAutoPageBreak(false, 0)
	f.AliasNbPages("{nb}")
	return &doc{Fpdf: f, lang: lang}, nil
}

// output writes the finished document, or the first error met while drawing it.
func (d *doc) output(w io.Writer) error {
	if err := d.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return d.Output(w)
}

func (d *doc) header() {
	if d.PageNo() == 1 {
		return
	}
	d.SetFont(fontName, "", 8)
	d.color(grey)
	d.SetXY(marginL, 10)
	left := d.tr("report.economic_security_readiness_report")
	if d.in.FirmName != "" {
		left = d.fit(left+" — "+d.in.FirmName, contentW/2-2)
	}
	d.CellFormat(contentW/2, 5, left, "", 0, "L", false, 0, "")
	d.CellFormat(contentW/2, 5, Day(d.lang, d.in.Date), "", 1, "R", false, 0, "")
	d.SetY(marginTop)
}

func (d *doc) footer() { d.pageFooter(d.tr("report.confidential_this_report_describes")) }

// pageFooter draws a rule, note on the left and the page number on the right.
func (d *doc) pageFooter(note string) {
	d.SetDrawColor(0xBF, 0xBF, 0xBF)
	d.SetLineWidth(0.2)
	d.Line(marginL, footerY-2, marginL+contentW, footerY-2)
	d.SetFont(fontName, "", 7.5)
	d.color(grey)
	d.SetXY(marginL, footerY)
	d.CellFormat(contentW-25, 4, note, "", 0, "L", false, 0, "")
	d.CellFormat(25, 4, fmt.Sprintf("%d / {nb}", d.PageNo()), "", 0, "R", false, 0, "")
}

// cover draws the title page: the title banner, what was assessed and the headline result.
func (d *doc) cover() {
	d.AddPage()
	d.coverBanner()
	d.coverDetails()
	d.coverHeadline()
	d.SetY(250)
	d.para(d.tr("report.this_report_is_based"), 8.5, 4.5, 0, grey)
}

// coverBanner draws the report's title on a navy band across the top of the cover.
func (d *doc) coverBanner() {
	d.SetFillColor(navy[0], navy[1], navy[2])
	d.Rect(0, 0, pageW, 95, "F")
	d.SetTextColor(255, 255, 255)
	d.SetFont(fontName, "", 11)
	d.SetXY(marginL, 28)
	d.CellFormat(contentW, 6, d.tr("report.economic_security_self_assessment"), "", 1, "L", false, 0, "")
	d.SetFont(fontName, "", 24)
	d.SetX(marginL)
	d.CellFormat(contentW, 14, d.tr("report.economic_security_readiness_report"), "", 1, "L", false, 0, "")
	d.SetFont(fontName, "", 11)
	d.SetX(marginL)
	d.CellFormat(contentW, 7, d.tr("report.where_you_stand_how"), "", 1, "L", false, 0, "")
}

// coverDetails lists the firm, date, questionnaire and scoring versions and size band.
func (d *doc) coverDetails() {
	s := d.in.Score
	d.SetXY(marginL, 110)
	d.color(black)
	rows := [][2]string{}
	if d.in.FirmName != "" {
		rows = append(rows, [2]string{d.tr("report.company"), d.in.FirmName})
	}
	rows = append(rows,
		[2]string{d.tr("report.date"), Day(d.lang, d.in.Date)},
		[2]string{d.tr("report.questionnaire"), fmt.Sprintf(d.tr("report.questionnaire_version"), d.t(d.in.Questionnaire.Title), d.in.Questionnaire.Version)},
		[2]string{d.tr("report.scoring_rules"), fmt.Sprintf("%s %d", d.tr("report.scoring_version_word"), s.ScoringVersion)},
		[2]string{d.tr("report.size_band"), locale.Label(d.lang, "label.band.", s.SizeBand)},
	)
	for _, r := range rows {
		d.SetFont(fontName, "", 10)
		d.color(grey)
		d.SetX(marginL)
		d.CellFormat(35, 8, r[0], "", 0, "L", false, 0, "")
		size, lines := d.coverValue(r[1])
		d.SetFont(fontName, "", size)
		d.color(black)
		for i, line := range lines {
			if i > 0 {
				d.SetX(marginL + 35)
			}
			d.CellFormat(contentW-35, 8-float64(len(lines)-1)*1.5, line, "", 1, "L", false, 0, "")
		}
	}
	if d.nameSubstituted {
		d.SetFont(fontName, "", 8)
		d.color(grey)
		d.SetX(marginL + 35)
		d.CellFormat(contentW-35, 5, d.tr("report.name_substituted"), "", 1, "L", false, 0, "")
	}
}

// coverHeadline draws the headline: the overall score and maturity level in a box, and the
// level's description beneath.
func (d *doc) coverHeadline() {
	s := d.in.Score
	y := 170.0
	d.SetFillColor(light[0], light[1], light[2])
	d.Rect(marginL, y, contentW, 48, "F")
	d.SetXY(marginL+8, y+8)
	d.SetFont(fontName, "", 10)
	d.color(grey)
	d.CellFormat(60, 6, d.tr("report.overall_score"), "", 2, "L", false, 0, "")
	d.SetX(marginL + 8)
	d.SetFont(fontName, "", 30)
	d.color(navy)
	d.CellFormat(60, 16, scoreText(s.Overall.Score, d.lang), "", 0, "L", false, 0, "")
	d.SetFont(fontName, "", 10)
	d.color(grey)
	d.SetXY(marginL+80, y+8)
	d.CellFormat(80, 6, d.tr("report.maturity_level"), "", 2, "L", false, 0, "")
	d.SetX(marginL + 80)
	d.SetFont(fontName, "", 20)
	d.color(navy)
	lv := scoring.Levels[s.Overall.Level-1]
	d.CellFormat(90, 16, fmt.Sprintf("%d / 5  %s", lv.Level, d.t(lv.Name)), "", 1, "L", false, 0, "")
	d.SetY(y + 52)
	d.para(d.t(s.Overall.Description), 10, 5.5, 0, black)
}

func (d *doc) summary() {
	d.AddPage()
	s := d.in.Score
	d.heading(d.tr("report.1_summary"))

	lv := scoring.Levels[s.Overall.Level-1]
	d.para(fmt.Sprintf(d.tr("report.your_overall_score_is"),
		scoreText(s.Overall.Score, d.lang), lv.Level, d.t(lv.Name)), 11, 6.5, 0, black)
	d.para(d.t(s.Overall.Description), 10, 5.5, 0, black)
	if s.Overall.Capped {
		d.para(fmt.Sprintf(d.tr("report.essential_practices_score_0"), len(s.Overall.CappedBy), scoring.CapLevel), 9.5, 5.2, 0, orange)
	}
	d.Ln(2)
	d.subheading(d.tr("report.size_band"))
	d.para(d.t(s.Size.Rule), 9.5, 5.2, 0, black)

	d.subheading(d.tr("report.compared_with_firms_of"))
	if b := s.Benchmark; b != nil && b.Source == "peers" && b.Overall != nil && b.Cohort.Firms != nil {
		o := b.Overall
		d.para(fmt.Sprintf(d.tr("report.peer_standing_sentence"), d.t(b.Cohort.Label), b.Cohort.Firms.Label,
			d.tr("report.quarter."+strconv.Itoa(o.Quarter)), o.Median, o.Q1, o.Q3), 10, 5.5, 0, black)
	} else {
		k := scoring.DefaultPeerK
		if b := s.Benchmark; b != nil {
			k = b.K
		}
		d.para(fmt.Sprintf(d.tr("report.fewer_than_firms_like"), k), 10, 5.5, 0, black)
		if b := s.Benchmark; b != nil {
			for _, c := range b.Published[:min(4, len(b.Published))] {
				d.para(d.tr("report.bullet")+d.t(c.Text)+" ["+locale.References(d.lang, c.Source)+"]", 9, 5, 3, black)
			}
		}
	}

	d.subheading(d.tr("report.scores_by_domain"))
	d.domainChart()
}

// barChart is the layout of the domain chart: a label column, then bars from x0 on a 0–100
// scale barW wide, one row of rowH per domain from y down.
type barChart struct {
	labelW, barW, rowH float64
	x0, y              float64
}

// domainChart draws the six domain scores as bars, with the peer median as a tick.
func (d *doc) domainChart() {
	s := d.in.Score
	medians := d.peerMedians()
	c := barChart{labelW: 52.0, barW: contentW - 52 - 16, rowH: 11.0}
	d.ensure(c.rowH*float64(len(s.Domains)) + 22)
	c.x0, c.y = marginL+c.labelW, d.GetY()+2
	d.chartGrid(c, len(s.Domains))
	for i, dom := range s.Domains {
		d.domainBar(c, c.y+c.rowH*float64(i), dom, medians[dom.ID])
	}
	d.SetY(c.y + c.rowH*float64(len(s.Domains)) + 7)
	d.SetFont(fontName, "", 8)
	d.color(grey)
	legend := d.tr("report.your_score_0_100")
	if len(medians) > 0 {
		legend += d.tr("report.median_of_your_peers")
	} else {
		legend += d.tr("report.the_peer_median_appears")
	}
	d.SetX(marginL)
	d.CellFormat(contentW, 5, legend, "", 1, "L", false, 0, "")
}

// peerMedians returns the peers' median score of each domain that has a standing.
func (d *doc) peerMedians() map[string]*float64 {
	medians := map[string]*float64{}
	if b := d.in.Score.Benchmark; b != nil {
		for _, ds := range b.Domains {
			if ds.Standing != nil {
				m := ds.Standing.Median
				medians[ds.ID] = &m
			}
		}
	}
	return medians
}

// chartGrid draws the grid lines at the maturity thresholds, labelled beneath n rows.
func (d *doc) chartGrid(c barChart, n int) {
	d.SetDrawColor(0xD0, 0xD0, 0xD0)
	d.SetLineWidth(0.2)
	d.SetFont(fontName, "", 7)
	d.color(grey)
	for v := 0; v <= 100; v += 20 {
		x := c.x0 + c.barW*float64(v)/100
		d.Line(x, c.y, x, c.y+c.rowH*float64(n))
		d.SetXY(x-5, c.y+c.rowH*float64(n)+0.5)
		d.CellFormat(10, 4, fmt.Sprint(v), "", 0, "C", false, 0, "")
	}
}

// domainBar draws one domain's row at ry: its title, and its score as a bar with the peer
// median (nil when unknown) as a tick, or a note when the score is missing.
func (d *doc) domainBar(c barChart, ry float64, dom scoring.Domain, median *float64) {
	d.SetFont(fontName, "", 8.5)
	d.color(black)
	lines := d.lines(d.t(dom.Title), 8.5, c.labelW-3)
	for j, l := range lines[:min(2, len(lines))] {
		d.SetXY(marginL, ry+1.5+float64(j)*3.8)
		d.CellFormat(c.labelW-3, 3.8, l, "", 0, "L", false, 0, "")
	}
	if dom.Score == nil {
		d.SetXY(c.x0+2, ry+3)
		d.color(grey)
		d.CellFormat(c.barW, 4, d.tr("report.insufficient_coverage_over_40"), "", 0, "L", false, 0, "")
		return
	}
	d.SetFillColor(navy[0], navy[1], navy[2])
	d.Rect(c.x0, ry+2.5, c.barW**dom.Score/100, c.rowH-5, "F")
	d.SetXY(c.x0+c.barW**dom.Score/100+1, ry+2.5)
	d.SetFont(fontName, "", 8.5)
	d.color(navy)
	d.CellFormat(14, c.rowH-5, fmt.Sprintf("%.1f", *dom.Score), "", 0, "L", false, 0, "")
	if median != nil {
		mx := c.x0 + c.barW**median/100
		d.SetDrawColor(orange[0], orange[1], orange[2])
		d.SetLineWidth(0.9)
		d.Line(mx, ry+1, mx, ry+c.rowH-1)
	}
}

// exposurePage draws the exposure profile: the level and its reasons, the critical materials'
// supply concentration and the ties to China.
func (d *doc) exposurePage() {
	d.AddPage()
	e := d.in.Score.Exposure
	d.heading(d.tr("report.2_exposure"))
	d.para(d.tr("report.exposure_is_kept_apart"), 9.5, 5.2, 0, black)
	d.Ln(1)
	d.para(fmt.Sprintf(d.tr("report.overall_exposure"), locale.Label(d.lang, "label.exposure.", e.Level)), 12, 7, 0, navy)
	for _, r := range e.Reasons {
		d.para(d.tr("report.bullet")+d.t(r), 9.5, 5.2, 3, black)
	}
	if len(e.Materials) > 0 {
		d.subheading(d.tr("report.where_your_critical_materials"))
		d.materialTable(e.Materials)
		d.Ln(2)
		d.para(d.tr("report.the_hhi_herfindahl_hirschman"), 8.5, 4.6, 0, grey)
	}
	if e.ChinaProcurement != nil || e.ChinaSales != nil {
		d.subheading(d.tr("report.ties_to_china"))
		if e.ChinaProcurement != nil {
			d.para(fmt.Sprintf(d.tr("report.china_procurement_share"), *e.ChinaProcurement), 10, 5.5, 0, black)
		}
		if e.ChinaSales != nil {
			d.para(fmt.Sprintf(d.tr("report.china_sales_share"), *e.ChinaSales), 10, 5.5, 0, black)
		}
	}
}

// tableColumn is one column of a table: its heading, width and alignment.
type tableColumn struct {
	title string
	w     float64
	align string
}

// materialTable draws the supply concentration of each critical material, one row each.
func (d *doc) materialTable(materials []scoring.Material) {
	cols := []tableColumn{{d.tr("report.material"), 46, "L"}, {d.tr("report.top_country"), 34, "C"}, {d.tr("report.share"), 16, "R"}, {d.tr("report.japan_share"), 16, "R"},
		{"HHI", 18, "R"}, {d.tr("report.concentration"), 24, "C"}, {d.tr("report.china"), 20, "R"}}
	d.tableHeader(cols, 8.5)
	for _, m := range materials {
		share := "—"
		if m.TopCountry != "" {
			share = fmt.Sprintf("%g%%", m.TopShare)
		}
		d.tableRow(cols, []string{d.t(m.Label), m.Supplier(d.lang), share, fmt.Sprintf("%g%%", m.JapanShare), questionnaire.Grouped(m.HHI),
			locale.Label(d.lang, "label.concentration.", m.Concentration), fmt.Sprintf("%g%%", m.ChinaShare)}, 7, "B")
	}
}

// tableHeader draws the headings of a table's columns on a tinted band, at a size.
func (d *doc) tableHeader(cols []tableColumn, size float64) {
	d.SetFont(fontName, "", size)
	d.SetFillColor(light[0], light[1], light[2])
	d.color(navy)
	d.SetX(marginL)
	for _, c := range cols {
		d.CellFormat(c.w, 7, c.title, "B", 0, c.align, true, 0, "")
	}
	d.Ln(-1)
	d.color(black)
}

// tableLineH is the height of a line of text in a table row.
const tableLineH = 4.2

// rowCells returns the lines of each cell of a row of tableRow, and the row's height.
func (d *doc) rowCells(cols []tableColumn, vals []string, minH float64) ([][]string, float64) {
	cells := make([][]string, len(cols))
	rowH := minH
	for i, c := range cols {
		cells[i] = d.lines(vals[i], 8.5, c.w-2)
		rowH = max(rowH, tableLineH*float64(len(cells[i]))+2.6)
	}
	return cells, rowH
}

// tableRow draws one row of a table at 8.5 points, at least minH high, with a border under it
// ("B") or none (""). A text wider than its column wraps within it; the row grows to hold the
// longest.
func (d *doc) tableRow(cols []tableColumn, vals []string, minH float64, border string) {
	cells, rowH := d.rowCells(cols, vals, minH)
	d.ensure(rowH)
	x, y := marginL, d.GetY()
	for i, c := range cols {
		if len(cells[i]) > 1 {
			for j, line := range cells[i] {
				d.SetXY(x, y+1.3+tableLineH*float64(j))
				d.CellFormat(c.w, tableLineH, line, "", 0, c.align, false, 0, "")
			}
			d.SetXY(x, y)
			d.CellFormat(c.w, rowH, "", border, 0, c.align, false, 0, "")
		} else {
			d.SetXY(x, y)
			d.CellFormat(c.w, rowH, vals[i], border, 0, c.align, false, 0, "")
		}
		x += c.w
	}
	d.SetXY(marginL, y+rowH)
}

func (d *doc) firstSteps() {
	d.AddPage()
	d.heading(d.tr("report.3_first_steps"))
	d.para(d.tr("report.what_to_do_first"), 9.5, 5.2, 0, black)
	if len(d.in.Checklist.FirstSteps) == 0 {
		d.para(d.tr("report.no_item_is_open"), 10, 5.5, 0, black)
		return
	}
	for i, it := range d.in.Checklist.FirstSteps {
		d.ensure(30)
		d.Ln(2)
		y := d.GetY()
		d.SetFillColor(navy[0], navy[1], navy[2])
		d.Circle(marginL+4, y+4, 4, "F")
		d.SetTextColor(255, 255, 255)
		d.SetFont(fontName, "", 10)
		d.SetXY(marginL, y+1.5)
		d.CellFormat(8, 5, fmt.Sprint(i+1), "", 0, "C", false, 0, "")
		d.SetXY(marginL+11, y)
		d.SetFont(fontName, "", 12)
		d.color(navy)
		title := d.t(it.Title)
		if it.FindOut {
			title = d.tr("report.find_out_tag") + title
		}
		for _, l := range d.lines(title, 12, contentW-11) {
			d.SetX(marginL + 11)
			d.CellFormat(contentW-11, 6.5, l, "", 1, "L", false, 0, "")
		}
		d.meta(it, 11)
		d.para(d.t(it.Action), 9.5, 5.2, 11, black)
		d.para(d.tr("report.why_now")+d.t(it.Reason), 8.5, 4.6, 11, grey)
		d.para(d.tr("report.done_when")+d.t(it.Evidence), 8.5, 4.6, 11, grey)
	}
}

// meta writes an item's priority, owner, horizon and effort on one line.
func (d *doc) meta(it checklist.ItemResult, indent float64) {
	d.ensure(5)
	d.SetX(marginL + indent)
	d.SetFont(fontName, "", 8.5)
	c := prioC[it.Priority]
	d.SetTextColor(c[0], c[1], c[2])
	p := d.tr("report.priority") + d.t(checklist.PriorityLabel(it.Priority))
	d.CellFormat(d.GetStringWidth(p)+4, 5, p, "", 0, "L", false, 0, "")
	d.color(grey)
	rest := fmt.Sprintf(d.tr("report.owner_horizon_days_effort"),
		d.t(it.OwnerLabel), it.Horizon, locale.Label(d.lang, "label.effort.", it.Effort), d.t(checklist.TierLabel(it.Tier)), d.t(it.AreaLabel))
	d.CellFormat(contentW-indent-d.GetStringWidth(p)-4, 5, rest, "", 1, "L", false, 0, "")
}

func (d *doc) progress() {
	p := d.in.Progress
	d.AddPage()
	d.heading(d.tr("report.4_progress_since_your"))
	d.para(fmt.Sprintf(d.tr("report.your_previous_assessment_submitted"),
		Day(d.lang, p.PreviousSubmittedAt), p.PreviousQuestionnaire, p.PreviousScoringVersion, p.Questionnaire, p.ScoringVersion), 9.5, 5.2, 0, black)
	if p.PreviousScoringVersion != p.ScoringVersion {
		d.para(d.tr("report.the_scoring_rules_changed"), 9, 5, 0, orange)
	}
	d.Ln(2)
	cols := []float64{76, 30, 30, 38}
	d.SetFont(fontName, "", 9)
	d.SetFillColor(light[0], light[1], light[2])
	d.color(navy)
	d.SetX(marginL)
	for i, h := range []string{d.tr("report.domain"), d.tr("report.previous"), d.tr("report.now"), d.tr("report.change")} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		d.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	d.Ln(-1)
	rows := append([]scoring.DomainProgress{{Title: text("report.overall"), Change: p.Overall}}, p.Domains...)
	for _, r := range rows {
		d.SetX(marginL)
		d.color(black)
		d.CellFormat(cols[0], 7, d.t(r.Title), "B", 0, "L", false, 0, "")
		d.CellFormat(cols[1], 7, scoreText(r.Previous, d.lang), "B", 0, "R", false, 0, "")
		d.CellFormat(cols[2], 7, scoreText(r.Current, d.lang), "B", 0, "R", false, 0, "")
		delta := "—"
		if r.Delta != nil {
			delta = fmt.Sprintf("%+.1f", *r.Delta)
			switch {
			case *r.Delta > 0:
				d.SetTextColor(0x3B, 0x8E, 0x4F)
			case *r.Delta < 0:
				d.SetTextColor(0xC0, 0x39, 0x2B)
			}
		}
		d.CellFormat(cols[3], 7, delta, "B", 1, "R", false, 0, "")
	}
	d.Ln(2)
	d.para(fmt.Sprintf(d.tr("report.maturity_change"), p.PreviousLevel, p.Level), 10, 5.5, 0, black)
}

func (d *doc) checklistPages() {
	d.AddPage()
	n := 4
	if d.in.Progress != nil {
		n = 5
	}
	d.heading(fmt.Sprintf(d.tr("report.economic_security_checklist"), n))
	c := d.in.Checklist
	d.para(fmt.Sprintf(d.tr("report.all_items_done_partly"),
		len(c.Items), c.Counts[checklist.StatusDone], c.Counts[checklist.StatusPartial], c.Counts[checklist.StatusTodo], c.Counts[checklist.StatusNA]), 9, 5, 0, black)
	byID := map[string]checklist.ItemResult{}
	for _, it := range c.Items {
		byID[it.ID] = it
	}
	for _, g := range c.Groups {
		d.subheading(d.t(g.Title))
		for _, id := range g.Items {
			d.checklistItem(byID[id])
		}
	}
}

func (d *doc) checklistItem(it checklist.ItemResult) {
	titleLines := d.lines(d.t(it.Title), 10, contentW-30)
	actionLines := d.lines(d.t(it.Action), 8.5, contentW-8)
	need := 5.6*float64(len(titleLines)) + 5 + 4.4*float64(len(actionLines)) + 8
	d.ensure(min(need, 60))
	d.Ln(1.5)
	y := d.GetY()
	// The checkbox, ticked when done.
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.3)
	d.Rect(marginL, y+1, 4, 4, "D")
	if it.Checked {
		d.SetLineWidth(0.6)
		d.Line(marginL+0.8, y+3.2, marginL+1.8, y+4.3)
		d.Line(marginL+1.8, y+4.3, marginL+3.4, y+1.6)
	}
	d.SetFont(fontName, "", 10)
	d.color(black)
	if it.Status == checklist.StatusNA {
		d.color(grey)
	}
	for i, l := range titleLines {
		d.SetXY(marginL+8, y+float64(i)*5.6)
		d.CellFormat(contentW-30, 5.6, l, "", 0, "L", false, 0, "")
	}
	// Status on the right.
	d.SetXY(marginL+contentW-22, y)
	d.SetFont(fontName, "", 8.5)
	d.color(grey)
	st := d.t(checklist.StatusLabel(it.Status))
	if it.FindOut {
		st = d.tr("report.find_out_status")
	}
	d.CellFormat(22, 5.6, st, "", 0, "R", false, 0, "")
	d.SetY(y + 5.6*float64(len(titleLines)))
	if it.Status != checklist.StatusNA && it.Status != checklist.StatusDone {
		d.meta(it, 8)
		for _, l := range actionLines {
			d.ensure(4.4)
			d.SetX(marginL + 8)
			d.SetFont(fontName, "", 8.5)
			d.color(black)
			d.CellFormat(contentW-8, 4.4, l, "", 1, "L", false, 0, "")
		}
	}
	d.para(d.tr("report.references")+locale.References(d.lang, it.References...), 7, 3.8, 8, grey)
}

func (d *doc) methodology() {
	d.AddPage()
	d.heading(d.tr("report.method_and_sources"))
	for _, p := range methodText {
		d.subheading(d.t(p[0]))
		d.para(d.t(p[1]), 9, 5, 0, black)
	}
	d.subheading(d.tr("report.maturity_levels"))
	for _, l := range scoring.Levels {
		d.para(fmt.Sprintf(d.tr("report.level_overall_score_from"), l.Level, d.t(l.Name), l.From, d.t(l.Description)), 8.5, 4.6, 0, black)
	}
	d.subheading(d.tr("report.surveys_and_laws_this"))
	var sources []string
	for _, q := range d.in.Questionnaire.Questions() {
		for _, s := range q.Sources {
			if !slices.Contains(sources, s) {
				sources = append(sources, s)
			}
		}
	}
	slices.Sort(sources)
	d.para(strings.Join(sources, "; "), 8, 4.4, 0, black)
	d.para(d.tr("report.the_survey_figures_follow"), 8, 4.4, 0, grey)
}

var methodText = [][2]questionnaire.Text{
	{text("report.method_scores_by_domain"), text("report.method_practice_questions_are_answered")},
	{text("report.method_maturity_level"), text("report.method_the_level_1_to")},
	{text("report.method_size_band"), text("report.method_small_scale_sme_or")},
	{text("report.method_benchmark"), text("report.method_among_firms_that_submitted")},
	{text("report.method_checklist"), text("report.method_each_item_s_status")},
}

func scoreText(v *float64, lang string) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *v)
}
