package report

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/esready/esready/internal/checklist"
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
}

func (d *doc) t(x questionnaire.Text) string { return x.In(d.lang) }

func (d *doc) pick(ja, en string) string {
	if d.lang == "en" {
		return en
	}
	return ja
}

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

// PDF writes the action report.
func PDF(w io.Writer, in Input) error {
	if in.Lang != "en" {
		in.Lang = "ja"
	}
	f := gofpdf.New("P", "mm", "A4", "")
	d := &doc{Fpdf: f, lang: in.Lang, in: in}
	f.AddUTF8FontFromBytes(fontName, "", ipaexGothic)
	if err := f.Error(); err != nil {
		return fmt.Errorf("report: font: %w", err)
	}
	f.SetCreationDate(in.Date)
	f.SetModificationDate(in.Date)
	f.SetCatalogSort(true)
	f.SetProducer("esready", true)
	f.SetTitle(d.pick("経済安全保障 対応力レポート", "Economic-Security Readiness Report"), true)
	f.SetMargins(marginL, marginTop, marginR)
	f.SetAutoPageBreak(false, 0)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(d.footer)
	f.SetHeaderFunc(d.header)

	d.cover()
	d.summary()
	d.exposurePage()
	d.firstSteps()
	if in.Progress != nil {
		d.progress()
	}
	d.checklistPages()
	d.methodology()
	if err := f.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return f.Output(w)
}

func (d *doc) header() {
	if d.PageNo() == 1 {
		return
	}
	d.SetFont(fontName, "", 8)
	d.color(grey)
	d.SetXY(marginL, 10)
	left := d.pick("経済安全保障 対応力レポート", "Economic-Security Readiness Report")
	if d.in.FirmName != "" {
		left += " — " + d.in.FirmName
	}
	d.CellFormat(contentW/2, 5, left, "", 0, "L", false, 0, "")
	d.CellFormat(contentW/2, 5, d.in.Date.Format("2006-01-02"), "", 1, "R", false, 0, "")
	d.SetY(marginTop)
}

func (d *doc) footer() {
	d.SetDrawColor(0xBF, 0xBF, 0xBF)
	d.SetLineWidth(0.2)
	d.Line(marginL, footerY-2, marginL+contentW, footerY-2)
	d.SetFont(fontName, "", 7.5)
	d.color(grey)
	d.SetXY(marginL, footerY)
	d.CellFormat(contentW-25, 4, d.pick(
		"機密 — 本レポートには貴社の経済安全保障上の課題が含まれます。社外への開示は慎重に行ってください。",
		"Confidential — this report describes your company's economic-security weaknesses. Share it with care."), "", 0, "L", false, 0, "")
	d.CellFormat(25, 4, fmt.Sprintf("%d / {nb}", d.PageNo()), "", 0, "R", false, 0, "")
}

func (d *doc) cover() {
	d.AddPage()
	s := d.in.Score
	d.SetFillColor(navy[0], navy[1], navy[2])
	d.Rect(0, 0, pageW, 95, "F")
	d.SetTextColor(255, 255, 255)
	d.SetFont(fontName, "", 11)
	d.SetXY(marginL, 28)
	d.CellFormat(contentW, 6, d.pick("経済安全保障 セルフアセスメント", "Economic-security self-assessment"), "", 1, "L", false, 0, "")
	d.SetFont(fontName, "", 24)
	d.SetX(marginL)
	d.CellFormat(contentW, 14, d.pick("経済安全保障 対応力レポート", "Economic-Security Readiness Report"), "", 1, "L", false, 0, "")
	d.SetFont(fontName, "", 11)
	d.SetX(marginL)
	d.CellFormat(contentW, 7, d.pick("現状の評価、同規模企業との比較、優先して取り組む事項", "Where you stand, how you compare with firms of your size, and what to do first"), "", 1, "L", false, 0, "")

	d.SetXY(marginL, 110)
	d.color(black)
	rows := [][2]string{}
	if d.in.FirmName != "" {
		rows = append(rows, [2]string{d.pick("企業名", "Company"), d.in.FirmName})
	}
	rows = append(rows,
		[2]string{d.pick("作成日", "Date"), d.in.Date.Format("2006-01-02")},
		[2]string{d.pick("調査票", "Questionnaire"), fmt.Sprintf(d.pick("%s（第%d版）", "%s (version %d)"), d.t(d.in.Questionnaire.Title), d.in.Questionnaire.Version)},
		[2]string{d.pick("採点方式", "Scoring rules"), fmt.Sprintf("%s %d", d.pick("バージョン", "version"), s.ScoringVersion)},
		[2]string{d.pick("企業規模", "Size band"), d.t(bandNames[s.SizeBand])},
	)
	for _, r := range rows {
		d.SetFont(fontName, "", 10)
		d.color(grey)
		d.SetX(marginL)
		d.CellFormat(35, 8, r[0], "", 0, "L", false, 0, "")
		d.SetFont(fontName, "", 12)
		d.color(black)
		d.CellFormat(contentW-35, 8, r[1], "", 1, "L", false, 0, "")
	}

	// The headline: overall score and maturity level.
	y := 170.0
	d.SetFillColor(light[0], light[1], light[2])
	d.Rect(marginL, y, contentW, 48, "F")
	d.SetXY(marginL+8, y+8)
	d.SetFont(fontName, "", 10)
	d.color(grey)
	d.CellFormat(60, 6, d.pick("総合スコア", "Overall score"), "", 2, "L", false, 0, "")
	d.SetX(marginL + 8)
	d.SetFont(fontName, "", 30)
	d.color(navy)
	d.CellFormat(60, 16, scoreText(s.Overall.Score, d.lang), "", 0, "L", false, 0, "")
	d.SetFont(fontName, "", 10)
	d.color(grey)
	d.SetXY(marginL+80, y+8)
	d.CellFormat(80, 6, d.pick("成熟度レベル", "Maturity level"), "", 2, "L", false, 0, "")
	d.SetX(marginL + 80)
	d.SetFont(fontName, "", 20)
	d.color(navy)
	lv := scoring.Levels[s.Overall.Level-1]
	d.CellFormat(90, 16, fmt.Sprintf("%d / 5  %s", lv.Level, d.t(lv.Name)), "", 1, "L", false, 0, "")
	d.SetY(y + 52)
	d.para(d.t(s.Overall.Description), 10, 5.5, 0, black)

	d.SetY(250)
	d.para(d.pick(
		"このレポートは、貴社が回答した調査票の内容だけから作成されています。回答は機密情報として扱われ、商工会議所等の集計では個社が特定されない形でのみ利用されます。",
		"This report is based solely on your answers to the questionnaire. Your answers are confidential; chambers of commerce see them only in aggregates that identify no single firm."), 8.5, 4.5, 0, grey)
}

func (d *doc) summary() {
	d.AddPage()
	s := d.in.Score
	d.heading(d.pick("1. 結果の概要", "1. Summary"))

	lv := scoring.Levels[s.Overall.Level-1]
	d.para(fmt.Sprintf(d.pick("総合スコアは %s、成熟度はレベル%d「%s」です。", "Your overall score is %s: maturity level %d, %s."),
		scoreText(s.Overall.Score, d.lang), lv.Level, d.t(lv.Name)), 11, 6.5, 0, black)
	d.para(d.t(s.Overall.Description), 10, 5.5, 0, black)
	if s.Overall.Capped {
		d.para(fmt.Sprintf(d.pick("必須の取組のうち %d 項目が0点のため、レベルは%dまでとしています。",
			"%d essential practices score 0, so the level is held at %d."), len(s.Overall.CappedBy), scoring.CapLevel), 9.5, 5.2, 0, orange)
	}
	d.Ln(2)
	d.subheading(d.pick("企業規模", "Size band"))
	d.para(d.t(s.Size.Rule), 9.5, 5.2, 0, black)

	d.subheading(d.pick("同規模企業との比較", "Compared with firms of your size"))
	if b := s.Benchmark; b != nil && b.Source == "peers" && b.Overall != nil {
		d.para(fmt.Sprintf(d.pick(
			"比較対象は%s %d社です。貴社の総合スコアは、このうち %.0f%% の企業を上回っています（中央値 %.1f、四分位 %.1f〜%.1f）。",
			"Compared with %s (%d firms), your overall score is above %.0f%% of them (median %.1f, quartiles %.1f–%.1f)."),
			d.t(b.Cohort.Label), b.Cohort.N, b.Overall.Percentile, b.Overall.Median, b.Overall.Q1, b.Overall.Q3), 10, 5.5, 0, black)
	} else {
		k := scoring.DefaultPeerK
		if b := s.Benchmark; b != nil {
			k = b.K
		}
		d.para(fmt.Sprintf(d.pick(
			"同じ規模・業種で回答した企業がまだ%d社に満たないため、公表されている調査結果と比べています。",
			"Fewer than %d firms like yours have answered so far, so you are compared with published survey results."), k), 10, 5.5, 0, black)
		if b := s.Benchmark; b != nil {
			for _, c := range b.Published[:min(4, len(b.Published))] {
				d.para("・"+d.t(c.Text)+" ["+c.Source+"]", 9, 5, 3, black)
			}
		}
	}

	d.subheading(d.pick("分野別スコア", "Scores by domain"))
	d.domainChart()
}

// domainChart draws the six domain scores as bars, with the peer median as a tick.
func (d *doc) domainChart() {
	s := d.in.Score
	medians := map[string]*float64{}
	if b := s.Benchmark; b != nil {
		for _, ds := range b.Domains {
			if ds.Standing != nil {
				m := ds.Standing.Median
				medians[ds.ID] = &m
			}
		}
	}
	labelW, barW, rowH := 52.0, contentW-52-16, 11.0
	d.ensure(rowH*float64(len(s.Domains)) + 22)
	x0, y := marginL+labelW, d.GetY()+2
	// Grid at the maturity thresholds.
	d.SetDrawColor(0xD0, 0xD0, 0xD0)
	d.SetLineWidth(0.2)
	d.SetFont(fontName, "", 7)
	d.color(grey)
	for v := 0; v <= 100; v += 20 {
		x := x0 + barW*float64(v)/100
		d.Line(x, y, x, y+rowH*float64(len(s.Domains)))
		d.SetXY(x-5, y+rowH*float64(len(s.Domains))+0.5)
		d.CellFormat(10, 4, fmt.Sprint(v), "", 0, "C", false, 0, "")
	}
	for i, dom := range s.Domains {
		ry := y + rowH*float64(i)
		d.SetFont(fontName, "", 8.5)
		d.color(black)
		lines := d.lines(d.t(dom.Title), 8.5, labelW-3)
		for j, l := range lines[:min(2, len(lines))] {
			d.SetXY(marginL, ry+1.5+float64(j)*3.8)
			d.CellFormat(labelW-3, 3.8, l, "", 0, "L", false, 0, "")
		}
		if dom.Score == nil {
			d.SetXY(x0+2, ry+3)
			d.color(grey)
			d.CellFormat(barW, 4, d.pick("回答対象が不足（40%超が該当なし）", "insufficient coverage (over 40% not applicable)"), "", 0, "L", false, 0, "")
			continue
		}
		d.SetFillColor(navy[0], navy[1], navy[2])
		d.Rect(x0, ry+2.5, barW**dom.Score/100, rowH-5, "F")
		d.SetXY(x0+barW**dom.Score/100+1, ry+2.5)
		d.SetFont(fontName, "", 8.5)
		d.color(navy)
		d.CellFormat(14, rowH-5, fmt.Sprintf("%.1f", *dom.Score), "", 0, "L", false, 0, "")
		if m := medians[dom.ID]; m != nil {
			mx := x0 + barW**m/100
			d.SetDrawColor(orange[0], orange[1], orange[2])
			d.SetLineWidth(0.9)
			d.Line(mx, ry+1, mx, ry+rowH-1)
		}
	}
	d.SetY(y + rowH*float64(len(s.Domains)) + 7)
	d.SetFont(fontName, "", 8)
	d.color(grey)
	legend := d.pick("■ 貴社のスコア（0〜100）", "■ Your score (0–100)")
	if len(medians) > 0 {
		legend += d.pick("　｜ 比較対象企業の中央値", "   | median of your peers")
	} else {
		legend += d.pick("　（比較できる企業が集まると、中央値を表示します）", "   (the peer median appears once enough peers have answered)")
	}
	d.SetX(marginL)
	d.CellFormat(contentW, 5, legend, "", 1, "L", false, 0, "")
}

func (d *doc) exposurePage() {
	d.AddPage()
	e := d.in.Score.Exposure
	d.heading(d.pick("2. リスクの大きさ（エクスポージャー）", "2. Exposure"))
	d.para(d.pick(
		"エクスポージャーは、備えの度合い（スコア）とは別に、貴社が経済安全保障上の措置からどれだけ影響を受けやすいかを示します。",
		"Exposure is kept apart from readiness: it shows how strongly economic-security measures can affect your business, however well prepared you are."), 9.5, 5.2, 0, black)
	d.Ln(1)
	d.para(fmt.Sprintf(d.pick("総合評価: %s", "Overall exposure: %s"), d.t(levelNames[e.Level])), 12, 7, 0, navy)
	for _, r := range e.Reasons {
		d.para("・"+d.t(r), 9.5, 5.2, 3, black)
	}
	if len(e.Materials) > 0 {
		d.subheading(d.pick("特定重要物資の調達先", "Where your critical materials come from"))
		cols := []struct {
			title string
			w     float64
			align string
		}{{d.pick("品目", "Material"), 56, "L"}, {d.pick("最大の調達国", "Top country"), 26, "C"}, {d.pick("シェア", "Share"), 18, "R"}, {"HHI", 20, "R"}, {d.pick("集中度", "Concentration"), 32, "C"}, {d.pick("中国", "China"), 22, "R"}}
		d.SetFont(fontName, "", 8.5)
		d.SetFillColor(light[0], light[1], light[2])
		d.color(navy)
		d.SetX(marginL)
		for _, c := range cols {
			d.CellFormat(c.w, 7, c.title, "B", 0, c.align, true, 0, "")
		}
		d.Ln(-1)
		d.color(black)
		for _, m := range e.Materials {
			d.ensure(7)
			d.SetX(marginL)
			vals := []string{d.t(m.Label), m.TopCountry, fmt.Sprintf("%g%%", m.TopShare), fmt.Sprintf("%d", m.HHI), d.t(concentrationNames[m.Concentration]), fmt.Sprintf("%g%%", m.ChinaShare)}
			for i, c := range cols {
				v := vals[i]
				if i == 0 {
					if ls := d.lines(v, 8.5, c.w-2); len(ls) > 0 {
						v = ls[0]
					}
				}
				d.CellFormat(c.w, 7, v, "B", 0, c.align, false, 0, "")
			}
			d.Ln(-1)
		}
		d.Ln(2)
		d.para(d.pick(
			"HHI（ハーフィンダール・ハーシュマン指数）は国別シェアの二乗和で、0〜10,000の値をとります。5,000以上は一国への依存が大きい状態です（回答されたシェアの合計が100%未満の場合、実際の集中度はこれ以上です）。",
			"The HHI (Herfindahl–Hirschman index) is the sum of the squared country shares, from 0 to 10,000; 5,000 and above means heavy dependence on one country (where the shares given add up to less than 100%, the true concentration is at least this)."), 8.5, 4.6, 0, grey)
	}
	if e.ChinaProcurement != nil || e.ChinaSales != nil {
		d.subheading(d.pick("中国との関わり", "Ties to China"))
		if e.ChinaProcurement != nil {
			d.para(fmt.Sprintf(d.pick("調達に占める中国の割合: %g%%", "China's share of procurement: %g%%"), *e.ChinaProcurement), 10, 5.5, 0, black)
		}
		if e.ChinaSales != nil {
			d.para(fmt.Sprintf(d.pick("売上に占める中国の割合: %g%%", "China's share of sales: %g%%"), *e.ChinaSales), 10, 5.5, 0, black)
		}
	}
}

func (d *doc) firstSteps() {
	d.AddPage()
	d.heading(d.pick("3. 最初の一歩", "3. First steps"))
	d.para(d.pick(
		"まず取り組むべき項目です。必須の項目を先に、次に優先度、手間の少ない順に、一つの分野から2項目までを選んでいます。",
		"What to do first: essential items first, then by priority, then the quick wins, no more than two from one domain."), 9.5, 5.2, 0, black)
	if len(d.in.Checklist.FirstSteps) == 0 {
		d.para(d.pick("未実施の項目はありません。チェックリストの各項目を定期的に見直してください。", "No item is open. Review the checklist from time to time."), 10, 5.5, 0, black)
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
			title = d.pick("【確認】", "[Find out] ") + title
		}
		for _, l := range d.lines(title, 12, contentW-11) {
			d.SetX(marginL + 11)
			d.CellFormat(contentW-11, 6.5, l, "", 1, "L", false, 0, "")
		}
		d.meta(it, 11)
		d.para(d.t(it.Action), 9.5, 5.2, 11, black)
		d.para(d.pick("なぜ今か: ", "Why now: ")+d.t(it.Reason), 8.5, 4.6, 11, grey)
		d.para(d.pick("完了の目安: ", "Done when: ")+d.t(it.Evidence), 8.5, 4.6, 11, grey)
	}
}

// meta writes an item's priority, owner, horizon and effort on one line.
func (d *doc) meta(it checklist.ItemResult, indent float64) {
	d.ensure(5)
	d.SetX(marginL + indent)
	d.SetFont(fontName, "", 8.5)
	c := prioC[it.Priority]
	d.SetTextColor(c[0], c[1], c[2])
	p := d.pick("優先度 ", "Priority ") + d.t(checklist.PriorityLabel(it.Priority))
	d.CellFormat(d.GetStringWidth(p)+4, 5, p, "", 0, "L", false, 0, "")
	d.color(grey)
	rest := fmt.Sprintf(d.pick("｜ 担当: %s ｜ 目安: %d日 ｜ 工数: %s ｜ %s ｜ %s", "| Owner: %s | Horizon: %d days | Effort: %s | %s | %s"),
		d.t(it.OwnerLabel), it.Horizon, it.Effort, d.t(checklist.TierLabel(it.Tier)), d.t(it.AreaLabel))
	d.CellFormat(contentW-indent-d.GetStringWidth(p)-4, 5, rest, "", 1, "L", false, 0, "")
}

func (d *doc) progress() {
	p := d.in.Progress
	d.AddPage()
	d.heading(d.pick("4. 前回からの進捗", "4. Progress since your last assessment"))
	d.para(fmt.Sprintf(d.pick(
		"前回（%s 提出、調査票第%d版・採点方式バージョン%d）と今回（調査票第%d版・採点方式バージョン%d）の比較です。",
		"Your previous assessment (submitted %s, questionnaire version %d, scoring version %d) compared with this one (questionnaire version %d, scoring version %d)."),
		p.PreviousSubmittedAt.Format("2006-01-02"), p.PreviousQuestionnaire, p.PreviousScoringVersion, p.Questionnaire, p.ScoringVersion), 9.5, 5.2, 0, black)
	if p.PreviousScoringVersion != p.ScoringVersion {
		d.para(d.pick("採点方式が変わっているため、差の一部は採点方式の変更によるものです。", "The scoring rules changed in between, so part of a difference may come from the rules."), 9, 5, 0, orange)
	}
	d.Ln(2)
	cols := []float64{76, 30, 30, 38}
	d.SetFont(fontName, "", 9)
	d.SetFillColor(light[0], light[1], light[2])
	d.color(navy)
	d.SetX(marginL)
	for i, h := range []string{d.pick("分野", "Domain"), d.pick("前回", "Previous"), d.pick("今回", "Now"), d.pick("変化", "Change")} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		d.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	d.Ln(-1)
	rows := append([]scoring.DomainProgress{{Title: questionnaire.Text{JA: "総合", EN: "Overall"}, Change: p.Overall}}, p.Domains...)
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
	d.para(fmt.Sprintf(d.pick("成熟度レベル: %d → %d", "Maturity level: %d → %d"), p.PreviousLevel, p.Level), 10, 5.5, 0, black)
}

func (d *doc) checklistPages() {
	d.AddPage()
	n := 4
	if d.in.Progress != nil {
		n = 5
	}
	d.heading(fmt.Sprintf(d.pick("%d. 経済安全保障 対応チェックリスト", "%d. Economic-security checklist"), n))
	c := d.in.Checklist
	d.para(fmt.Sprintf(d.pick(
		"全%d項目の状況です（実施済み %d、一部実施 %d、未実施 %d、該当なし %d）。□に✓が入っている項目は実施済みです。経済産業省「経済安全保障経営ガイドライン」の3つの区分（自律性・不可欠性・ガバナンス）も示しています。",
		"All %d items (done %d, partly done %d, to do %d, not applicable %d). A ticked box means done. Each item also shows its area of METI's Economic Security Management Guideline (autonomy, indispensability, governance)."),
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
		st = d.pick("要確認", "Find out")
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
	d.para(d.pick("根拠: ", "References: ")+strings.Join(it.References, "; "), 7, 3.8, 8, grey)
}

func (d *doc) methodology() {
	d.AddPage()
	d.heading(d.pick("方法と出典", "Method and sources"))
	for _, p := range methodText {
		d.subheading(d.t(p[0]))
		d.para(d.t(p[1]), 9, 5, 0, black)
	}
	d.subheading(d.pick("成熟度レベルの基準", "Maturity levels"))
	for _, l := range scoring.Levels {
		d.para(fmt.Sprintf(d.pick("レベル%d「%s」: 総合スコア%g以上 — %s", "Level %d, %s: overall score from %g — %s"), l.Level, d.t(l.Name), l.From, d.t(l.Description)), 8.5, 4.6, 0, black)
	}
	d.subheading(d.pick("この調査票が参照している調査・法令", "Surveys and laws this questionnaire draws on"))
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
	d.para(d.pick(
		"出典の整理は Armstrong, Solís & Urata (2025)「Economic security and new industrial policy」Asian Economic Policy Review 20(2) の第3節に基づきます。公表調査の数値は各出典の公表資料によるもので、本レポートの比較は参考情報です。",
		"The survey figures follow Armstrong, Solís & Urata (2025), \"Economic security and new industrial policy\", Asian Economic Policy Review 20(2), section 3, and each source's published material; comparisons with them are for reference."), 8, 4.4, 0, grey)
}

var methodText = [][2]questionnaire.Text{
	{{JA: "分野別スコア", EN: "Scores by domain"}, {
		JA: "実践を問う質問は0（未着手）〜4（見直し・改善）の5段階で回答します。各質問には重要度（必須・重要・推奨、重み3・2・1）があり、企業規模や貴社の状況によって変わる場合があります。分野のスコアは、該当する質問について「重み×得点」の合計を「重み×満点」の合計で割り、100倍したものです。「該当しない」と回答した質問や表示されなかった質問は分子・分母の両方から除き、「わからない」は0点として扱い、確認事項としてチェックリストに加えます。重みの40%超が該当しない分野は、スコアを表示しません。総合スコアは分野別スコアの平均です。",
		EN: "Practice questions are answered on a five-step scale from 0 (not started) to 4 (reviewed and improved). Each question has a tier — essential, important or recommended, weighted 3, 2 and 1 — which can depend on your size and situation. A domain's score is the sum of weight × points over the applicable questions, divided by the sum of weight × maximum, times 100. Questions answered \"not applicable\" or not shown leave both sums; \"don't know\" scores 0 and becomes a task to find out. A domain with more than 40% of its weight not applicable shows no score. The overall score is the mean of the domain scores."}},
	{{JA: "成熟度レベル", EN: "Maturity level"}, {
		JA: "総合スコアから1〜5のレベルを決めます。ただし、必須の取組に0点のものがある間は、レベル2までとします。",
		EN: "The level, 1 to 5, follows from the overall score; while any essential practice scores 0, it is held at 2."}},
	{{JA: "企業規模", EN: "Size band"}, {
		JA: "中小企業基本法第2条の基準（業種ごとの資本金・常時使用する従業員数）により、小規模企業者・中小企業・大企業に区分します。",
		EN: "Small-scale, SME or large firm, by the SME Basic Act, Article 2 (paid-in capital and regular employees by industry)."}},
	{{JA: "比較", EN: "Benchmark"}, {
		JA: "同じ調査票の版に回答して提出した企業のうち、同じ規模×業種、同じ規模、全企業の順に、比較対象が一定数以上そろう最初の集団の中で順位（パーセンタイル）を示します。各企業は最新の回答だけを数え、貴社自身は含めません。そろわない場合は、公表調査（日本商工会議所2023年、KPMG 2024年、中小企業白書2025年、JETRO 2023年）と比べます。",
		EN: "Among firms that submitted the same questionnaire version, your percentile is shown in the first of these groups with enough firms: same size and sector, same size, all firms. Each firm counts once, with its latest answers, and you are not your own peer. Otherwise you are compared with published surveys (JCCI 2023, KPMG 2024, SME White Paper 2025, JETRO 2023)."}},
	{{JA: "チェックリスト", EN: "Checklist"}, {
		JA: "各項目の状況は回答から決まります。優先度は、未実施か一部実施か、項目の重要度、貴社のエクスポージャー（重要物資の調達先の集中、中国への依存、リスト規制品の輸出など）から決め、その理由を各項目に示しています。",
		EN: "Each item's status follows from your answers. Its priority comes from the gap (to do or partly done), the item's tier and your exposure (concentrated supply of a critical material, dependence on China, exports of list-controlled items and so on); each item gives its reason."}},
}

func scoreText(v *float64, lang string) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f", *v)
}

// Labels of the size bands, exposure levels and supply concentrations.
var (
	bandNames = map[string]questionnaire.Text{
		scoring.BandSmallScale: {JA: "小規模企業者", EN: "Small-scale enterprise"},
		scoring.BandSME:        {JA: "中小企業", EN: "SME"},
		scoring.BandLarge:      {JA: "大企業", EN: "Large firm"},
	}
	levelNames = map[string]questionnaire.Text{
		"high": {JA: "高い", EN: "High"}, "medium": {JA: "中程度", EN: "Medium"}, "low": {JA: "低い", EN: "Low"},
	}
	concentrationNames = map[string]questionnaire.Text{
		"high": {JA: "高", EN: "High"}, "moderate": {JA: "中", EN: "Moderate"}, "low": {JA: "低", EN: "Low"},
	}
)
