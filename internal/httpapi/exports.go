package httpapi

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/campaign"
)

// resultsCSV is one table of the aggregate (?table=answers, the default, or scores) as CSV
// for Excel in Japan: UTF-8 with a byte-order mark. Suppressed cells read as such.
func (h campaigns) resultsCSV(c *gin.Context) {
	sheets, ok := h.sheets(c)
	if !ok {
		return
	}
	s := sheets[0]
	switch c.Query("table") {
	case "", "answers":
	case "scores":
		s = sheets[1]
	default:
		writeError(c, invalidQuery([]FieldError{{Path: "table", Message: tr("field.table").In(language(c))}}))
		return
	}
	var buf bytes.Buffer
	if err := campaign.WriteCSV(&buf, s.Header, s.Rows); err != nil {
		writeError(c, err)
		return
	}
	h.attach(c, "results-"+c.Query("table"), "csv", "text/csv; charset=utf-8", buf.Bytes())
}

// resultsXLSX is the aggregate as a workbook, one sheet per table.
func (h campaigns) resultsXLSX(c *gin.Context) {
	sheets, ok := h.sheets(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := campaign.WriteXLSX(&buf, sheets); err != nil {
		writeError(c, err)
		return
	}
	h.attach(c, "results", "xlsx", xlsxType, buf.Bytes())
}

// reportPDF is the campaign report (?lang=ja|en, default ja), whole or filtered like the
// results: their tables, suppressed alike, with the method and the response rate, to print or
// pass on. It renders in a slot of the renderer, as the firms' reports do.
func (h campaigns) reportPDF(c *gin.Context) {
	lang, ok := langParam(c)
	if !ok {
		return
	}
	f, err := filterOf(c)
	if err != nil {
		writeError(c, err)
		return
	}
	in, err := h.svc.ReportInput(c.Request.Context(), principal(c), c.Param("id"), f, lang)
	if err != nil {
		writeError(c, err)
		return
	}
	body, err := h.render.campaignReport(c.Request.Context(), in)
	if err != nil {
		writeError(c, err)
		return
	}
	h.attach(c, "report-"+lang, "pdf", "application/pdf", body)
}

func (h campaigns) sheets(c *gin.Context) ([]campaign.Sheet, bool) {
	f, err := filterOf(c)
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	sheets, err := h.svc.Export(c.Request.Context(), principal(c), c.Param("id"), f, language(c))
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return sheets, true
}

// responsesCSV is the individual answers of the firms that consent, and of no other.
func (h campaigns) responsesCSV(c *gin.Context) {
	s, err := h.svc.ConsentedAnswers(c.Request.Context(), principal(c), c.Param("id"), language(c))
	if err != nil {
		writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := campaign.WriteCSV(&buf, s.Header, s.Rows); err != nil {
		writeError(c, err)
		return
	}
	h.attach(c, "responses", "csv", "text/csv; charset=utf-8", buf.Bytes())
}

func (h campaigns) attach(c *gin.Context, name, ext, ctype string, data []byte) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="campaign-%s-%s.%s"`, c.Param("id"), name, ext))
	c.Data(http.StatusOK, ctype, data)
}
