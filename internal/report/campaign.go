package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// CampaignInput is what the campaign report shows: a chamber's survey of its member firms, as
// aggregate tables already labelled in one language, and its response figures. The report
// package knows nothing of campaigns (internal/campaign builds this, and imports report); the
// renderer fetches nothing itself. A nil number is a suppressed cell and prints as "—".
type CampaignInput struct {
	Lang    string
	Title   string // the campaign's title in Lang
	Chamber string // the chamber's name in Lang
	Opens   time.Time
	Closes  time.Time // answers were accepted until this moment; midnight reads as the day before
	Date    time.Time // when the report was made
	K       int       // the fewest firms a shown cell counts
	Turnout Turnout
	N       int            // firms in the tables
	Filter  CampaignFilter // the one group the tables are restricted to; zero for all firms
	Scores  []ScoreSummary // the overall score first, then each domain
	// Sections hold the questions' tables in the questionnaire's order.
	Sections []CampaignSection
}

// Turnout is how many firms answered, for the whole campaign whatever the filter.
type Turnout struct {
	Invited   int      // firms invited by their own link
	Submitted int      // invited firms that submitted
	Rate      *float64 // percent of invited firms that submitted; nil without invitations
	Open      int      // firms that submitted through the open link, outside the rate
}

// CampaignFilter names, labelled, the group the tables are restricted to: its dimension
// ("Sector") and the group ("Manufacturing").
type CampaignFilter struct{ Dimension, Group string }

// ScoreSummary is the distribution of one score by group: all firms first, then each size band.
type ScoreSummary struct {
	Label  string
	Groups []ScoreGroup
}

// ScoreGroup summarises one group's scores; each nil is suppressed.
type ScoreGroup struct {
	Label                string
	N                    *int
	Mean, Q1, Median, Q3 *float64
}

// CampaignSection is a section of the questionnaire and the tables of its questions.
type CampaignSection struct {
	Title     string
	Questions []QuestionTable
}

// QuestionTable is the share of firms giving each answer to one question, by group: all firms
// first, then each size band.
type QuestionTable struct {
	Text    string
	Multi   bool     // several answers allowed: a group's shares add up to more than 100
	Answers []string // the answers' labels
	Groups  []GroupShares
}

// GroupShares is one group's row of a question: the firms that answered it and the percent of
// them giving each answer (in the order of QuestionTable.Answers).
type GroupShares struct {
	Label    string
	Answered *int
	Shares   []*float64
}

// campaignDoc draws the campaign report on the typography of the action report.
type campaignDoc struct {
	*doc
	in CampaignInput
	// substituted: the title or the chamber's name has characters the font lacks.
	substituted bool
	// number is the number of the last question drawn.
	number int
}

// CampaignReport writes the campaign report: a cover, the survey's method, the score summary,
// and each question's table of shares by group with a bar chart of all firms' shares. A panic
// of the renderer comes back as an error, never as a crash of the caller.
func CampaignReport(w io.Writer, in CampaignInput) (err error) {
	defer recovered(&err)
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	var t, c bool
	in.Title, t = PrintableName(in.Title)
	in.Chamber, c = PrintableName(in.Chamber)
	base, err := newDoc(in.Lang, in.Title, in.Date)
	if err != nil {
		return err
	}
	d := &campaignDoc{doc: base, in: in, substituted: t || c}
	d.SetHeaderFunc(d.header)
	d.SetFooterFunc(func() { d.pageFooter(d.tr("report.campaign.footer")) })
	d.cover()
	d.method()
	if in.N < in.K {
		d.AddPage()
		d.heading(d.tr("report.campaign.results"))
		d.para(fmt.Sprintf(d.tr("report.campaign.too_few"), in.K), 10, 5.5, 0, black)
		return d.output(w)
	}
	d.scores()
	d.results()
	return d.output(w)
}

func (d *campaignDoc) header() {
	if d.PageNo() == 1 {
		return
	}
	d.SetFont(fontName, "", 8)
	d.color(grey)
	d.SetXY(marginL, 10)
	left := d.in.Title
	if d.in.Chamber != "" {
		left += " — " + d.in.Chamber
	}
	if d.in.Filter.Group != "" {
		left = fmt.Sprintf(d.tr("report.campaign.header_filter"), left, d.filter())
	}
	d.CellFormat(contentW*0.75, 5, d.fit(left, contentW*0.75-2), "", 0, "L", false, 0, "")
	d.CellFormat(contentW*0.25, 5, Day(d.lang, d.in.Date), "", 1, "R", false, 0, "")
	d.SetY(marginTop)
}

// filter is the filter's label, "Sector: Manufacturing".
func (d *campaignDoc) filter() string {
	return fmt.Sprintf(d.tr("report.campaign.filter_value"), d.in.Filter.Dimension, d.in.Filter.Group)
}

// period is the survey's first and last day in Japan.
func (d *campaignDoc) period() string {
	closes := d.in.Closes.In(Japan)
	if closes.Equal(time.Date(closes.Year(), closes.Month(), closes.Day(), 0, 0, 0, 0, Japan)) {
		closes = closes.Add(-time.Second) // closing at midnight: the last day is the day before
	}
	return fmt.Sprintf(d.tr("report.campaign.period_range"), Day(d.lang, d.in.Opens), Day(d.lang, closes))
}

// cover draws the title page: the title on a navy band, the survey's details and its turnout.
func (d *campaignDoc) cover() {
	d.AddPage()
	d.SetFillColor(navy[0], navy[1], navy[2])
	d.Rect(0, 0, pageW, 95, "F")
	d.SetTextColor(255, 255, 255)
	d.SetFont(fontName, "", 11)
	d.SetXY(marginL, 24)
	d.CellFormat(contentW, 6, d.tr("report.campaign.kicker"), "", 1, "L", false, 0, "")
	title := d.lines(d.in.Title, 22, contentW)
	if len(title) > 3 {
		title = append(title[:2], d.fit(strings.Join(title[2:], ""), contentW))
	}
	d.SetY(33)
	for _, l := range title {
		d.SetX(marginL)
		d.CellFormat(contentW, 11, l, "", 1, "L", false, 0, "")
	}
	d.SetFont(fontName, "", 13)
	d.SetXY(marginL, d.GetY()+2)
	d.CellFormat(contentW, 8, d.tr("report.campaign.report_title"), "", 1, "L", false, 0, "")
	d.coverDetails()
	d.coverTurnout()
	d.SetY(252)
	d.para(fmt.Sprintf(d.tr("report.campaign.cover_note"), d.in.K), 8.5, 4.5, 0, grey)
}

// coverDetails lists the chamber, the survey period, the filter and the report's date.
func (d *campaignDoc) coverDetails() {
	rows := [][2]string{{d.tr("report.campaign.chamber"), d.in.Chamber}, {d.tr("report.campaign.period"), d.period()}}
	if d.in.Filter.Group != "" {
		rows = append(rows, [2]string{d.tr("report.campaign.filter"), d.filter()})
	}
	rows = append(rows, [2]string{d.tr("report.campaign.date"), Day(d.lang, d.in.Date)})
	d.SetY(108)
	for _, r := range rows {
		y := d.GetY()
		d.SetFont(fontName, "", 10)
		d.color(grey)
		d.SetXY(marginL, y)
		d.CellFormat(38, 7, r[0], "", 0, "L", false, 0, "")
		d.color(black)
		for i, l := range d.lines(r[1], 11, contentW-38) {
			d.SetXY(marginL+38, y+float64(i)*6)
			d.CellFormat(contentW-38, 7, l, "", 1, "L", false, 0, "")
		}
		d.SetY(d.GetY() + 1)
	}
	if d.substituted {
		d.para(d.tr("report.campaign.name_substituted"), 8, 4.2, 38, grey)
	}
}

// coverTurnout draws the firms in the tables and the response rate, large, in a tinted box.
func (d *campaignDoc) coverTurnout() {
	t, y := d.in.Turnout, 175.0
	d.SetFillColor(light[0], light[1], light[2])
	d.Rect(marginL, y, contentW, 56, "F")
	rate := "—"
	if t.Rate != nil {
		rate = fmt.Sprintf("%.1f%%", *t.Rate)
	}
	figures := [][2]string{
		{d.tr("report.campaign.respondents"), fmt.Sprintf(d.tr("report.campaign.firms"), d.in.N)},
		{d.tr("report.campaign.response_rate"), rate},
	}
	for i, f := range figures {
		x := marginL + 8 + float64(i)*contentW/2
		d.SetXY(x, y+7)
		d.SetFont(fontName, "", 10)
		d.color(grey)
		d.CellFormat(contentW/2-12, 6, f[0], "", 2, "L", false, 0, "")
		d.SetX(x)
		d.SetFont(fontName, "", 28)
		d.color(navy)
		d.CellFormat(contentW/2-12, 16, f[1], "", 0, "L", false, 0, "")
	}
	d.SetY(y + 33)
	detail := d.tr("report.campaign.no_invitations")
	if t.Rate != nil {
		detail = fmt.Sprintf(d.tr("report.campaign.response_detail"), t.Invited, t.Submitted)
	}
	d.para(detail, 9, 5, 8, black)
	d.para(fmt.Sprintf(d.tr("report.campaign.open_link"), t.Open), 9, 5, 8, black)
	if d.in.Filter.Group != "" {
		d.para(d.tr("report.campaign.turnout_whole"), 8, 4.5, 8, grey)
	}
}

// method draws the page on how the survey was done and how its tables protect the firms.
func (d *campaignDoc) method() {
	d.AddPage()
	d.heading(d.tr("report.campaign.method"))
	paras := [][2]string{
		{d.tr("report.campaign.method_who"), fmt.Sprintf(d.tr("report.campaign.method_who_text"), d.in.Chamber, d.period())},
		{d.tr("report.campaign.method_rate"), d.tr("report.campaign.method_rate_text")},
		{d.tr("report.campaign.method_size"), d.tr("report.campaign.method_size_text")},
		{d.tr("report.campaign.method_suppression"), fmt.Sprintf(d.tr("report.campaign.method_suppression_text"), d.in.K)},
		{d.tr("report.campaign.method_individual"), d.tr("report.campaign.method_individual_text")},
		{d.tr("report.campaign.method_reading"), d.tr("report.campaign.method_reading_text")},
	}
	for _, p := range paras {
		d.subheading(p[0])
		d.para(p[1], 9.5, 5.3, 0, black)
		d.Ln(1)
	}
}

// scores draws the score summary: a chart of all firms' scores, then the table by group.
func (d *campaignDoc) scores() {
	d.AddPage()
	d.heading(d.tr("report.campaign.scores"))
	d.para(d.tr("report.campaign.scores_text"), 9.5, 5.3, 0, black)
	d.Ln(2)
	d.scoreChart()
	d.Ln(4)
	d.scoreTable()
}

// scoreChart draws each score of all firms: a bar to the mean, and over it a line across the
// quartiles with a dot at the median.
func (d *campaignDoc) scoreChart() {
	s := d.in.Scores
	c := barChart{labelW: 52, barW: contentW - 52 - 16, rowH: 8}
	d.ensure(c.rowH*float64(len(s)) + 16)
	c.x0, c.y = marginL+c.labelW, d.GetY()+2
	d.chartGrid(c, len(s))
	for i, sc := range s {
		d.scoreBar(c, c.y+c.rowH*float64(i), sc)
	}
	d.SetY(c.y + c.rowH*float64(len(s)) + 6)
	d.para(d.tr("report.campaign.score_legend"), 8, 4.4, 0, grey)
}

func (d *campaignDoc) scoreBar(c barChart, ry float64, s ScoreSummary) {
	d.color(black)
	lines := d.lines(s.Label, 8.5, c.labelW-3)
	lines = lines[:min(2, len(lines))]
	for j, l := range lines {
		d.SetXY(marginL, ry+(c.rowH-3.6*float64(len(lines)))/2+3.6*float64(j))
		d.CellFormat(c.labelW-3, 3.6, l, "", 0, "L", false, 0, "")
	}
	var all ScoreGroup
	if len(s.Groups) > 0 {
		all = s.Groups[0]
	}
	x := func(v float64) float64 { return c.x0 + c.barW*v/100 }
	d.SetXY(c.x0+c.barW+1, ry+2)
	if all.Mean == nil {
		d.color(grey)
		d.CellFormat(14, c.rowH-4, "—", "", 0, "L", false, 0, "")
		return
	}
	d.SetFillColor(0x8F, 0xA9, 0xD6)
	d.Rect(c.x0, ry+2, x(*all.Mean)-c.x0, c.rowH-4, "F")
	d.color(navy)
	d.CellFormat(14, c.rowH-4, fmt.Sprintf("%.1f", *all.Mean), "", 0, "L", false, 0, "")
	mid := ry + c.rowH/2
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.6)
	if all.Q1 != nil && all.Q3 != nil {
		d.Line(x(*all.Q1), mid, x(*all.Q3), mid)
		d.Line(x(*all.Q1), mid-1.5, x(*all.Q1), mid+1.5)
		d.Line(x(*all.Q3), mid-1.5, x(*all.Q3), mid+1.5)
	}
	if all.Median != nil {
		d.SetFillColor(orange[0], orange[1], orange[2])
		d.Circle(x(*all.Median), mid, 1.2, "F")
	}
}

// scoreTable draws each score's n, mean and quartiles, a block of rows per score, one row per
// group. A block that does not fit on the page starts a new one, under the headings again.
func (d *campaignDoc) scoreTable() {
	cols := []tableColumn{{d.tr("report.campaign.score"), 46, "L"}, {d.tr("report.campaign.group"), 56, "L"}, {"n", 12, "R"},
		{d.tr("report.campaign.mean"), 15, "R"}, {d.tr("report.campaign.q1"), 15, "R"}, {d.tr("report.campaign.median"), 15, "R"},
		{d.tr("report.campaign.q3"), 15, "R"}}
	d.ensure(7 + 5.6*3)
	d.tableHeader(cols, 8.5)
	hidden := false
	for _, s := range d.in.Scores {
		rows, h := make([][]string, len(s.Groups)), 0.0
		for i, g := range s.Groups {
			rows[i] = []string{"", g.Label, count(g.N), score(g.Mean), score(g.Q1), score(g.Median), score(g.Q3)}
			if i == 0 {
				rows[i][0] = s.Label
			}
			_, rh := d.rowCells(cols, rows[i], 5.6)
			h += rh
			hidden = hidden || g.N == nil || g.Mean == nil
		}
		if d.GetY()+h > bottomLimit {
			d.AddPage()
			d.tableHeader(cols, 8.5)
		}
		for i, r := range rows {
			border := ""
			if i == len(rows)-1 {
				border = "B"
			}
			d.tableRow(cols, r, 5.6, border)
		}
	}
	if hidden {
		d.Ln(1)
		d.para(fmt.Sprintf(d.tr("report.campaign.suppressed_note"), d.in.K), 8, 4.4, 0, grey)
	}
}

func count(n *int) string {
	if n == nil {
		return "—"
	}
	return fmt.Sprint(*n)
}

func score(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *v)
}

func percent(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *v)
}

// results draws each section's questions.
func (d *campaignDoc) results() {
	d.AddPage()
	d.heading(d.tr("report.campaign.results"))
	d.para(d.tr("report.campaign.results_text"), 9.5, 5.3, 0, black)
	for _, s := range d.in.Sections {
		if len(s.Questions) == 0 {
			continue
		}
		d.ensure(60)
		d.Ln(2)
		d.subheading(s.Title)
		for _, q := range s.Questions {
			d.question(q)
		}
	}
}

// barScale is the part of the bar column that 100% spans, leaving a margin before the shares.
const barScale = 0.92

// shareLayout is the layout of a question's table: the answers' column, the bar of all firms'
// share, then a column of shares per group.
type shareLayout struct {
	answerW, barW, groupW float64
}

func (d *campaignDoc) layout(q QuestionTable) shareLayout {
	l := shareLayout{answerW: 68, barW: 46}
	l.groupW = (contentW - l.answerW - l.barW) / float64(max(1, len(q.Groups)))
	return l
}

// question draws one question: its text, a row per answer with a bar of all firms' share and
// each group's share, and the notes the table needs. Answers no firm chose are listed beneath,
// not drawn as rows of zeros.
func (d *campaignDoc) question(q QuestionTable) {
	d.number++
	title := d.lines(fmt.Sprintf(d.tr("report.campaign.question_no"), d.number)+q.Text, 9.5, contentW)
	d.ensure(5.2*float64(len(title)) + 30)
	d.Ln(3)
	for _, l := range title {
		d.SetX(marginL)
		d.color(navy)
		d.CellFormat(contentW, 5.2, l, "", 1, "L", false, 0, "")
	}
	switch {
	case len(q.Groups) == 0 || q.Groups[0].Answered != nil && *q.Groups[0].Answered == 0:
		d.para(d.tr("report.campaign.no_answers"), 8.5, 4.6, 0, grey)
		return
	case allWithheld(q):
		d.para(fmt.Sprintf(d.tr("report.campaign.all_withheld"), d.in.K), 8.5, 4.6, 0, grey)
		return
	}
	l := d.layout(q)
	d.shareHeader(q, l)
	var none []string
	hidden := false
	for i, a := range q.Answers {
		if all := q.Groups[0].Shares[i]; all != nil && *all == 0 {
			none = append(none, a)
			continue
		}
		hidden = d.shareRow(q, l, i) || hidden
	}
	for _, g := range q.Groups {
		hidden = hidden || g.Answered == nil
	}
	d.questionNotes(q, none, hidden)
}

// allWithheld reports a table whose every share is withheld: it would be rows of "—" only.
func allWithheld(q QuestionTable) bool {
	for _, g := range q.Groups {
		for _, s := range g.Shares {
			if s != nil {
				return false
			}
		}
	}
	return true
}

// questionNotes writes beneath a table that several answers were allowed, the answers no firm
// chose, and what "—" means when the table shows one.
func (d *campaignDoc) questionNotes(q QuestionTable, none []string, hidden bool) {
	d.Ln(0.8)
	if q.Multi {
		d.para(d.tr("report.campaign.multi"), 7.5, 3.9, 0, grey)
	}
	if len(none) > 0 {
		d.para(fmt.Sprintf(d.tr("report.campaign.none_chose"), strings.Join(none, d.tr("report.campaign.list_separator"))), 7.5, 3.9, 0, grey)
	}
	if hidden {
		d.para(fmt.Sprintf(d.tr("report.campaign.suppressed_note"), d.in.K), 7.5, 3.9, 0, grey)
	}
}

// shareHeader draws the headings of a question's table: the answer, the bar's scale, and each
// group with its firms answering.
func (d *campaignDoc) shareHeader(q QuestionTable, l shareLayout) {
	heads := make([][]string, len(q.Groups))
	rows := 1
	for i, g := range q.Groups {
		heads[i] = append(d.lines(g.Label, 7.5, l.groupW-2), fmt.Sprintf(d.tr("report.campaign.n"), count(g.Answered)))
		rows = max(rows, len(heads[i]))
	}
	h := 3.4*float64(rows) + 2
	d.ensure(h + 6)
	y := d.GetY()
	d.SetFillColor(light[0], light[1], light[2])
	d.Rect(marginL, y, contentW, h, "F")
	d.SetFont(fontName, "", 7.5)
	d.color(navy)
	d.SetXY(marginL+1, y+h-4.4)
	d.CellFormat(l.answerW-1, 3.4, d.tr("report.campaign.answer"), "", 0, "L", false, 0, "")
	d.SetXY(marginL+l.answerW, y+h-7.8)
	d.CellFormat(l.barW, 3.4, d.tr("report.campaign.share_all"), "", 0, "L", false, 0, "")
	d.color(grey)
	for _, v := range []float64{0, 50, 100} {
		d.SetXY(marginL+l.answerW+l.barW*v/100*barScale-5, y+h-4.4)
		d.CellFormat(10, 3.4, fmt.Sprint(v), "", 0, "C", false, 0, "")
	}
	d.color(navy)
	for i, lines := range heads {
		x := marginL + l.answerW + l.barW + float64(i)*l.groupW
		top := y + 1 + 3.4*float64(rows-len(lines))
		for j, s := range lines {
			d.SetXY(x, top+3.4*float64(j))
			d.CellFormat(l.groupW-1, 3.4, s, "", 0, "R", false, 0, "")
		}
	}
	d.SetY(y + h)
}

// shareRow draws answer i: its label, a bar of all firms' share (none when suppressed), and each
// group's share. It reports whether a share was suppressed. A row that does not fit on the page
// starts a new one, under the headings again.
func (d *campaignDoc) shareRow(q QuestionTable, l shareLayout, i int) bool {
	label := d.lines(q.Answers[i], 8, l.answerW-3)
	h := max(5.4, 3.7*float64(len(label))+1.7)
	if d.GetY()+h > bottomLimit {
		d.AddPage()
		d.SetFont(fontName, "", 9.5)
		d.color(navy)
		d.SetX(marginL)
		d.CellFormat(contentW, 6, fmt.Sprintf(d.tr("report.campaign.continued"), d.number), "", 1, "L", false, 0, "")
		d.shareHeader(q, l)
	}
	y := d.GetY()
	d.color(black)
	for j, s := range label {
		d.SetXY(marginL+1, y+0.85+3.7*float64(j))
		d.CellFormat(l.answerW-3, 3.7, s, "", 0, "L", false, 0, "")
	}
	bx := marginL + l.answerW
	d.SetDrawColor(0xDD, 0xDD, 0xDD)
	d.SetLineWidth(0.15)
	for _, v := range []float64{0, 50, 100} {
		d.Line(bx+l.barW*v/100*barScale, y, bx+l.barW*v/100*barScale, y+h)
	}
	if all := q.Groups[0].Shares[i]; all != nil {
		d.SetFillColor(navy[0], navy[1], navy[2])
		d.Rect(bx, y+h/2-1.5, l.barW*barScale**all/100, 3, "F")
	}
	hidden := false
	for k, g := range q.Groups {
		d.SetXY(bx+l.barW+float64(k)*l.groupW, y)
		d.color(black)
		if g.Shares[i] == nil {
			d.color(grey)
			hidden = true
		}
		d.CellFormat(l.groupW-1, h, percent(g.Shares[i]), "", 0, "R", false, 0, "")
	}
	d.SetDrawColor(0xCC, 0xCC, 0xCC)
	d.Line(marginL, y+h, marginL+contentW, y+h)
	d.SetY(y + h)
	return hidden
}
