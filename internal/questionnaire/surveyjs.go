package questionnaire

import (
	"fmt"
	"strconv"
	"strings"
)

// SurveyJS is a survey in the JSON schema of the SurveyJS Form Library, in one language.
type SurveyJS struct {
	Title                string        `json:"title"`
	Description          string        `json:"description,omitempty"`
	Locale               string        `json:"locale"`
	ShowQuestionNumbers  string        `json:"showQuestionNumbers"`
	CheckErrorsMode      string        `json:"checkErrorsMode"`
	ClearInvisibleValues string        `json:"clearInvisibleValues"`
	ShowProgressBar      string        `json:"showProgressBar"`
	Pages                []surveyPage  `json:"pages"`
	Meta                 surveyJSMetas `json:"esready"`
}

// surveyJSMetas tells the web app which questionnaire version the form renders.
type surveyJSMetas struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

type surveyPage struct {
	Name        string          `json:"name"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Elements    []surveyElement `json:"elements"`
}

type surveyElement struct {
	Type        string         `json:"type"`
	Name        string         `json:"name"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	IsRequired  bool           `json:"isRequired,omitempty"`
	VisibleIf   string         `json:"visibleIf,omitempty"`
	Choices     []surveyChoice `json:"choices,omitempty"`
	InputType   string         `json:"inputType,omitempty"`
	Min         *float64       `json:"min,omitempty"`
	Max         *float64       `json:"max,omitempty"`
	Step        float64        `json:"step,omitempty"`
	MaxLength   int            `json:"maxLength,omitempty"`
	// Matrix of country shares: one row per item and country.
	Columns      []surveyColumn `json:"columns,omitempty"`
	RowCount     int            `json:"rowCount,omitempty"`
	AddRowText   string         `json:"addRowText,omitempty"`
	RemoveRowTxt string         `json:"removeRowText,omitempty"`
	// What the web app needs to convert answers to and from the API's values.
	AnswerType string `json:"esrType"`
	ItemsFrom  string `json:"esrItemsFrom,omitempty"`
	Unit       string `json:"esrUnit,omitempty"`
}

type surveyChoice struct {
	Value       any    `json:"value"`
	Text        string `json:"text"`
	IsExclusive bool   `json:"isExclusive,omitempty"`
}

type surveyColumn struct {
	Name       string         `json:"name"`
	Title      string         `json:"title"`
	CellType   string         `json:"cellType"`
	Choices    []surveyChoice `json:"choices,omitempty"`
	IsRequired bool           `json:"isRequired"`
	InputType  string         `json:"inputType,omitempty"`
	Min        *float64       `json:"min,omitempty"`
	Max        *float64       `json:"max,omitempty"`
	Validators []surveyValid  `json:"validators,omitempty"`
}

type surveyValid struct {
	Type  string `json:"type"`
	Regex string `json:"regex,omitempty"`
	Text  string `json:"text,omitempty"`
}

// Labels of the special answers and of the share matrix, in both languages.
var (
	labelNA       = Catalogued("surveyjs.not_applicable")
	labelDontKnow = Catalogued("surveyjs.dont_know")
	labelItem     = Catalogued("surveyjs.item")
	labelCountry  = Catalogued("surveyjs.country")
	labelShare    = Catalogued("surveyjs.share")
	labelAddRow   = Catalogued("surveyjs.add_country")
	labelRemove   = Catalogued("surveyjs.remove")
	labelCodeErr  = Catalogued("surveyjs.country_code_error")
)

// dropdownFrom is the number of options from which a single question renders as a dropdown.
const dropdownFrom = 12

// SurveyJS exports the definition for the SurveyJS Form Library, in lang ("ja" or "en"), with
// show-if rules as visibleIf expressions.
func (d *Definition) SurveyJS(lang string) SurveyJS {
	if lang != "en" {
		lang = "ja"
	}
	out := SurveyJS{
		Title: d.Title.In(lang), Description: d.Description.In(lang), Locale: lang,
		ShowQuestionNumbers: "on", CheckErrorsMode: "onValueChanged",
		ClearInvisibleValues: "onHidden", ShowProgressBar: "top",
		Meta: surveyJSMetas{ID: d.ID, Version: d.Version, Hash: d.Hash},
	}
	for _, s := range d.Sections {
		p := surveyPage{Name: s.ID, Title: s.Title.In(lang), Description: s.Description.In(lang)}
		for i := range s.Questions {
			p.Elements = append(p.Elements, s.Questions[i].surveyElement(lang))
		}
		out.Pages = append(out.Pages, p)
	}
	return out
}

// surveyElement renders one question as a SurveyJS element.
func (q *Question) surveyElement(lang string) surveyElement {
	e := surveyElement{
		Name: q.ID, Title: q.Text.In(lang), Description: q.Help.In(lang),
		IsRequired: q.Required, AnswerType: q.Type, Unit: q.Unit.In(lang),
	}
	if q.ShowIf != nil {
		e.VisibleIf = q.ShowIf.expression()
	}
	switch q.Type {
	case TypeSingle, TypeMulti:
		e.Type = "radiogroup"
		if q.Type == TypeMulti {
			e.Type = "checkbox"
		} else if len(q.Options) >= dropdownFrom {
			e.Type = "dropdown"
		}
		for _, o := range q.Options {
			e.Choices = append(e.Choices, surveyChoice{Value: o.ID, Text: o.Label.In(lang), IsExclusive: o.Exclusive})
		}
		e.Choices = append(e.Choices, q.specialChoices(lang)...)
	case TypeScale:
		e.Type = "radiogroup"
		for i, l := range q.Levels {
			e.Choices = append(e.Choices, surveyChoice{Value: i, Text: strconv.Itoa(i) + " — " + l.In(lang)})
		}
		e.Choices = append(e.Choices, q.specialChoices(lang)...)
	case TypeNumber, TypePercent:
		q.numberInput(&e, lang)
	case TypeText:
		e.Type, e.MaxLength = "comment", q.maxLength()
	case TypeCountryShares:
		e.Type, e.ItemsFrom, e.RowCount = "matrixdynamic", q.ItemsFrom, 1
		e.AddRowText, e.RemoveRowTxt = labelAddRow.In(lang), labelRemove.In(lang)
		e.Columns = q.shareColumns(lang)
	}
	return e
}

// specialChoices returns the choices for the special answers q allows (don't know, not
// applicable); on a multi question each excludes the other choices.
func (q *Question) specialChoices(lang string) []surveyChoice {
	var out []surveyChoice
	if q.DontKnow {
		out = append(out, surveyChoice{Value: DontKnow, Text: labelDontKnow.In(lang), IsExclusive: q.Type == TypeMulti})
	}
	if q.AllowNA {
		out = append(out, surveyChoice{Value: NA, Text: labelNA.In(lang), IsExclusive: q.Type == TypeMulti})
	}
	return out
}

// numberInput makes e a number input within the range the server accepts for q.
func (q *Question) numberInput(e *surveyElement, lang string) {
	e.Type, e.InputType = "text", "number"
	r := q.numberRange()
	e.Min, e.Max = &r.min, &r.max
	if r.integer {
		e.Step = 1
	}
	// A number input cannot hold "na": the web app offers the special answers beside it.
	e.Choices = append(e.Choices, q.specialChoices(lang)...)
}

// shareColumns returns the columns of a country_shares matrix: the item (when the question
// takes its items from another), the country code and the share.
func (q *Question) shareColumns(lang string) []surveyColumn {
	var cols []surveyColumn
	zero, hundred := 0.0, 100.0
	if q.itemsQuestion != nil {
		col := surveyColumn{Name: "item", Title: labelItem.In(lang), CellType: "dropdown", IsRequired: true}
		for _, o := range q.itemsQuestion.Options {
			if !o.Exclusive {
				col.Choices = append(col.Choices, surveyChoice{Value: o.ID, Text: o.Label.In(lang)})
			}
		}
		cols = append(cols, col)
	}
	return append(cols,
		surveyColumn{Name: "country", Title: labelCountry.In(lang), CellType: "text", IsRequired: true,
			Validators: []surveyValid{{Type: "regex", Regex: "^[A-Z]{2}$", Text: labelCodeErr.In(lang)}}},
		surveyColumn{Name: "share", Title: labelShare.In(lang), CellType: "text", InputType: "number", Min: &zero, Max: &hundred, IsRequired: true},
	)
}

// expression renders a condition in the SurveyJS expression language.
func (c Condition) expression() string {
	join := func(cs []Condition, op string) string {
		parts := make([]string, len(cs))
		for i, s := range cs {
			parts[i] = s.expression()
		}
		return "(" + strings.Join(parts, " "+op+" ") + ")"
	}
	switch {
	case len(c.All) > 0:
		return join(c.All, "and")
	case len(c.Any) > 0:
		return join(c.Any, "or")
	case c.Not != nil:
		return "!" + c.Not.expression()
	case len(c.SizeBand) > 0:
		return "" // never in show_if (rejected at load)
	}
	q := "{" + c.Question + "}"
	vals := make([]string, len(c.Values))
	for i, v := range c.Values {
		vals[i] = "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
	}
	list := "[" + strings.Join(vals, ", ") + "]"
	switch c.Op {
	case OpIn:
		return fmt.Sprintf("(%s anyof %s)", q, list)
	case OpNotIn:
		return fmt.Sprintf("(%s notempty and %s noneof %s)", q, q, list)
	case OpAnswered:
		return fmt.Sprintf("(%s notempty and %s != 'na')", q, q)
	case OpNotAnswered:
		return fmt.Sprintf("(%s empty or %s = 'na')", q, q)
	}
	ops := map[string]string{OpGTE: ">=", OpLTE: "<=", OpGT: ">", OpLT: "<"}
	return fmt.Sprintf("(%s %s %s)", q, ops[c.Op], strconv.FormatFloat(*c.Value, 'g', -1, 64))
}
