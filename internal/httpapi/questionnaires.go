package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/questionnaire"
)

type questionnaires struct{ defs *questionnaire.Registry }

// questionnaireSummary is one entry of the list.
type questionnaireSummary struct {
	ID          string               `json:"id"`
	Version     int                  `json:"version"`
	Latest      bool                 `json:"latest"`
	Hash        string               `json:"hash"`
	Title       questionnaire.Text   `json:"title"`
	Description questionnaire.Text   `json:"description"`
	Questions   int                  `json:"questions"`
	Sections    []sectionSummaryJSON `json:"sections"`
}

type sectionSummaryJSON struct {
	ID        string             `json:"id"`
	Domain    string             `json:"domain,omitempty"`
	Title     questionnaire.Text `json:"title"`
	Questions int                `json:"questions"`
}

func (h questionnaires) list(c *gin.Context) {
	out := []questionnaireSummary{}
	for _, d := range h.defs.All() {
		latest, _ := h.defs.Latest(d.ID)
		s := questionnaireSummary{
			ID: d.ID, Version: d.Version, Latest: latest == d, Hash: d.Hash,
			Title: d.Title, Description: d.Description, Questions: len(d.Questions()),
		}
		for _, sec := range d.Sections {
			s.Sections = append(s.Sections, sectionSummaryJSON{ID: sec.ID, Domain: sec.Domain, Title: sec.Title, Questions: len(sec.Questions)})
		}
		out = append(out, s)
	}
	c.JSON(http.StatusOK, gin.H{"questionnaires": out})
}

func (h questionnaires) get(c *gin.Context) {
	var bad []FieldError
	format := c.DefaultQuery("format", "native")
	if format != "native" && format != "surveyjs" {
		bad = append(bad, FieldError{Path: "format", Message: tr("field.format").In(language(c))})
	}
	lang := c.DefaultQuery("lang", "ja")
	if lang != "ja" && lang != "en" {
		bad = append(bad, FieldError{Path: "lang", Message: msgLang.In(language(c))})
	}
	version := 0
	if v := c.Query("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad = append(bad, FieldError{Path: "version", Message: tr("field.version").In(language(c))})
		}
		version = n
	}
	if len(bad) > 0 {
		writeError(c, invalidQuery(bad))
		return
	}

	d, ok := h.defs.Latest(c.Param("id"))
	if version > 0 {
		d, ok = h.defs.Version(c.Param("id"), version)
	}
	if !ok {
		writeError(c, errNotFound)
		return
	}
	etag := `"` + d.Hash + "-" + format + "-" + lang + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "public, max-age=300")
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	if format == "surveyjs" {
		c.PureJSON(http.StatusOK, d.SurveyJS(lang))
		return
	}
	c.PureJSON(http.StatusOK, d)
}
