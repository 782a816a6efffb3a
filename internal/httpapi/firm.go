package httpapi

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/esready/esready/internal/report"
)

// headerFirm carries the firm name printed on the report's cover. A header rather than the
// query string: a URL ends up in proxy logs, browser history and Referer headers, and the name
// says who the confidential report is about.
const headerFirm = "X-Report-Firm"

// reportFirm returns the firm name for the report: from the X-Report-Firm header
// (percent-encoded UTF-8, RFC 3986, as encodeURIComponent writes it), else from the deprecated
// ?firm= query parameter, kept for one release. It answers 400 naming the header or parameter
// when the name cannot be printed as given, and returns false then.
func reportFirm(c *gin.Context) (string, bool) {
	field, raw := headerFirm, c.GetHeader(headerFirm)
	name, err := decodeFirm(raw)
	if raw == "" {
		field, name, err = "firm", c.Query("firm"), nil
	}
	name = strings.TrimSpace(name)
	if err == nil {
		err = report.CheckFirmName(name)
	}
	if err == nil {
		return name, true
	}
	key := "field.firm_name_chars"
	switch {
	case errors.Is(err, errFirmEncoding):
		key = "field.firm_name_encoding"
	case errors.Is(err, report.ErrFirmNameTooLong):
		key = "field.firm_name_length"
	}
	fields := []FieldError{{Path: field, Message: tr(key).In(language(c))}}
	if field == headerFirm {
		writeError(c, invalidHeader(fields))
	} else {
		writeError(c, invalidQuery(fields))
	}
	return "", false
}

var errFirmEncoding = errors.New("the firm name is not percent-encoded ASCII")

// decodeFirm undoes the percent-encoding of a header value. The value itself must be printable
// ASCII, so that one encoding is used for every name: raw UTF-8 bytes in a header are read
// differently by different proxies.
func decodeFirm(v string) (string, error) {
	for i := range len(v) {
		if v[i] < 0x20 || v[i] > 0x7e {
			return "", errFirmEncoding
		}
	}
	s, err := url.PathUnescape(v)
	if err != nil || !utf8.ValidString(s) {
		return "", errFirmEncoding
	}
	return s, nil
}
