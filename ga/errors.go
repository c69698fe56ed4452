package ga

import (
	"fmt"
	"net/http"
)

// ErrorCode is an error code of the GA API. Every code is an error value, so
// errors.Is(err, ga.ErrPortConflictListener) matches both the service's
// answer (an *APIError with that Code) and a local validation failure of the
// same rule.
type ErrorCode string

// Error returns the code itself.
func (c ErrorCode) Error() string { return string(c) }

// HTTPStatus is the HTTP status the service answers the code with.
func (c ErrorCode) HTTPStatus() int {
	switch c {
	case ErrInternalError:
		return http.StatusInternalServerError
	case ErrServiceUnavailable:
		return http.StatusServiceUnavailable
	case ErrInvalidAccessKeyIdNotFound:
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// Error codes of CreateListener, from the API page
// (https://help.aliyun.com/document_detail/153253.html). All are HTTP 400.
const (
	// ErrProtocalIllegalListener: the listener protocol is invalid (the
	// service's own spelling).
	ErrProtocalIllegalListener ErrorCode = "ProtocalIllegal.Listener"
	// ErrNotExistAccelerator: the accelerator does not exist.
	ErrNotExistAccelerator ErrorCode = "NotExist.Accelerator"
	// ErrStateErrorAccelerator: the accelerator is not in a state that
	// accepts listeners.
	ErrStateErrorAccelerator ErrorCode = "StateError.Accelerator"
	// ErrQuotaExceededListener: the accelerator has its maximum of listeners.
	ErrQuotaExceededListener ErrorCode = "QuotaExceeded.Listener"
	// ErrQuotaExceededListenerPort: the maximum number of listener ports is
	// exceeded.
	ErrQuotaExceededListenerPort ErrorCode = "QuotaExceeded.ListenerPort"
	// ErrPortRangeIllegalListener: a port is outside 1..65499 or a range is
	// reversed.
	ErrPortRangeIllegalListener ErrorCode = "PortRangeIllegal.Listener"
	// ErrPortRangeIllegalCount: a range of more than 300 ports must be the
	// listener's only range.
	ErrPortRangeIllegalCount ErrorCode = "PortRangeIllegal.Count"
	// ErrPortConflictListener: port ranges overlap, in the request or with
	// the accelerator's existing listeners.
	ErrPortConflictListener ErrorCode = "PortConflict.Listener"
	// ErrPortRangeIllegalExceedGaAbility: an accelerator takes one listener
	// with more than 300 ports per protocol.
	ErrPortRangeIllegalExceedGaAbility ErrorCode = "PortRangeIllegal.ExceedGaAbility"
	// ErrPortRangeIllegalUDP: UDP ports 250, 4789 and 4790 are reserved.
	ErrPortRangeIllegalUDP ErrorCode = "PortRangeIllegal.UDP"
	// ErrSystemPortListener: ports 65500-65535 are reserved.
	ErrSystemPortListener ErrorCode = "SystemPort.Listener"
	// ErrPortRangesMustOne: http and https listeners take exactly one port.
	ErrPortRangesMustOne ErrorCode = "PortRanges.MustOne"
	// ErrNotExistListener: the listener does not exist (DescribeListener).
	ErrNotExistListener ErrorCode = "NotExist.Listener"
)

// Common error codes of Alibaba Cloud RPC APIs.
const (
	// ErrThrottling: the request was throttled; it is retried.
	ErrThrottling ErrorCode = "Throttling"
	// ErrThrottlingUser: the account's request rate is exceeded; retried.
	ErrThrottlingUser ErrorCode = "Throttling.User"
	// ErrThrottlingApi: the API's request rate is exceeded; retried.
	ErrThrottlingApi ErrorCode = "Throttling.Api"
	// ErrServiceUnavailable: HTTP 503; retried.
	ErrServiceUnavailable ErrorCode = "ServiceUnavailable"
	// ErrInternalError: HTTP 500; retried.
	ErrInternalError ErrorCode = "InternalError"
	// ErrSignatureDoesNotMatch: the signature is wrong, usually the secret.
	ErrSignatureDoesNotMatch ErrorCode = "SignatureDoesNotMatch"
	// ErrInvalidAccessKeyIdNotFound: the access key id is unknown (HTTP 404).
	ErrInvalidAccessKeyIdNotFound ErrorCode = "InvalidAccessKeyId.NotFound"
	// ErrSignatureNonceUsed: the nonce was used before (a replay).
	ErrSignatureNonceUsed ErrorCode = "SignatureNonceUsed"
	// ErrInvalidTimeStampExpired: the timestamp is too far from the
	// service's clock.
	ErrInvalidTimeStampExpired ErrorCode = "InvalidTimeStamp.Expired"
	// ErrMissingParameter: a required parameter is missing. A common code
	// of the service, which Validate also uses for the page's required
	// fields (AcceleratorId, PortRanges, an https listener's Certificates).
	ErrMissingParameter ErrorCode = "MissingParameter"
	// ErrIncompleteSignature: the signature parameters are incomplete.
	ErrIncompleteSignature ErrorCode = "IncompleteSignature"
	// ErrInvalidParameter: a parameter breaks a documented rule that has no
	// code of its own. A common code of the service, which Validate also
	// uses for such rules of the page (Name, ClientToken, RegionId,
	// ClientAffinity); the SDK has no codes of its own.
	ErrInvalidParameter ErrorCode = "InvalidParameter"
)

// APIError is an error answered by the GA service.
type APIError struct {
	StatusCode int `json:"-"`
	// Code is the service's error code; it compares with the ErrorCode
	// constants (api.Code == ga.ErrPortConflictListener).
	Code      ErrorCode `json:"Code"`
	Message   string    `json:"Message"`
	RequestID string    `json:"RequestId"`
	HostID    string    `json:"HostId"`
	Recommend string    `json:"Recommend"`
}

// Error shows the code, the message, the status and the request id.
func (e *APIError) Error() string {
	return fmt.Sprintf("ga: %s: %s (HTTP %d, RequestId %s)", e.Code, e.Message, e.StatusCode, e.RequestID)
}

// HTTPStatusCode is the answer's HTTP status.
func (e *APIError) HTTPStatusCode() int { return e.StatusCode }

// Is reports whether target is the ErrorCode of e.
func (e *APIError) Is(target error) bool {
	c, ok := target.(ErrorCode)
	return ok && c == e.Code
}

// MayHaveApplied is true for 5xx answers other than ServiceUnavailable: the
// service failed while handling the request and may have acted on it.
func (e *APIError) MayHaveApplied() bool {
	return e.StatusCode >= 500 && e.Code != ErrServiceUnavailable
}
