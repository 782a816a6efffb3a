package main

import (
	"context"

	"github.com/esready/esready/internal/surveyproc"
)

// httpFlow is one respondent over HTTP: create, three autosaves, submit, fetch the result and,
// with pdf, the PDF action report. Respondents alternate between Japanese and English.
func httpFlow(c *surveyproc.Client, vs []variant, pdf bool) flow {
	return func(ctx context.Context, i int, rec *recorder) bool {
		v := vs[i%len(vs)]
		lang := "ja"
		if i%2 == 1 {
			lang = "en"
		}
		p, r, err := c.Create(ctx, lang)
		if !note(rec, opCreate, r, err) {
			return false
		}
		for _, a := range v.encoded {
			r, err = c.Save(ctx, &p, a)
			if !note(rec, opSave, r, err) {
				return false
			}
		}
		r, err = c.Submit(ctx, p)
		if !note(rec, opSubmit, r, err) {
			return false
		}
		r, err = c.Result(ctx, p)
		if !note(rec, opResult, r, err) {
			return false
		}
		if pdf {
			r, err = c.PDF(ctx, p, lang)
			return note(rec, opPDF, r, err)
		}
		return true
	}
}

// note records one call: its latency when it succeeded, an error otherwise. Any reply other
// than the one the contract promises is an error.
func note(rec *recorder, op string, r surveyproc.Reply, err error) bool {
	if err != nil {
		rec.fail(op, err)
		return false
	}
	rec.ok(op, r.Took)
	return true
}
