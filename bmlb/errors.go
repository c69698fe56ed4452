package bmlb

import (
	"fmt"
	"strconv"

	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
)

// ErrorCode identifies an error of the BMLB 2.0 API. Codes of the
// CreateBmListeners page have a Module code and a Desc (the codeDesc the
// service answers); the common 2.0 codes have only Code. Every ErrorCode is
// an error value: errors.Is(err, bmlb.ErrX) matches the service's *APIError
// and a local validation failure of the same rule.
type ErrorCode struct {
	// Code is the common 2.0 code the service answers in "code".
	Code int
	// Module is the API's own code (the page's 错误代码), 0 for common codes.
	Module int
	// Desc is the service's codeDesc.
	Desc string
}

// Error names the code.
func (c ErrorCode) Error() string {
	if c.Module != 0 {
		return fmt.Sprintf("%s (%d)", c.Desc, c.Module)
	}
	return fmt.Sprintf("%s (%d)", c.Desc, c.Code)
}

// Error codes of CreateBmListeners, from the API page
// (https://cloud.tencent.com/document/product/386/9292).
var (
	// ErrInvalidParameter (9003): a parameter is wrong.
	ErrInvalidParameter = ErrorCode{Code: 4000, Module: 9003, Desc: "InvalidParameter"}
	// ErrInternalErrorCCDBAbnormal (9006): the CCDB service failed.
	ErrInternalErrorCCDBAbnormal = ErrorCode{Code: 6000, Module: 9006, Desc: "InternalError.CCDBAbnormal"}
	// ErrInvalidParameterCCDBLBNotExist (11041): no such load balancer.
	ErrInvalidParameterCCDBLBNotExist = ErrorCode{Code: 4000, Module: 11041, Desc: "InvalidParameter.CCDBLBNotExist"}
	// ErrIncorrectStatusLBWrongStatus (12003): the load balancer's status
	// does not allow the operation.
	ErrIncorrectStatusLBWrongStatus = ErrorCode{Code: 4000, Module: 12003, Desc: "IncorrectStatus.LBWrongStatus"}
	// ErrInvalidResourceListenerNumberOverLimit (12014): more than 50
	// listeners on one load balancer.
	ErrInvalidResourceListenerNumberOverLimit = ErrorCode{Code: 4000, Module: 12014, Desc: "InvalidResource.ListenerNumberOverLimit"}
	// ErrInvalidParameterVportIsDuplicate (-12013): a listener already has
	// this protocol and port.
	ErrInvalidParameterVportIsDuplicate = ErrorCode{Code: 4000, Module: -12013, Desc: "InvalidParameter.VportIsDuplicate"}
)

// Common error codes of Tencent Cloud API 2.0.
var (
	// ErrInvalidRequest (4000): parameters are missing or malformed.
	ErrInvalidRequest = ErrorCode{Code: 4000, Desc: "InvalidParameter"}
	// ErrAuthFailure (4100, and its variants 4101-4110): authentication failed.
	ErrAuthFailure = ErrorCode{Code: 4100, Desc: "AuthFailure"}
	// ErrRequestExpired (4200): the request expired.
	ErrRequestExpired = ErrorCode{Code: 4200, Desc: "RequestExpired"}
	// ErrAccessDenied (4300): the account may not call this.
	ErrAccessDenied = ErrorCode{Code: 4300, Desc: "AccessDenied"}
	// ErrQuotaExceeded (4400): too many requests; retried.
	ErrQuotaExceeded = ErrorCode{Code: 4400, Desc: "RequestLimitExceeded"}
	// ErrReplayAttack (4500): a reused Nonce, or a Timestamp too far off.
	ErrReplayAttack = ErrorCode{Code: 4500, Desc: "ReplayAttack"}
	// ErrUnsupportedProtocol (4600): HTTPS is required.
	ErrUnsupportedProtocol = ErrorCode{Code: 4600, Desc: "UnsupportedProtocol"}
	// ErrResourceNotFound (5000): the resource does not exist.
	ErrResourceNotFound = ErrorCode{Code: 5000, Desc: "ResourceNotFound"}
	// ErrOperationFailed (5100): the operation failed.
	ErrOperationFailed = ErrorCode{Code: 5100, Desc: "FailedOperation"}
	// ErrPartialSuccess (5400): part of the request was applied.
	ErrPartialSuccess = ErrorCode{Code: 5400, Desc: "PartialSuccess"}
	// ErrInternalError (6000): the service failed.
	ErrInternalError = ErrorCode{Code: 6000, Desc: "InternalError"}
	// ErrUnsupportedVersion (6100): not supported in this version.
	ErrUnsupportedVersion = ErrorCode{Code: 6100, Desc: "UnsupportedOperation"}
	// ErrAPIUnavailable (6200): the API is unavailable for now.
	ErrAPIUnavailable = ErrorCode{Code: 6200, Desc: "ServiceUnavailable"}
)

// APIError is an error answered by the service: code != 0.
type APIError struct {
	// HTTPStatus is the HTTP status (the service answers errors with 200).
	HTTPStatus int
	// Code is the common 2.0 code.
	Code int
	// CodeDesc is the service's codeDesc, e.g. InvalidParameter.VportIsDuplicate.
	CodeDesc string
	// Message is the service's message.
	Message string
	// ModuleCode is the API's own code when Message starts with one, as in
	// "(-12013)...", or 0.
	ModuleCode int
}

// Error shows the code, the codeDesc, the module code and the message.
func (e *APIError) Error() string {
	return fmt.Sprintf("bmlb: code %d %s (module %d): %s", e.Code, e.CodeDesc, e.ModuleCode, e.Message)
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
	if t.Module != 0 {
		// How a module code is packed is not documented: match it in code,
		// as the message's "(NNNN)" prefix, or by codeDesc.
		return e.ModuleCode == t.Module || e.Code == t.Module || e.CodeDesc == t.Desc
	}
	if t.Code == ErrAuthFailure.Code {
		return e.Code >= 4100 && e.Code <= 4110
	}
	return e.Code == t.Code
}

// MayHaveApplied is true for a partial success (5400) and for the
// service's internal errors (6000, and the page's 9006
// InternalError.CCDBAbnormal, however it arrives): the service failed while
// handling the request, after which the task may exist. Deliberately
// pessimistic for 9006, whose page says only "CCDB service abnormal":
// EnsureBmListeners settles what such a failure left.
func (e *APIError) MayHaveApplied() bool {
	return e.Code == ErrPartialSuccess.Code || e.Code == ErrInternalError.Code || e.Is(ErrInternalErrorCCDBAbnormal)
}

// moduleCode reads "(-12013)..." at the start of a message.
func moduleCode(message string) int {
	if len(message) < 3 || message[0] != '(' {
		return 0
	}
	for i := 1; i < len(message) && i < 12; i++ {
		if message[i] == ')' {
			n, err := strconv.Atoi(message[1:i])
			if err != nil {
				return 0
			}
			return n
		}
	}
	return 0
}

type (
	// ValidationError lists every rule a request breaks; nothing was sent.
	ValidationError = validate.Error
	// FieldError is one broken rule: the field, its ErrorCode and why.
	FieldError = validate.FieldError
	// OperationError wraps every failure of a call that was attempted,
	// with the attempts made and whether the request may have been applied.
	OperationError = transport.OperationError
	// ResponseError is an answer that could not be used: a non-200 status,
	// an empty, truncated, too large or non-JSON body.
	ResponseError = transport.ResponseError
	// RedirectError is a 3xx answer: redirects are never followed (the
	// signed parameters and the session token would go wherever Location
	// points), and nothing is re-sent.
	RedirectError = transport.RedirectError
	// WaitError is a wait that ended without its state: the maximum wait
	// ran out (errors.Is(err, ErrWaitTimedOut)), the task failed
	// (ErrTaskFailed), or the context ended. It says what was awaited, the
	// last state seen and how many polls were made.
	WaitError = transport.WaitError
)

// ErrWaitTimedOut is matched by a *WaitError whose maximum wait ran out.
var ErrWaitTimedOut = transport.ErrWaitTimedOut
