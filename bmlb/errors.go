package bmlb

import (
	"fmt"
	"strconv"
)

// ErrorCode is an error code of the BMLB 2.0 API: one of the
// CreateBmListeners page's own codes (9003, -12013, ...) or a common 2.0
// code (4000, 4100, ...). Every code is a constant and an error value:
// errors.Is(err, bmlb.ErrX) matches the service's *APIError (whichever way
// it carried the code) and a local validation failure of the same rule, and
// a code compares equal to an APIError's Code or ModuleCode.
type ErrorCode int

// Error codes of CreateBmListeners, from the API page
// (https://cloud.tencent.com/document/product/386/9292).
const (
	// ErrInvalidParameter (9003): a parameter is wrong.
	ErrInvalidParameter ErrorCode = 9003
	// ErrInternalErrorCCDBAbnormal (9006): the CCDB service failed.
	ErrInternalErrorCCDBAbnormal ErrorCode = 9006
	// ErrInvalidParameterCCDBLBNotExist (11041): no such load balancer.
	ErrInvalidParameterCCDBLBNotExist ErrorCode = 11041
	// ErrIncorrectStatusLBWrongStatus (12003): the load balancer's status
	// does not allow the operation.
	ErrIncorrectStatusLBWrongStatus ErrorCode = 12003
	// ErrInvalidResourceListenerNumberOverLimit (12014): more than 50
	// listeners on one load balancer.
	ErrInvalidResourceListenerNumberOverLimit ErrorCode = 12014
	// ErrInvalidParameterVportIsDuplicate (-12013): a listener already has
	// this protocol and port.
	ErrInvalidParameterVportIsDuplicate ErrorCode = -12013
)

// Common error codes of Tencent Cloud API 2.0.
const (
	// ErrInvalidRequest (4000): parameters are missing or malformed.
	ErrInvalidRequest ErrorCode = 4000
	// ErrAuthFailure (4100, and its variants 4101-4110): authentication failed.
	ErrAuthFailure ErrorCode = 4100
	// ErrRequestExpired (4200): the request expired.
	ErrRequestExpired ErrorCode = 4200
	// ErrAccessDenied (4300): the account may not call this.
	ErrAccessDenied ErrorCode = 4300
	// ErrQuotaExceeded (4400): too many requests; retried.
	ErrQuotaExceeded ErrorCode = 4400
	// ErrReplayAttack (4500): a reused Nonce, or a Timestamp too far off.
	ErrReplayAttack ErrorCode = 4500
	// ErrUnsupportedProtocol (4600): HTTPS is required.
	ErrUnsupportedProtocol ErrorCode = 4600
	// ErrResourceNotFound (5000): the resource does not exist.
	ErrResourceNotFound ErrorCode = 5000
	// ErrOperationFailed (5100): the operation failed.
	ErrOperationFailed ErrorCode = 5100
	// ErrPartialSuccess (5400): part of the request was applied.
	ErrPartialSuccess ErrorCode = 5400
	// ErrInternalError (6000): the service failed.
	ErrInternalError ErrorCode = 6000
	// ErrUnsupportedVersion (6100): not supported in this version.
	ErrUnsupportedVersion ErrorCode = 6100
	// ErrAPIUnavailable (6200): the API is unavailable for now.
	ErrAPIUnavailable ErrorCode = 6200
)

// codeInfo is what the service says with a code: its codeDesc and, for the
// page's own codes, the common code it arrives under.
var codeInfo = map[ErrorCode]struct {
	desc   string
	common ErrorCode // 0 for a common code
}{
	ErrInvalidParameter: {"InvalidParameter", ErrInvalidRequest}, ErrInternalErrorCCDBAbnormal: {"InternalError.CCDBAbnormal", ErrInternalError},
	ErrInvalidParameterCCDBLBNotExist:         {"InvalidParameter.CCDBLBNotExist", ErrInvalidRequest},
	ErrIncorrectStatusLBWrongStatus:           {"IncorrectStatus.LBWrongStatus", ErrInvalidRequest},
	ErrInvalidResourceListenerNumberOverLimit: {"InvalidResource.ListenerNumberOverLimit", ErrInvalidRequest},
	ErrInvalidParameterVportIsDuplicate:       {"InvalidParameter.VportIsDuplicate", ErrInvalidRequest},
	ErrInvalidRequest:                         {"InvalidParameter", 0}, ErrAuthFailure: {"AuthFailure", 0}, ErrRequestExpired: {"RequestExpired", 0},
	ErrAccessDenied: {"AccessDenied", 0}, ErrQuotaExceeded: {"RequestLimitExceeded", 0}, ErrReplayAttack: {"ReplayAttack", 0},
	ErrUnsupportedProtocol: {"UnsupportedProtocol", 0}, ErrResourceNotFound: {"ResourceNotFound", 0},
	ErrOperationFailed: {"FailedOperation", 0}, ErrPartialSuccess: {"PartialSuccess", 0}, ErrInternalError: {"InternalError", 0},
	ErrUnsupportedVersion: {"UnsupportedOperation", 0}, ErrAPIUnavailable: {"ServiceUnavailable", 0},
}

// Desc is the codeDesc the service answers with the code
// ("InvalidParameter.VportIsDuplicate"), empty for a code this package
// does not know.
func (c ErrorCode) Desc() string { return codeInfo[c].desc }

// Common is the common 2.0 code a page's code arrives under in "code"
// (4000 for -12013, 6000 for 9006); a common code is its own.
func (c ErrorCode) Common() ErrorCode {
	if common := codeInfo[c].common; common != 0 {
		return common
	}
	return c
}

// Error is "InvalidParameter.VportIsDuplicate (-12013)", or just the
// number for a code this package does not know.
func (c ErrorCode) Error() string {
	if d := c.Desc(); d != "" {
		return d + " (" + strconv.Itoa(int(c)) + ")"
	}
	return strconv.Itoa(int(c))
}

// isPage reports whether c is one of the page's own codes.
func (c ErrorCode) isPage() bool { return codeInfo[c].common != 0 }

// APIError is an error answered by the service: code != 0.
type APIError struct {
	// HTTPStatus is the HTTP status (the service answers errors with 200).
	HTTPStatus int
	// Code is the answer's "code": usually a common 2.0 code, sometimes a
	// page's own.
	Code ErrorCode
	// CodeDesc is the service's codeDesc, e.g. InvalidParameter.VportIsDuplicate.
	CodeDesc string
	// Message is the service's message.
	Message string
	// ModuleCode is the API's own code when Message starts with one, as in
	// "(-12013)...", or 0.
	ModuleCode ErrorCode
}

// Error shows the code, the codeDesc, the module code when there is one,
// and the message.
func (e *APIError) Error() string {
	module := ""
	if e.ModuleCode != 0 {
		module = fmt.Sprintf(" (module %d)", e.ModuleCode)
	}
	return fmt.Sprintf("bmlb: code %d %s%s: %s", e.Code, e.CodeDesc, module, e.Message)
}

// HTTPStatusCode is the answer's HTTP status (200 for the service's own
// errors).
func (e *APIError) HTTPStatusCode() int { return e.HTTPStatus }

// Is matches an ErrorCode: page codes by module code or codeDesc, common
// codes by code (4100 also matches its variants 4101-4110).
func (e *APIError) Is(target error) bool {
	t, ok := target.(ErrorCode)
	if !ok {
		return false
	}
	if t.isPage() {
		// How a module code is packed is not documented: match it in code,
		// as the message's "(NNNN)" prefix, or by codeDesc.
		return e.ModuleCode == t || e.Code == t || e.CodeDesc == t.Desc()
	}
	if t == ErrAuthFailure {
		return e.Code >= 4100 && e.Code <= 4110
	}
	return e.Code == t
}

// MayHaveApplied is true for a partial success (5400) and for the
// service's internal errors (6000, and the page's 9006
// InternalError.CCDBAbnormal, however it arrives): the service failed while
// handling the request, after which the task may exist. Deliberately
// pessimistic for 9006, whose page says only "CCDB service abnormal":
// EnsureBmListeners settles what such a failure left.
func (e *APIError) MayHaveApplied() bool {
	return e.Code == ErrPartialSuccess || e.Code == ErrInternalError || e.Is(ErrInternalErrorCCDBAbnormal)
}

// moduleCode reads "(-12013)..." at the start of a message.
func moduleCode(message string) ErrorCode {
	if len(message) < 3 || message[0] != '(' {
		return 0
	}
	for i := 1; i < len(message) && i < 12; i++ {
		if message[i] == ')' {
			n, err := strconv.Atoi(message[1:i])
			if err != nil {
				return 0
			}
			return ErrorCode(n)
		}
	}
	return 0
}
