package ga

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
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
	t        *transport.Client
	busyWait time.Duration
	// creating holds, per accelerator id, a one-slot channel: the lock
	// that lets one create at a time reach that accelerator.
	creating sync.Map
}

// config is what the options set: the shared transport settings and what
// only GA has.
type config struct {
	transport *transport.Config
	// busyWait bounds how long a create answered StateError.Accelerator is
	// retried; 0 turns that off.
	busyWait time.Duration
	// signatureV3 signs with ACS3-HMAC-SHA256 instead of RPC signature 1.0.
	signatureV3 bool
}

// Option configures a Client; an option given a bad value makes NewClient
// fail.
type Option func(*config) error

// WithEndpoint sends calls to url instead of DefaultEndpoint (a test server,
// a proxy): an absolute http or https URL.
func WithEndpoint(url string) Option {
	return func(c *config) error { return c.transport.SetEndpoint(url) }
}

// WithCredentials signs with p instead of the ALIBABA_CLOUD_* environment
// variables.
func WithCredentials(p signing.CredentialsProvider) Option {
	return func(c *config) error { return c.transport.SetCredentials(p) }
}

// WithHTTPClient sends through a copy of hc (its Transport, Timeout,
// proxy); hc itself is not modified. The copy never follows redirects
// (hc's CheckRedirect is replaced) and its Transport gets requests without
// GetBody, so it cannot replay one. HTTP/2 is used when the server offers
// it, as with net/http's default.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.transport.SetHTTPClient(hc) }
}

// WithMaxAttempts bounds the attempts of one call, retries included: 1 to
// 10, default 3; 1 disables retries.
func WithMaxAttempts(n int) Option {
	return func(c *config) error { return c.transport.SetMaxAttempts(n) }
}

// WithLogger logs one record per attempt: action, host, attempt, status,
// latency, request id and the masked access key id; failures at Warn,
// successes at Debug. Secrets, tokens and signatures are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.transport.SetLogger(l) }
}

// WithRetryBackoff sets the first retry delay and its cap (defaults 200ms
// and 5s); delays double per attempt, with jitter.
func WithRetryBackoff(base, maxDelay time.Duration) Option {
	return func(c *config) error { return c.transport.SetBackoff(base, maxDelay) }
}

// DefaultBusyAcceleratorWait is how long a create answered
// StateError.Accelerator is sent again by default.
const DefaultBusyAcceleratorWait = 2 * time.Minute

// WithBusyAcceleratorWait bounds how long CreateListener keeps sending a
// create the service refuses with StateError.Accelerator (the accelerator
// is busy with a previous change; GA takes listener creates on one
// accelerator one at a time), pausing as the waiters do. 0 turns it off:
// the first StateError.Accelerator is returned. Default
// DefaultBusyAcceleratorWait; the context bounds it too.
func WithBusyAcceleratorWait(maxWait time.Duration) Option {
	return func(c *config) error {
		if maxWait < 0 {
			return fmt.Errorf("busy accelerator wait %v: must not be negative", maxWait)
		}
		c.busyWait = maxWait
		return nil
	}
}

// WithSignatureV3 signs every request with Alibaba Cloud's signature V3
// (ACS3-HMAC-SHA256: an Authorization header over the method, path, query,
// the host, content-type and x-acs-* headers, and the SHA-256 of the body)
// instead of the RPC signature 1.0 of the API page. The parameters are the
// same, sent as a form body; x-acs-signature-nonce is fresh per attempt and
// x-acs-security-token carries temporary credentials' token.
//
// Signature 1.0 stays the default: it is what the CreateListener page
// documents, and GA accepts both. V3 is what Alibaba's current SDKs send;
// choose it where a policy asks for SHA-256 or for the newer scheme.
func WithSignatureV3() Option {
	return func(c *config) error { c.signatureV3 = true; return nil }
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

// NewClient returns a Client for DefaultEndpoint. Unless WithCredentials
// says otherwise, it signs with signing.NewAlibabaDefaultCredentials: the
// ALIBABA_CLOUD_* environment variables first, then OIDC, the CLI's and the
// SDKs' files, the ECS instance role and a credentials URI, wherever the
// vendor's own tools find them (its warnings go to WithLogger's logger).
// Credentials are looked for at the first call, not here.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{
		transport: transport.NewConfig(DefaultEndpoint, nil),
		busyWait:  DefaultBusyAcceleratorWait,
	}
	if err := transport.ApplyOptions("ga", cfg, opts); err != nil {
		return nil, err
	}
	cfg.transport.DefaultCredentials(func(l *slog.Logger) signing.CredentialsProvider {
		return signing.NewAlibabaDefaultCredentials(signing.WithLogger(l))
	})
	d := dialect
	if cfg.signatureV3 {
		d = dialectV3
	}
	t, err := transport.New(cfg.transport, d)
	if err != nil {
		return nil, err
	}
	return &Client{t: t, busyWait: cfg.busyWait}, nil
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
	out, err := c.createListener(ctx, req)
	return out, public.Convert(err)
}

func (c *Client) createListener(ctx context.Context, req *CreateListenerRequest) (*CreateListenerResponse, error) {
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
	pooled := transport.GetParams()
	defer transport.PutParams(pooled)
	params, err := req.appendParams(*pooled, token)
	if err != nil {
		return nil, fmt.Errorf("ga: encoding CreateListenerRequest: %w", err)
	}
	*pooled = params
	slot, err := c.lockAccelerator(ctx, req.AcceleratorID, token)
	if err != nil {
		return nil, err
	}
	defer func() { <-slot }()
	var out CreateListenerResponse
	if err := c.untilNotBusy(ctx, t, req.AcceleratorID, func(ctx context.Context) error {
		return t.Do(ctx, "CreateListener", params, &out)
	}); err != nil {
		return nil, err
	}
	out.ClientToken = token
	return &out, nil
}

// lockAccelerator waits, within ctx, until no other create of this client
// is under way on the accelerator. The service takes one listener create
// per accelerator at a time (a second one meanwhile is refused with
// StateError.Accelerator), so creates from many goroutines queue here
// instead of being refused and retried against each other.
//
// It returns the accelerator's slot, taken: receive from it to let the
// next create through.
func (c *Client) lockAccelerator(ctx context.Context, acceleratorID, token string) (slot chan struct{}, err error) {
	if ctx == nil {
		return nil, errors.New("ga: nil context.Context: pass context.Background() or a context with a deadline")
	}
	v, ok := c.creating.Load(acceleratorID)
	if !ok {
		v, _ = c.creating.LoadOrStore(acceleratorID, make(chan struct{}, 1))
	}
	slot = v.(chan struct{})
	select {
	case slot <- struct{}{}:
		return slot, nil
	case <-ctx.Done():
		return nil, &OperationError{Service: "ga", Action: "CreateListener", IdempotencyToken: token,
			Err: fmt.Errorf("waiting for another create on accelerator %s to finish: %w", acceleratorID, ctx.Err())}
	}
}

// untilNotBusy sends a create, and sends it again while the accelerator
// answers StateError.Accelerator (busy with the previous change), pausing
// as the waiters do (WithWaiterDelays), for at most the client's busy wait
// and within ctx. The ClientToken makes each resend safe: at most one
// listener is created. It returns the last attempt's error.
func (c *Client) untilNotBusy(ctx context.Context, t *transport.Client, acceleratorID string, send func(context.Context) error) error {
	last := send(ctx)
	if c.busyWait <= 0 || !errors.Is(last, ErrStateErrorAccelerator) {
		return last
	}
	w := t.Waiter("accelerator "+acceleratorID, "ready for a listener", c.busyWait)
	w.Transient = func(err error) bool { return errors.Is(err, ErrStateErrorAccelerator) }
	first := true
	w.Poll = func(ctx context.Context) (string, bool, error) {
		if !first { // the waiter polls at once: that poll is the send above
			last = send(ctx)
		}
		first = false
		return "", last == nil, last
	}
	if err := w.Wait(ctx); err != nil {
		if last != nil {
			return last
		}
		return err
	}
	return nil
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

// dialectV3 is dialect signed with ACS3-HMAC-SHA256.
var dialectV3 = transport.Dialect{
	Service:     "ga",
	TokenParam:  "ClientToken",
	SignHeaders: signV3,
	Decode:      decode,
	Retryable:   retryable,
}

// formContentType is what the transport sends the parameters as; V3 signs
// it.
const formContentType = "application/x-www-form-urlencoded"

// signV3 returns the headers of signature V3 for one attempt whose body is
// the form-encoded parameters.
func signV3(a *transport.Attempt, action string, body []byte) (http.Header, string) {
	hashed := signing.HexSHA256(body)
	headers := signing.Params{
		{Name: "host", Value: a.Host},
		{Name: "content-type", Value: formContentType},
		{Name: "x-acs-action", Value: action},
		{Name: "x-acs-version", Value: APIVersion},
		{Name: "x-acs-date", Value: a.Time.UTC().Format("2006-01-02T15:04:05Z")},
		{Name: "x-acs-signature-nonce", Value: strconv.FormatInt(a.Nonce, 10)},
		{Name: "x-acs-content-sha256", Value: hashed},
	}
	if a.Credentials.SessionToken != "" {
		headers = append(headers, signing.Param{Name: "x-acs-security-token", Value: a.Credentials.SessionToken})
	}
	signature, signed := signing.AlibabaV3Signature(signing.AlibabaV3Request{Method: a.Method, Path: a.Path, Headers: headers, HashedPayload: hashed},
		a.Credentials.Secret)
	h := make(http.Header, len(headers))
	for _, p := range headers[1:] { // net/http sends Host from the URL
		h.Set(p.Name, p.Value)
	}
	h.Set("Authorization", signing.AlibabaV3Authorization(a.Credentials.ID, signed, signature))
	return h, signature
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

// errorAnswer is the error shape of every GA answer. The service can send
// it with status 200 (throttling at its gateway), so it is looked for in
// every answer.
type errorAnswer struct {
	RequestID string `json:"RequestId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	HostID    string `json:"HostId"`
	Recommend string `json:"Recommend"`
}

// checkedAnswer is a success answer that can tell whether it is usable:
// checkAnswer returns why not, or "".
type checkedAnswer interface{ checkAnswer() string }

// decode reads an answer of any status: a Code makes it an *APIError
// whatever the status; a 2xx without one is decoded into out, which must
// then pass its own check.
func decode(r *transport.Response, out any) (string, error) {
	var e errorAnswer
	if err := transport.DecodeJSON(r, &e); err != nil {
		return "", err
	}
	requestID := transport.Clip(e.RequestID)
	switch {
	case e.Code != "":
		return requestID, &APIError{StatusCode: r.StatusCode, Code: ErrorCode(transport.Clip(e.Code)), Message: transport.Clip(e.Message),
			RequestID: requestID, HostID: transport.Clip(e.HostID), Recommend: transport.Clip(e.Recommend)}
	case r.StatusCode < 200 || r.StatusCode > 299:
		return requestID, transport.NewResponseError(r, "error answer without Code", nil)
	}
	if err := transport.DecodeJSON(r, out); err != nil {
		return requestID, err
	}
	if c, ok := out.(checkedAnswer); ok {
		if reason := c.checkAnswer(); reason != "" {
			return requestID, transport.NewResponseError(r, reason, nil)
		}
	}
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
	return errors.As(f.Err, &e) && (isThrottling(e.Code) || e.Code == ErrServiceUnavailable)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+ panics instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
