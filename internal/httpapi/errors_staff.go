package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/auth"
	"github.com/esready/esready/internal/campaign"
	"github.com/esready/esready/internal/scoring"
)

var (
	errUnauthenticated = &apiError{http.StatusUnauthorized, "unauthenticated", tr("api.unauthenticated"), nil, nil}
	errBadCredentials  = &apiError{http.StatusUnauthorized, "invalid_credentials", tr("api.invalid_credentials"), nil, nil}
	errInvalidRefresh  = &apiError{http.StatusUnauthorized, "invalid_refresh", tr("api.invalid_refresh"), nil, nil}
	errInvalidInvite   = &apiError{http.StatusBadRequest, "invalid_invite", tr("api.invalid_invite"), nil, nil}
	errForbidden       = &apiError{http.StatusForbidden, "forbidden", tr("api.forbidden"), nil, nil}
	errCampaignClosed  = &apiError{http.StatusConflict, "campaign_closed", tr("api.campaign_closed"), nil, nil}
	errInvalidLink     = &apiError{http.StatusNotFound, "invalid_link", tr("api.invalid_link"), nil, nil}
	errFilterTooSmall  = &apiError{http.StatusUnprocessableEntity, "filter_too_small", tr("api.filter_too_small"), nil, nil}
	errNotInCampaign   = &apiError{http.StatusConflict, "not_in_campaign", tr("api.not_in_campaign"), nil, nil}
	errNoMail          = &apiError{http.StatusConflict, "mail_not_configured", tr("api.mail_not_configured"), nil, nil}
)

// fieldReasons are the catalogue keys of the reasons auth refuses a field for.
var fieldReasons = []struct {
	err error
	key string
}{
	{auth.ErrRequired, "field.required"},
	{auth.ErrTooLong, "field.too_long_plain"},
	{auth.ErrInvalidEmail, "field.email"},
	{auth.ErrInvalidRole, "field.role"},
	{auth.ErrInvalidID, "field.chamber_id"},
	{auth.ErrPasswordTooShort, "field.password_short"},
	{auth.ErrPasswordTooLong, "field.password_long"},
	{auth.ErrPasswordIsEmail, "field.password_email"},
}

// staffErrorOf maps the errors of accounts and campaigns to the API's errors; nil for others.
func staffErrorOf(err error, lang string) *apiError {
	var fe *auth.FieldError
	var cf *campaign.FieldError
	var th *auth.ThrottledError
	var file *campaign.FileError
	switch {
	case errors.As(err, &file):
		return &apiError{http.StatusBadRequest, "invalid_file", file.Message, []FieldError{{Path: "file", Message: file.Message.In(lang)}}, nil}
	case errors.As(err, &th):
		secs := strconv.Itoa(int(th.RetryAfter.Seconds()))
		return &apiError{http.StatusTooManyRequests, "too_many_attempts", tr("api.too_many_logins", "seconds", secs), nil, nil}
	case errors.As(err, &fe):
		key := "field.invalid"
		for _, r := range fieldReasons {
			if errors.Is(fe.Err, r.err) {
				key = r.key
				break
			}
		}
		return invalidBody([]FieldError{{Path: fe.Field, Message: tr(key, "max", 100).In(lang)}})
	case errors.As(err, &cf):
		return invalidBody([]FieldError{{Path: cf.Field, Message: tr(cf.Key, cf.Args...).In(lang)}})
	case errors.Is(err, auth.ErrEmailTaken):
		return &apiError{http.StatusConflict, "email_taken", tr("api.email_taken"), []FieldError{{Path: "email", Message: tr("field.email_taken").In(lang)}}, nil}
	case errors.Is(err, auth.ErrConflict):
		return &apiError{http.StatusConflict, "conflict", tr("api.conflict"), []FieldError{{Path: "id", Message: tr("field.id_taken").In(lang)}}, nil}
	}
	for _, m := range []struct {
		err error
		to  *apiError
	}{
		{auth.ErrInvalidToken, errUnauthenticated}, {auth.ErrBadCredentials, errBadCredentials},
		{auth.ErrInvalidRefresh, errInvalidRefresh}, {auth.ErrInvalidInvite, errInvalidInvite},
		{auth.ErrForbidden, errForbidden}, {campaign.ErrForbidden, errForbidden},
		{campaign.ErrNotFound, errNotFound}, {campaign.ErrClosed, errCampaignClosed},
		{campaign.ErrInvalidLink, errInvalidLink}, {scoring.ErrFilterTooSmall, errFilterTooSmall},
		{assessment.ErrNotInCampaign, errNotInCampaign}, {auth.ErrNotFound, errNotFound}, {campaign.ErrNoMail, errNoMail},
	} {
		if errors.Is(err, m.err) {
			return m.to
		}
	}
	return nil
}
