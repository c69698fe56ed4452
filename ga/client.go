package ga

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/signing"
)

// DefaultEndpoint is the GA API's address.
const DefaultEndpoint = "https://ga.cn-hangzhou.aliyuncs.com"

// APIVersion is the GA API version this package speaks.
const APIVersion = "2019-11-20"

// ListenerCreator is the one method most services need: depend on it in your
// code and pass a *Client in production, a fake in tests.
type ListenerCreator interface {
	CreateListener(ctx context.Context, req *CreateListenerRequest) (*CreateListenerResponse, error)
}

var _ ListenerCreator = (*Client)(nil)

// Client calls the GA API. It is safe for concurrent use; make one and share
// it.
type Client struct {
	t *transport.Client
}

// Option configures a Client; an option given a bad value makes NewClient
// fail.
type Option func(*transport.Config) error

// WithEndpoint sends calls to url instead of DefaultEndpoint (a test server,
// a proxy): an absolute http or https URL.
func WithEndpoint(url string) Option {
	return func(c *transport.Config) error { return c.SetEndpoint(url) }
}

// WithCredentials signs with p instead of the ALIBABA_CLOUD_* environment
// variables.
func WithCredentials(p signing.CredentialsProvider) Option {
	return func(c *transport.Config) error { return c.SetCredentials(p) }
}

// WithHTTPClient sends through a copy of hc (its Transport, Timeout,
// proxy); hc itself is not modified. The copy never follows redirects
// (hc's CheckRedirect is replaced) and its Transport gets requests without
// GetBody, so it cannot replay one. HTTP/2 is used when the server offers
// it, as with net/http's default.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *transport.Config) error { return c.SetHTTPClient(hc) }
}

// WithMaxAttempts bounds the attempts of one call, retries included: 1 to
// 10, default 3; 1 disables retries.
func WithMaxAttempts(n int) Option {
	return func(c *transport.Config) error { return c.SetMaxAttempts(n) }
}

// WithLogger logs one record per attempt: action, host, attempt, status,
// latency, request id and the masked access key id; failures at Warn,
// successes at Debug. Secrets, tokens and signatures are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *transport.Config) error { return c.SetLogger(l) }
}

// WithRetryBackoff sets the first retry delay and its cap (defaults 200ms
// and 5s); delays double per attempt, with jitter.
func WithRetryBackoff(base, maxDelay time.Duration) Option {
	return func(c *transport.Config) error { return c.SetBackoff(base, maxDelay) }
}

// NewClient returns a Client for DefaultEndpoint, signing with the
// ALIBABA_CLOUD_* environment variables unless options say otherwise.
// Credentials are read on each call, not here.
func NewClient(opts ...Option) (*Client, error) {
	cfg := transport.NewConfig(DefaultEndpoint, signing.NewAlibabaEnvCredentials())
	if err := transport.ApplyOptions("ga", cfg, opts); err != nil {
		return nil, err
	}
	t, err := transport.New(cfg, dialect)
	if err != nil {
		return nil, err
	}
	return &Client{t: t}, nil
}

// CreateListener creates a listener on an accelerator. The request is
// validated first: a *ValidationError means nothing was sent. An empty
// ClientToken is filled with a new UUID, kept across retries, so the call
// is retried safely on connection failures, 5xx, 429, Throttling* (with
// any status) and ServiceUnavailable. A 3xx is a *RedirectError, never
// followed. Other failures are an *OperationError wrapping an
// *APIError, a *ResponseError, a network error or the context's error.
//
// The listener is created asynchronously; its ListenerId is returned at once.
//
// API: https://help.aliyun.com/document_detail/153253.html
func (c *Client) CreateListener(ctx context.Context, req *CreateListenerRequest) (*CreateListenerResponse, error) {
	t, err := c.transport()
	if err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	token := req.ClientToken
	if token == "" {
		token = newUUID()
	}
	params, err := req.params(token)
	if err != nil {
		return nil, fmt.Errorf("ga: encoding CreateListenerRequest: %w", err)
	}
	var out CreateListenerResponse
	if err := t.Do(ctx, "CreateListener", params, &out); err != nil {
		return nil, err
	}
	out.ClientToken = token
	return &out, nil
}

// transport returns the client's transport, or an error for a nil or zero
// Client (one not made by NewClient).
func (c *Client) transport() (*transport.Client, error) {
	if c == nil || c.t == nil {
		return nil, errors.New("ga: the *ga.Client is nil or zero: make one with ga.NewClient")
	}
	return c.t, nil
}

// dialect is what makes the shared transport speak GA.
var dialect = transport.Dialect{
	Service:    "ga",
	TokenParam: "ClientToken",
	Common:     common,
	Sign:       sign,
	Decode:     decode,
	Retryable:  retryable,
}

// common is the common parameters of Alibaba Cloud RPC signature 1.0.
func common(a *transport.Attempt) signing.Params {
	p := signing.Params{
		{Name: "Version", Value: APIVersion},
		{Name: "Format", Value: "JSON"},
		{Name: "AccessKeyId", Value: a.Credentials.ID},
		{Name: "SignatureMethod", Value: "HMAC-SHA1"},
		{Name: "SignatureVersion", Value: "1.0"},
		{Name: "SignatureNonce", Value: strconv.FormatInt(a.Nonce, 10)},
		{Name: "Timestamp", Value: a.Time.UTC().Format("2006-01-02T15:04:05Z")},
	}
	if a.Credentials.SessionToken != "" {
		p = append(p, signing.Param{Name: "SecurityToken", Value: a.Credentials.SessionToken})
	}
	return p
}

func sign(p signing.Params, a *transport.Attempt) string {
	return signing.AlibabaRPCSignature(a.Method, p, a.Credentials.Secret)
}

// createListenerAnswer is every field a CreateListener answer may carry:
// a success's, or an error's (which the service can send with status 200,
// e.g. throttling at its gateway).
type createListenerAnswer struct {
	RequestID  string `json:"RequestId"`
	ListenerID string `json:"ListenerId"`
	Code       string `json:"Code"`
	Message    string `json:"Message"`
	HostID     string `json:"HostId"`
	Recommend  string `json:"Recommend"`
}

// decode reads an answer of any status: a Code makes it an *APIError
// whatever the status; a 2xx without one is a success only with a usable
// ListenerId.
func decode(r *transport.Response, out any) (string, error) {
	var a createListenerAnswer
	if err := transport.DecodeJSON(r, &a); err != nil {
		return "", err
	}
	requestID := transport.Clip(a.RequestID)
	success := r.StatusCode >= 200 && r.StatusCode <= 299
	switch {
	case a.Code != "":
		return requestID, &APIError{StatusCode: r.StatusCode, Code: transport.Clip(a.Code), Message: transport.Clip(a.Message),
			RequestID: requestID, HostID: transport.Clip(a.HostID), Recommend: transport.Clip(a.Recommend)}
	case !success:
		return requestID, transport.NewResponseError(r, "error answer without Code", nil)
	case a.ListenerID == "":
		return requestID, transport.NewResponseError(r, "success answer without ListenerId", nil)
	case !transport.ValidID(a.ListenerID):
		return requestID, transport.NewResponseError(r, "success answer whose ListenerId is not an identifier (1-128 printable ASCII characters)", nil)
	}
	*out.(*CreateListenerResponse) = CreateListenerResponse{RequestID: a.RequestID, ListenerID: a.ListenerID}
	return requestID, nil
}

// retryable: CreateListener carries a ClientToken, so even a request that
// reached the service may be sent again; retry what can pass on a second
// try.
func retryable(f *transport.Failure) bool {
	if f.Connection || f.StatusCode >= 500 || f.StatusCode == http.StatusTooManyRequests {
		return true
	}
	var e *APIError
	return errors.As(f.Err, &e) && (strings.HasPrefix(e.Code, string(ErrThrottling)) || e.Code == string(ErrServiceUnavailable))
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+ panics instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
