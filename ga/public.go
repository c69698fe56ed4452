package ga

import (
	"time"

	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
)

// The error types a caller of this package handles. They are declared
// here, with their fields, rather than taken from the shared internal
// layer, which builds them through public.

// OperationError is what a call returns when it was attempted and failed:
// the service answered an error, the answer was unusable, the network
// failed, or the context ended.
type OperationError struct {
	Service string // "ga"
	Action  string // the API action, e.g. "CreateListener"
	// Attempts counts the attempts that wrote something to a connection,
	// retries included; 0 means nothing was sent (no credentials, the
	// context ended first, no connection could be made).
	Attempts int
	// MayHaveApplied is true when some attempt was written to a connection
	// and no complete answer came back that rules out its having been
	// applied: a reset after sending, a timeout, an unusable answer, a
	// redirect, or an error the service documents as possibly partial.
	MayHaveApplied bool
	// IdempotencyToken is the token the call was sent with (GA's
	// ClientToken), empty for an API without one: sending the call again
	// with it returns what the first one created instead of a second one.
	IdempotencyToken string
	// Err is the cause: an *APIError, a *ResponseError, a *RedirectError, a
	// network error or the context's error (errors.Is and errors.As reach
	// it).
	Err error
}

// Error describes the failure; it never contains a secret, a token or a
// signature.
func (e *OperationError) Error() string {
	return (&transport.OperationError{Service: e.Service, Action: e.Action, Attempts: e.Attempts, MayHaveApplied: e.MayHaveApplied,
		IdempotencyToken: e.IdempotencyToken, Err: e.Err}).Error()
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// ResponseError is an answer that could not be used: empty, truncated,
// too large, not JSON (an HTML page from a proxy), or a "success" without
// the fields a success must have. Its strings are redacted and clipped.
type ResponseError struct {
	StatusCode  int
	ContentType string
	Reason      string // why the answer is unusable
	Excerpt     string // the start of the body, redacted
	Err         error  // the read or decode error, if any
}

// Error names the status, the reason and the excerpt.
func (e *ResponseError) Error() string {
	return (&transport.ResponseError{StatusCode: e.StatusCode, ContentType: e.ContentType, Reason: e.Reason, Excerpt: e.Excerpt, Err: e.Err}).Error()
}

// Unwrap returns the read or decode error.
func (e *ResponseError) Unwrap() error { return e.Err }

// RedirectError is a 3xx answer. Redirects are never followed: the signed
// parameters and the session token would go wherever Location points, and
// a 301/302 would turn the call into a GET. Nothing is re-sent.
type RedirectError struct {
	StatusCode int
	// LocationHost is the host Location pointed at (the rest of it is left
	// out: it may echo parameters).
	LocationHost string
}

// Error names the status and the host.
func (e *RedirectError) Error() string {
	return (&transport.RedirectError{StatusCode: e.StatusCode, LocationHost: e.LocationHost}).Error()
}

// WaitError is a wait that ended without reaching its state: the maximum
// wait ran out (errors.Is(err, ErrWaitTimedOut)), the listener is gone (ErrNotExistListener), or the context
// ended.
type WaitError struct {
	Service   string
	Resource  string // what was awaited, e.g. "listener lsr-..."
	Want      string // the state waited for
	LastState string // what the last successful poll saw, "" if none
	Polls     int
	Waited    time.Duration
	// Err says why the wait ended (the provider's error, ErrWaitTimedOut
	// with the last poll's error, or the context's error).
	Err error
}

// Error says what was awaited, why the wait ended, and how it went.
func (e *WaitError) Error() string {
	return (&transport.WaitError{Service: e.Service, Resource: e.Resource, Want: e.Want, LastState: e.LastState, Polls: e.Polls,
		Waited: e.Waited, Err: e.Err}).Error()
}

// Unwrap returns why the wait ended.
func (e *WaitError) Unwrap() error { return e.Err }

// ErrWaitTimedOut is matched by a *WaitError whose maximum wait ran out.
var ErrWaitTimedOut = transport.ErrWaitTimedOut

// ValidationError lists the rules a request breaks, found before anything
// was sent: nothing was. errors.Is matches each violation's ErrorCode.
type ValidationError struct {
	Service    string // "ga"
	Request    string // the request type, e.g. "CreateListenerRequest"
	Violations []*FieldError
	// Omitted counts the violations found beyond the first 50, not listed.
	Omitted int
}

// Error lists every violation.
func (e *ValidationError) Error() string {
	v := &validate.Error{Service: e.Service, Request: e.Request, Omitted: e.Omitted}
	for _, f := range e.Violations {
		v.Violations = append(v.Violations, &validate.FieldError{Field: f.Field, Code: f.Code, Message: f.Message})
	}
	return v.Error()
}

// Unwrap returns the violations, so errors.Is and errors.As see each one
// and its code.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Violations))
	for i, v := range e.Violations {
		errs[i] = v
	}
	return errs
}

// FieldError is one broken rule: the field in Go syntax (PortRanges[1].ToPort), the
// documented code, and what is wrong.
type FieldError struct {
	Field   string
	Code    ErrorCode
	Message string
}

// Error is "Field: Code: Message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Code.Error() + ": " + e.Message }

// Unwrap returns the code, so errors.Is matches it.
func (e *FieldError) Unwrap() error { return e.Code }

// public builds this package's error types from the shared layer's.
var public = transport.Public{
	Operation: func(e *transport.OperationError, cause error) error {
		return &OperationError{Service: e.Service, Action: e.Action, Attempts: e.Attempts, MayHaveApplied: e.MayHaveApplied,
			IdempotencyToken: e.IdempotencyToken, Err: cause}
	},
	Response: func(e *transport.ResponseError, cause error) error {
		return &ResponseError{StatusCode: e.StatusCode, ContentType: e.ContentType, Reason: e.Reason, Excerpt: e.Excerpt, Err: cause}
	},
	Redirect: func(e *transport.RedirectError) error {
		return &RedirectError{StatusCode: e.StatusCode, LocationHost: e.LocationHost}
	},
	Wait: func(e *transport.WaitError, cause error) error {
		return &WaitError{Service: e.Service, Resource: e.Resource, Want: e.Want, LastState: e.LastState, Polls: e.Polls,
			Waited: e.Waited, Err: cause}
	},
	Validation: func(e *validate.Error) error {
		out := &ValidationError{Service: e.Service, Request: e.Request, Omitted: e.Omitted}
		for _, v := range e.Violations {
			code, _ := v.Code.(ErrorCode)
			out.Violations = append(out.Violations, &FieldError{Field: v.Field, Code: code, Message: v.Message})
		}
		return out
	},
}
