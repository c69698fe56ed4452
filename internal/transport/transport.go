// Package transport is the one request path under both providers:
//
//	context → credentials → sign → send → classify → retry → decode
//
// A provider describes itself with a [Dialect] (its common parameters, how
// to sign, how to read an answer, which failures may be sent again);
// everything else is here.
//
// Every call is a POST with an application/x-www-form-urlencoded body, which
// both services document. Unlike a GET, net/http never re-sends a POST with
// a body on its own (a bodiless GET it silently replays when a reused
// connection fails after writing: a second create for a call without an
// idempotency token); the signed parameters stay out of URLs and access
// logs; and 50 listeners with health-check content do not meet URL length
// limits.
package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Dialect is what differs between the providers.
type Dialect struct {
	// Service names the provider in errors and logs ("ga", "bmlb").
	Service string
	// TokenParam names the parameter that makes the call idempotent (GA's
	// ClientToken), or is empty. Its value is reported in
	// OperationError.IdempotencyToken, so that a failed call can be sent
	// again safely.
	TokenParam string
	// Common returns the provider's common parameters for one attempt
	// (credentials, time, nonce...), in any order, without Action and
	// Signature, which the transport adds.
	Common func(a *Attempt) signing.Params
	// Sign returns the signature of the attempt's complete parameter list,
	// sorted by name; the transport sends it as Signature and keeps it out of
	// errors and logs.
	Sign func(params signing.Params, a *Attempt) (signature string)
	// Decode reads a complete answer: it fills out on success and returns
	// the service's request id, or returns the service's error (or a
	// *ResponseError when the answer is unusable).
	Decode func(r *Response, out any) (requestID string, err error)
	// Retryable decides whether a failed attempt is sent again. Only
	// idempotent calls may retry failures that were Sent.
	Retryable func(f *Failure) bool
}

// Attempt is what signing one attempt needs.
type Attempt struct {
	Credentials signing.Credentials
	Method      string
	Host        string
	Path        string
	Time        time.Time
	// Nonce is a fresh random positive integer for every attempt: both
	// services reject a reused nonce as a replay.
	Nonce int64
}

// Failure describes one failed attempt to the Dialect's Retryable.
type Failure struct {
	// Err is the attempt's error: the provider's API error, a
	// *ResponseError, a network error.
	Err error
	// Sent is false only when the request provably never reached the
	// service: the connection was refused, DNS failed, the TLS handshake
	// failed, or credentials were unavailable.
	Sent bool
	// Connection is true when no complete answer was received.
	Connection bool
	// StatusCode is the HTTP status, 0 without an answer.
	StatusCode int
	// RetryAfter is the wait the service asked for, 0 if none.
	RetryAfter time.Duration
	// MayHaveApplied is true when the service may have acted on the request.
	MayHaveApplied bool

	// final failures happened before sending (no credentials, context
	// ended): sending again cannot help.
	final bool
}

// MayHaveApplieder is implemented by provider errors that know whether the
// service may have acted despite answering an error (a partial success, an
// internal error).
type MayHaveApplieder interface{ MayHaveApplied() bool }

// Client sends calls for one provider. It is safe for concurrent use: resty
// is configured only here, while constructing.
type Client struct {
	dialect     Dialect
	rc          *resty.Client
	endpoint    string
	host, path  string
	maxAttempts int
	logger      *slog.Logger
	credentials signing.CredentialsProvider
	backoffBase time.Duration
	backoffMax  time.Duration
	now         func() time.Time
}

// New builds a Client from a Config and a Dialect.
func New(cfg *Config, d Dialect) (*Client, error) {
	if cfg.credentials == nil {
		return nil, errors.New(d.Service + ": no credentials provider")
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	rc := resty.NewWithClient(hc).
		SetHeader("User-Agent", UserAgent()).
		SetHeader("Accept", "application/json").
		SetHeader("Content-Type", "application/x-www-form-urlencoded").
		SetResponseBodyLimit(MaxResponseBytes).
		SetDebug(false). // resty's debug log prints the signed form: never on
		SetLogger(discardLogger{})
	return &Client{
		dialect:     d,
		rc:          rc,
		endpoint:    cfg.endpoint.String(),
		host:        cfg.endpoint.Host,
		path:        cfg.endpoint.Path,
		maxAttempts: cfg.maxAttempts,
		logger:      cfg.logger,
		credentials: cfg.credentials,
		backoffBase: cfg.backoffBase,
		backoffMax:  cfg.backoffMax,
		now:         time.Now,
	}, nil
}

// UserAgent names this module, its version and the Go runtime.
func UserAgent() string {
	return "listenerkit-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

// Do sends one call: params are the operation's own parameters, best sorted
// by name (as package flatten makes them; they are not modified); out
// receives the decoded success. Every attempt is signed anew.
func (c *Client) Do(ctx context.Context, action string, params signing.Params, out any) error {
	if !params.Sorted() {
		params = slices.Clone(params)
		params.Sort()
	}
	mayHaveApplied := false
	for attempt := 1; ; attempt++ {
		f := c.attempt(ctx, action, params, out, attempt)
		if f == nil {
			return nil
		}
		mayHaveApplied = mayHaveApplied || f.MayHaveApplied
		fail := func(err error) error {
			op := &OperationError{Service: c.dialect.Service, Action: action, Attempts: attempt, MayHaveApplied: mayHaveApplied, Err: err}
			if c.dialect.TokenParam != "" {
				op.IdempotencyToken = params.Get(c.dialect.TokenParam)
			}
			return op
		}
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		if f.final || attempt >= c.maxAttempts || !c.dialect.Retryable(f) {
			return fail(f.Err)
		}
		if err := sleep(ctx, c.delay(attempt, f.RetryAfter)); err != nil {
			return fail(err)
		}
	}
}

// attempt sends one signed attempt and returns nil on success.
func (c *Client) attempt(ctx context.Context, action string, params signing.Params, out any, n int) *Failure {
	if err := ctx.Err(); err != nil {
		return &Failure{Err: err, final: true}
	}
	creds, err := c.credentials.Retrieve(ctx)
	if err == nil {
		err = creds.Validate()
	}
	if err != nil {
		return &Failure{Err: err, final: true}
	}

	a := &Attempt{Credentials: creds, Method: http.MethodPost, Host: c.host, Path: c.path, Time: c.now(), Nonce: nonce()}
	encoded, signature := SignedQuery(c.dialect, action, params, a)
	red := newRedactor(creds, signature)

	start := time.Now()
	// A reader, not the bytes: resty copies a []byte body into a pooled
	// buffer, and passes a reader to net/http as it is.
	resp, sendErr := c.rc.R().SetContext(ctx).SetBody(bytes.NewReader(encoded)).Post(c.endpoint)
	f, requestID := c.interpret(resp, sendErr, red, out)
	c.log(ctx, action, n, creds, f, resp, requestID, time.Since(start))
	return f
}

// SignedQuery is one attempt's local work: params (sorted) with the
// dialect's common parameters and Action merged in, signed, and encoded as
// the query or form the service reads, Signature last. It returns the
// signature too, to keep it out of errors and logs.
func SignedQuery(d Dialect, action string, params signing.Params, a *Attempt) (encoded []byte, signature string) {
	common := append(d.Common(a), signing.Param{Name: "Action", Value: action})
	common.Sort()
	signed := signing.MergeSorted(params, common)
	signature = d.Sign(signed, a)
	encoded = signed.AppendQuery(make([]byte, 0, signed.EncodedLen()+3*len(signature)+len("&Signature=")))
	encoded = append(encoded, "&Signature="...)
	return signing.AppendPercentEncoded(encoded, signature), signature
}

// interpret classifies what one attempt brought back.
func (c *Client) interpret(resp *resty.Response, sendErr error, red redactor, out any) (*Failure, string) {
	var raw *http.Response
	if resp != nil {
		raw = resp.RawResponse
	}
	if sendErr != nil {
		err := red.error(sendErr)
		if raw == nil {
			notSent := neverSent(sendErr)
			return &Failure{Err: err, Sent: !notSent, Connection: true, MayHaveApplied: !notSent}, ""
		}
		// The status line arrived but the body did not, whole.
		r := &Response{StatusCode: raw.StatusCode, Header: raw.Header}
		reason, connection := "reading the body failed", true
		if errors.Is(sendErr, resty.ErrResponseBodyTooLarge) {
			reason, connection = "body larger than "+strconv.Itoa(MaxResponseBytes)+" bytes", false
		}
		return &Failure{Err: NewResponseError(r, reason, err), Sent: true, Connection: connection,
			StatusCode: raw.StatusCode, MayHaveApplied: true}, ""
	}

	r := &Response{StatusCode: raw.StatusCode, Header: raw.Header, Body: red.bytes(resp.Body())}
	requestID, err := c.dialect.Decode(r, out)
	if err == nil {
		return nil, requestID
	}
	f := &Failure{Err: err, Sent: true, StatusCode: r.StatusCode, RetryAfter: retryAfter(r.Header, c.now())}
	var re *ResponseError
	if errors.As(err, &re) {
		f.MayHaveApplied = true // we cannot tell what the service did
	} else if m, ok := err.(MayHaveApplieder); ok {
		f.MayHaveApplied = m.MayHaveApplied()
	}
	return f, requestID
}

func (c *Client) log(ctx context.Context, action string, n int, creds signing.Credentials, f *Failure, resp *resty.Response, requestID string, latency time.Duration) {
	if c.logger == nil {
		return
	}
	level := slog.LevelDebug
	if f != nil {
		level = slog.LevelWarn
	}
	if !c.logger.Enabled(ctx, level) {
		return
	}
	status := 0
	if resp != nil && resp.RawResponse != nil {
		status = resp.RawResponse.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("service", c.dialect.Service),
		slog.String("action", action),
		slog.String("host", c.host),
		slog.Int("attempt", n),
		slog.Int("status", status),
		slog.Duration("latency", latency),
		slog.String("request_id", requestID),
		slog.String("access_key_id", signing.MaskID(creds.ID)),
	}
	msg := "listenerkit: attempt succeeded"
	if f != nil {
		msg = "listenerkit: attempt failed"
		attrs = append(attrs, slog.String("error", f.Err.Error()))
	}
	c.logger.LogAttrs(ctx, level, msg, attrs...)
}

// delay is the wait before attempt n+1: exponential from backoffBase, capped
// at backoffMax, with "equal jitter" (half fixed, half random) so that many
// clients do not retry in step; a longer Retry-After wins, up to
// MaxRetryAfter.
func (c *Client) delay(n int, retryAfter time.Duration) time.Duration {
	d := c.backoffMax
	if n < 30 {
		if exp := c.backoffBase << (n - 1); exp > 0 && exp < d {
			d = exp
		}
	}
	d = d/2 + rand.N(d/2+1)
	if retryAfter > d {
		d = min(retryAfter, MaxRetryAfter)
	}
	return d
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// nonce is a random positive 63-bit integer: the Tencent SDKs send the same
// range, and Alibaba takes any unique string.
func nonce() int64 {
	for {
		if n := rand.Int64(); n > 0 {
			return n
		}
	}
}

// neverSent reports failures that prove the request never reached the
// service: DNS, connection refused or unreachable (any dial error), and the
// TLS handshake (it completes before any request byte is written).
func neverSent(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	var record tls.RecordHeaderError
	var verify *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &dns), errors.As(err, &record), errors.As(err, &verify),
		errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		return true
	case errors.As(err, &op):
		return op.Op == "dial"
	}
	return strings.Contains(err.Error(), "tls: ") && strings.Contains(err.Error(), "handshake")
}

// discardLogger silences resty's own logger, which can print request details.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
