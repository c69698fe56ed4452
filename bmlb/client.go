package bmlb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/lenient"
	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/signing"
)

// DefaultEndpoint is the BMLB 2.0 API's address, path included.
const DefaultEndpoint = "https://bmlb.api.qcloud.com/v2/index.php"

// ListenerCreator is the one method most services need: depend on it in your
// code and pass a *Client in production, a fake in tests.
type ListenerCreator interface {
	CreateBmListeners(ctx context.Context, req *CreateBmListenersRequest) (*CreateBmListenersResponse, error)
}

var _ ListenerCreator = (*Client)(nil)

// Client calls the BMLB 2.0 API in one region. It is safe for concurrent
// use; make one per region and share it.
type Client struct {
	t     *transport.Client
	tasks *transport.Client // the same, on the task endpoint
}

// errNotMade is the error of every method of a nil or zero Client.
var errNotMade = errors.New("bmlb: the *bmlb.Client is nil or zero: make one with bmlb.NewClient")

// config is what the options set: the shared transport settings and what
// only BMLB has.
type config struct {
	transport       *transport.Config
	region          string
	signatureMethod string
	taskEndpoint    *url.URL
}

// Option configures a Client; an option given a bad value makes NewClient
// fail.
type Option func(*config) error

// WithEndpoint sends calls to url (path included) instead of DefaultEndpoint.
func WithEndpoint(url string) Option {
	return func(c *config) error { return c.transport.SetEndpoint(url) }
}

// WithTaskEndpoint sends DescribeBmLoadBalancersTaskResult (and so the
// task waits) to url instead of the client's endpoint: older pages name
// lb.api.qcloud.com, the previous generation of the API, for it.
func WithTaskEndpoint(url string) Option {
	return func(c *config) error {
		u, err := transport.ParseEndpoint(url)
		if err != nil {
			return err
		}
		c.taskEndpoint = u
		return nil
	}
}

// WithUserAgent appends app, an application's name and version such as
// "billing/1.4", to the User-Agent every request carries
// ("listenerkit-go/<version> (<go>; <os>/<arch>) billing/1.4"), so the
// vendor's logs can tell your traffic apart.
func WithUserAgent(app string) Option {
	return func(c *config) error { return c.transport.SetUserAgent(app) }
}

// WithWaiterDelays sets the shortest and longest pause between a waiter's
// polls (defaults 1s and 15s); the pause doubles per poll, with jitter.
func WithWaiterDelays(minDelay, maxDelay time.Duration) Option {
	return func(c *config) error { return c.transport.SetWaitDelays(minDelay, maxDelay) }
}

// WithRegion sets the Region common parameter (bj, gz, sh, ...). Required.
func WithRegion(region string) Option {
	return func(c *config) error {
		if region == "" {
			return errors.New("empty region")
		}
		c.region = region
		return nil
	}
}

// WithCredentials signs with p instead of the TENCENTCLOUD_* environment
// variables.
func WithCredentials(p signing.CredentialsProvider) Option {
	return func(c *config) error { return c.transport.SetCredentials(p) }
}

// WithSignatureMethod chooses signing.HmacSHA256 (the default) or
// signing.HmacSHA1.
func WithSignatureMethod(method string) Option {
	return func(c *config) error {
		if method != signing.HmacSHA256 && method != signing.HmacSHA1 {
			return fmt.Errorf("signature method %q: want %s or %s", method, signing.HmacSHA256, signing.HmacSHA1)
		}
		c.signatureMethod = method
		return nil
	}
}

// WithHTTPClient sends through a copy of hc (its Transport, Timeout,
// proxy); hc itself is not modified. The copy never follows redirects
// (hc's CheckRedirect is replaced) and its Transport gets requests without
// GetBody, so it cannot replay one. HTTP/2 is used when the server offers
// it, as with net/http's default.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.transport.SetHTTPClient(hc) }
}

// WithMaxAttempts bounds the attempts of one call: 1 to 10, default 3; 1
// disables retries. Only attempts that provably reached no connection, and
// rate-limit refusals, are retried.
func WithMaxAttempts(n int) Option {
	return func(c *config) error { return c.transport.SetMaxAttempts(n) }
}

// WithLogger logs one record per attempt; secrets, tokens and signatures
// are never logged, the SecretId only masked.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.transport.SetLogger(l) }
}

// WithRetryBackoff sets the first retry delay and its cap (defaults 200ms
// and 5s).
func WithRetryBackoff(base, maxDelay time.Duration) Option {
	return func(c *config) error { return c.transport.SetBackoff(base, maxDelay) }
}

// NewClient returns a Client. WithRegion is required. Unless
// WithCredentials says otherwise, it signs with
// signing.NewTencentDefaultCredentials: the TENCENTCLOUD_* environment
// variables first, then ~/.tencentcloud/credentials, TKE OIDC and the CVM
// instance role (its warnings go to WithLogger's logger). Credentials are
// looked for at the first call, not here.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{
		transport:       transport.NewConfig(DefaultEndpoint, nil),
		signatureMethod: signing.HmacSHA256,
	}
	if err := transport.ApplyOptions("bmlb", cfg, opts); err != nil {
		return nil, err
	}
	cfg.transport.DefaultCredentials(func(l *slog.Logger) signing.CredentialsProvider {
		return signing.NewTencentDefaultCredentials(signing.WithLogger(l))
	})
	if cfg.region == "" {
		return nil, errors.New("bmlb: a region is required (WithRegion)")
	}
	t, err := transport.New(cfg.transport, newDialect(cfg.region, cfg.signatureMethod))
	if err != nil {
		return nil, err
	}
	tasks := t
	if cfg.taskEndpoint != nil {
		tasks = t.WithEndpoint(cfg.taskEndpoint)
	}
	return &Client{t: t, tasks: tasks}, nil
}

// CreateBmListeners creates layer-4 listeners on a black-stone load
// balancer. The request is validated first: a *ValidationError means nothing
// was sent. The call has no idempotency token, so it is re-sent only when
// net/http reports that no byte of it reached a connection (refused, DNS,
// TLS handshake) or it was refused for its rate (4400, HTTP 429). A 3xx is
// a *RedirectError, never followed. Other failures are an
// *OperationError (see MayHaveApplied) wrapping an *APIError, a
// *ResponseError, a network error or the context's error.
//
// The work is asynchronous: TaskID is the task's id, for WaitForTask or
// DescribeBmLoadBalancersTaskResult. EnsureBmListeners does all of it and
// can finish a create whose outcome was lost.
//
// API: https://cloud.tencent.com/document/product/386/9292
func (c *Client) CreateBmListeners(ctx context.Context, req *CreateBmListenersRequest) (*CreateBmListenersResponse, error) {
	out, err := c.createBmListeners(ctx, req)
	return out, public.Convert(err)
}

func (c *Client) createBmListeners(ctx context.Context, req *CreateBmListenersRequest) (*CreateBmListenersResponse, error) {
	if c == nil || c.t == nil {
		return nil, errNotMade
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	pooled := transport.GetParams()
	defer transport.PutParams(pooled)
	params, err := req.appendParams(*pooled)
	if err != nil {
		return nil, fmt.Errorf("bmlb: encoding CreateBmListenersRequest: %w", err)
	}
	*pooled = params
	var out CreateBmListenersResponse
	if err := c.t.Do(ctx, "CreateBmListeners", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// newDialect is what makes the shared transport speak BMLB 2.0.
func newDialect(region, signatureMethod string) transport.Dialect {
	return transport.Dialect{
		Service: "bmlb",
		Common: func(a *transport.Attempt) signing.Params {
			p := signing.Params{
				{Name: "Region", Value: region},
				{Name: "Timestamp", Value: strconv.FormatInt(a.Time.Unix(), 10)},
				{Name: "Nonce", Value: strconv.FormatInt(a.Nonce, 10)},
				{Name: "SecretId", Value: a.Credentials.ID},
				{Name: "SignatureMethod", Value: signatureMethod},
			}
			if a.Credentials.SessionToken != "" {
				p = append(p, signing.Param{Name: "Token", Value: a.Credentials.SessionToken})
			}
			return p
		},
		Sign: func(p signing.Params, a *transport.Attempt) string {
			return signing.TencentV2Signature(a.Method, a.Host, a.Path, p, a.Credentials.Secret, signatureMethod)
		},
		Decode:    decode,
		Retryable: retryable,
	}
}

// envelope is what every 2.0 answer carries.
type envelope struct {
	Code     lenient.Int `json:"code"`
	Message  string      `json:"message"`
	CodeDesc string      `json:"codeDesc"`
}

// checkedAnswer is a success answer that can tell whether it is usable:
// checkAnswer returns why not, or "".
type checkedAnswer interface{ checkAnswer() string }

// decode reads an answer. The service answers 200; an answer of another
// status (a gateway's 429, a proxy's 5xx) is an *APIError when it carries
// the usual JSON with a code, and a *ResponseError otherwise. A success is
// decoded into out, which must then pass its own check.
func decode(r *transport.Response, out any) (string, error) {
	var e envelope
	if err := transport.DecodeJSON(r, &e); err != nil {
		return "", err
	}
	switch {
	case !e.Code.Set && r.StatusCode != http.StatusOK:
		return "", transport.NewResponseError(r, "HTTP status "+strconv.Itoa(r.StatusCode)+" (the service answers 200)", nil)
	case !e.Code.Set:
		return "", transport.NewResponseError(r, "answer without code", nil)
	case e.Code.N != 0:
		message := transport.Clip(e.Message)
		return "", &APIError{HTTPStatus: r.StatusCode, Code: ErrorCode(e.Code.N), CodeDesc: transport.Clip(e.CodeDesc), Message: message, ModuleCode: moduleCode(message)}
	case r.StatusCode != http.StatusOK:
		return "", transport.NewResponseError(r, "success code with HTTP status "+strconv.Itoa(r.StatusCode), nil)
	}
	if err := transport.DecodeJSON(r, out); err != nil {
		return "", err
	}
	if c, ok := out.(checkedAnswer); ok {
		if reason := c.checkAnswer(); reason != "" {
			return "", transport.NewResponseError(r, reason, nil)
		}
	}
	if t, ok := out.(*CreateBmListenersResponse); ok {
		return strconv.FormatInt(t.TaskID, 10), nil
	}
	return "", nil
}

// retryable: the call is not idempotent, so only what never reached the
// service, or what was refused for its rate before being acted on (code
// 4400, HTTP 429), is sent again.
//
// Why a rate refusal is safe to send again: Tencent's own Go SDK
// (tencentcloud-sdk-go, common/http_client's sendWithRateLimitRetry)
// re-sends any action answered RequestLimitExceeded, whether or not the
// action may be retried after a network failure; the limit is enforced at
// the API gateway, before the action runs. HTTP 429 is taken the same way
// (RFC 6585: the server refused the request for its rate).
func retryable(f *transport.Failure) bool {
	if !f.Sent || (f.StatusCode == http.StatusTooManyRequests && !f.MayHaveApplied) {
		return true
	}
	var e *APIError
	return errors.As(f.Err, &e) && e.Code == ErrQuotaExceeded
}
