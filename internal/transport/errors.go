package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// OperationError is what a call returns when it was attempted and failed:
// the service answered an error, the answer was unusable, the network
// failed, or the context ended. Err is the cause: the provider's *APIError,
// a *ResponseError, a network error or the context's error, reachable with
// errors.Is and errors.As.
type OperationError struct {
	Service string // "ga" or "bmlb"
	Action  string // the API action, e.g. "CreateListener"
	// Attempts counts the attempts that wrote something to a connection,
	// retries included; 0 means nothing was sent (no credentials, the
	// context ended first, no connection could be made).
	Attempts int
	// MayHaveApplied is true when some attempt was written to a connection
	// and no complete answer came back that rules out its having been
	// applied: a reset after sending, a timeout, an unreadable answer, a
	// redirect, or an error the service documents as possibly partial.
	MayHaveApplied bool
	// IdempotencyToken is the token the call was sent with (GA's
	// ClientToken), empty for an API without one: sending the call again
	// with it returns what the first one created instead of a second one.
	IdempotencyToken string
	Err              error
}

// Error describes the failure; it never contains a secret, a token or a
// signature.
func (e *OperationError) Error() string {
	if e.Attempts == 0 {
		return fmt.Sprintf("%s: %s failed before anything was sent: %v", e.Service, e.Action, e.Err)
	}
	applied := ""
	if e.MayHaveApplied {
		applied = " (the request may have been applied)"
	}
	plural := "s"
	if e.Attempts == 1 {
		plural = ""
	}
	return fmt.Sprintf("%s: %s failed after %d attempt%s sent%s: %v", e.Service, e.Action, e.Attempts, plural, applied, e.Err)
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// ResponseError is an answer that could not be used: empty, truncated, too
// large, not JSON (an HTML error page from a proxy, XML), or JSON without the
// fields a success must have. Excerpt is a short, redacted start of the body.
type ResponseError struct {
	StatusCode  int
	ContentType string
	Reason      string
	Excerpt     string
	Err         error // the read or decode error, if any
}

// Error names the status, the reason and the excerpt.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unusable response (HTTP %d", e.StatusCode)
	if e.ContentType != "" {
		fmt.Fprintf(&b, ", %s", e.ContentType)
	}
	fmt.Fprintf(&b, "): %s", e.Reason)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, "; body starts %q", e.Excerpt)
	}
	return b.String()
}

// Unwrap returns the read or decode error.
func (e *ResponseError) Unwrap() error { return e.Err }

// Response is one complete HTTP answer, its body already read through the
// size limit and redacted.
type Response struct {
	StatusCode int
	Header     http.Header
	// ContentType is the Content-Type header, redacted and clipped: the one
	// header that enters errors.
	ContentType string
	Body        []byte
}

// RedirectError is a 3xx answer. The clients never follow a redirect: a
// redirected request would carry the signed parameters (and the session
// token) to wherever Location points, possibly over plain http, and a
// 301/302 would turn the create into a bodiless GET whose answer is not the
// create's. Nothing is re-sent, anywhere.
type RedirectError struct {
	StatusCode int
	// LocationHost is the host the redirect pointed at (empty if none or
	// unreadable); the rest of Location is left out, as it may echo
	// parameters.
	LocationHost string
}

// Error names the status and where it pointed.
func (e *RedirectError) Error() string {
	where := "no Location"
	if e.LocationHost != "" {
		where = "Location host " + e.LocationHost
	}
	return fmt.Sprintf("redirect not followed (HTTP %d, %s)", e.StatusCode, where)
}

// excerptBytes bounds how much of a body goes into an error.
const excerptBytes = 120

// NewResponseError builds a *ResponseError for r with an excerpt of its body.
func NewResponseError(r *Response, reason string, err error) *ResponseError {
	return &ResponseError{
		StatusCode:  r.StatusCode,
		ContentType: r.ContentType,
		Reason:      reason,
		Excerpt:     excerpt(r.Body),
		Err:         err,
	}
}

// DecodeJSON decodes r's body into v, or explains with a *ResponseError why
// it cannot: empty, not JSON, truncated or malformed.
func DecodeJSON(r *Response, v any) error {
	trimmed := bytes.TrimSpace(r.Body)
	switch {
	case len(trimmed) == 0:
		return NewResponseError(r, "empty body where JSON was expected", nil)
	case trimmed[0] != '{':
		return NewResponseError(r, "body is not a JSON object", nil)
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		reason := "malformed JSON"
		if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
			reason = "truncated JSON"
		}
		return NewResponseError(r, reason, err)
	}
	return nil
}

// ValidID reports whether an identifier the service answered (a listener
// id, a request id) is one a caller can use: 1 to 128 printable ASCII
// characters, no space. Anything else in a success is a suspect answer.
func ValidID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// excerpt returns at most excerptBytes of body, cut on a rune boundary,
// with invalid UTF-8 replaced.
func excerpt(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) > excerptBytes {
		cut := excerptBytes
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		return strings.ToValidUTF8(string(body[:cut]), "\uFFFD") + "…"
	}
	return strings.ToValidUTF8(string(body), "\uFFFD")
}
