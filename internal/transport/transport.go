// Package transport is the one request path under both providers:
//
//	context → credentials → sign → send → classify → retry → decode
//
// A provider describes itself with a [Dialect] (its common parameters, how
// to sign, how to read an answer, which failures may be sent again);
// everything else is here.
//
// Every call is a POST with an application/x-www-form-urlencoded body, which
// both services document: the signed parameters stay out of URLs and
// access logs, and 50 listeners with health-check content do not meet URL
// length limits.
//
// # Only the SDK re-sends
//
// No layer below decides to send a request again:
//   - The request reaches the RoundTripper without GetBody, so net/http's
//     HTTP/2 transport cannot replay a body it has written after a stream
//     reset (RST_STREAM) or a GOAWAY, and its HTTP/1 transport never
//     replays a POST. (Both still retry a request none of whose bytes were
//     written, which is safe.)
//   - Redirects are never followed: a 3xx is a *RedirectError.
//
// Whether an attempt was sent is read from what the connection did
// (net/http/httptrace), not from error text; see [Failure.Sent].
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	listenerkit "github.com/listenerkit/listenerkit-go"
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
	// SignHeaders, when set, signs with headers instead (Alibaba Cloud's
	// signature V3): the body is then the request's parameters alone, form
	// encoded, and SignHeaders returns the headers to send with it and the
	// signature, kept out of errors and logs. Common and Sign are not used.
	SignHeaders func(a *Attempt, action string, body []byte) (header http.Header, signature string)
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
	// Sent is false only when no byte of the request reached a
	// connection: credentials were unavailable, the context ended first, or
	// net/http reported that it never got a connection (DNS, refused, TLS
	// handshake) or got one and wrote nothing to it. A RoundTripper that
	// does not report through net/http/httptrace counts as sent.
	Sent bool
	// Connection is true when no complete answer was received.
	Connection bool
	// StatusCode is the HTTP status, 0 without an answer.
	StatusCode int
	// RetryAfter is the wait the service asked for, 0 if none.
	RetryAfter time.Duration
	// MayHaveApplied is true when the service may have acted on the request.
	MayHaveApplied bool

	// final failures are never sent again: sending again cannot help (no
	// credentials, the context ended) or must not happen (a redirect).
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
	waitMin     time.Duration
	waitMax     time.Duration
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
	// hc is this client's own copy (SetHTTPClient copies), so changing it
	// leaves the caller's alone.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Transport = noReplay{base: hc.Transport}
	rc := resty.NewWithClient(hc).
		SetHeader("User-Agent", UserAgent(cfg.userAgent)).
		SetHeader("Accept", "application/json").
		SetHeader("Content-Type", "application/x-www-form-urlencoded").
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
		waitMin:     cfg.waitMin,
		waitMax:     cfg.waitMax,
		now:         time.Now,
	}, nil
}

// Waiter returns a Waiter with this client's service name and poll
// delays; the caller sets what it waits for.
func (c *Client) Waiter(resource, want string, maxWait time.Duration) Waiter {
	return Waiter{Service: c.dialect.Service, Resource: resource, Want: want, MaxWait: maxWait, MinDelay: c.waitMin, MaxDelay: c.waitMax}
}

// WithEndpoint returns a copy of c that sends to another endpoint (BMLB's
// task endpoint), sharing everything else, the connection pool included.
func (c *Client) WithEndpoint(endpoint *url.URL) *Client {
	copied := *c
	copied.endpoint, copied.host, copied.path = endpoint.String(), endpoint.Host, endpoint.Path
	return &copied
}

// UserAgent names this module, its version and the Go runtime, then app
// when it is set.
func UserAgent(app string) string {
	ua := "listenerkit-go/" + listenerkit.Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if app != "" {
		ua += " " + app
	}
	return ua
}

// Do sends one call: params are the operation's own parameters, best sorted
// by name (as package flatten makes them; they are not modified); out
// receives the decoded success. Every attempt is signed anew, and a failed
// one is sent again when the Dialect's Retryable says so.
func (c *Client) Do(ctx context.Context, action string, params signing.Params, out any) error {
	return c.do(ctx, action, params, out, c.dialect.Retryable)
}

// DoRead is Do for a call that changes nothing (a describe, a task's
// result): sending it again is always safe, so every failure that may pass
// on a second try is retried, whatever the Dialect says of writes.
func (c *Client) DoRead(ctx context.Context, action string, params signing.Params, out any) error {
	return c.do(ctx, action, params, out, func(f *Failure) bool { return Transient(f.Err) || c.dialect.Retryable(f) })
}

// Transient reports whether err, from a call or an attempt, may pass when
// the call is sent again: a network failure, an unusable answer, HTTP 5xx
// or 429. The service's own error answers (other than 5xx and 429) are not
// transient; a provider adds its throttling codes itself.
func Transient(err error) bool {
	var re *ResponseError
	if errors.As(err, &re) {
		return true
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		code := status.HTTPStatusCode()
		return code >= 500 || code == http.StatusTooManyRequests
	}
	var net *redactedError
	return errors.As(err, &net)
}

func (c *Client) do(ctx context.Context, action string, params signing.Params, out any, retryable func(*Failure) bool) error {
	if ctx == nil {
		return errors.New(c.dialect.Service + ": nil context.Context: pass context.Background() or a context with a deadline")
	}
	if !params.Sorted() {
		params = slices.Clone(params)
		params.Sort()
	}
	sent, mayHaveApplied := 0, false
	for attempt := 1; ; attempt++ {
		f := c.attempt(ctx, action, params, out, attempt)
		if f == nil {
			return nil
		}
		if f.Sent {
			sent++
		}
		mayHaveApplied = mayHaveApplied || f.MayHaveApplied
		fail := func(err error) error {
			op := &OperationError{Service: c.dialect.Service, Action: action, Attempts: sent, MayHaveApplied: mayHaveApplied, Err: err}
			if c.dialect.TokenParam != "" {
				op.IdempotencyToken = params.Get(c.dialect.TokenParam)
			}
			return op
		}
		if err := ctx.Err(); err != nil {
			return fail(withContext(err, f.Err))
		}
		if f.final || attempt >= c.maxAttempts || !retryable(f) {
			return fail(f.Err)
		}
		wait := c.delay(attempt, f.RetryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would outlast the context: the failure that asked for
			// the wait is the answer, not a deadline error that hides it.
			return fail(&notRetried{err: f.Err, wait: wait})
		}
		if err := sleep(ctx, wait); err != nil {
			return fail(withContext(err, f.Err))
		}
	}
}

// withContext is the error of a call whose context ended after an attempt
// failed with last: both stay reachable with errors.Is and errors.As.
func withContext(ctxErr, last error) error {
	if last == nil {
		return ctxErr
	}
	if errors.Is(last, ctxErr) {
		return last
	}
	return &contextEnded{ctx: ctxErr, last: last}
}

// contextEnded is a call whose context ended after an attempt failed:
// both errors stay reachable.
type contextEnded struct{ ctx, last error }

func (e *contextEnded) Error() string {
	return fmt.Sprintf("%v (after a failed attempt: %v)", e.ctx, e.last)
}
func (e *contextEnded) Unwrap() []error { return []error{e.ctx, e.last} }

// notRetried is a failure that asked for a wait longer than the context
// had left.
type notRetried struct {
	err  error
	wait time.Duration
}

func (e *notRetried) Error() string {
	return fmt.Sprintf("%v (not retried: the context ends before the retry delay of %v)", e.err, e.wait.Round(time.Millisecond))
}
func (e *notRetried) Unwrap() error { return e.err }

// attempt sends one signed attempt and returns nil on success.
func (c *Client) attempt(ctx context.Context, action string, params signing.Params, out any, n int) *Failure {
	if err := ctx.Err(); err != nil {
		return &Failure{Err: err, final: true}
	}
	creds, err := c.retrieve(ctx)
	if err == nil {
		err = creds.Validate()
	}
	if err != nil {
		return &Failure{Err: err, final: true}
	}
	if err := ctx.Err(); err != nil { // a provider that ignored the context
		return &Failure{Err: err, final: true}
	}

	path := c.path
	if path == "" {
		path = "/" // what net/http sends for an empty path
	}
	a := &Attempt{Credentials: creds, Method: http.MethodPost, Host: c.host, Path: path, Time: c.now(), Nonce: nonce()}
	body := newPooledBody()
	var header http.Header
	var encoded []byte
	var signature string
	if c.dialect.SignHeaders != nil {
		encoded = params.AppendQuery(body.buf[:0])
		header, signature = c.dialect.SignHeaders(a, action, encoded)
	} else {
		encoded, signature = SignedQuery(body.buf, c.dialect, action, params, a)
	}
	body.buf = encoded
	red := newRedactor(creds, signature)

	start := time.Now()
	var wire wireTrace
	// A reader, not the bytes: resty copies a []byte body into a pooled
	// buffer, and passes a reader to net/http as it is (which sets
	// ContentLength and GetBody, which noReplay then takes away).
	reqCtx := context.WithValue(wire.context(ctx), pooledBodyKey{}, body)
	// The answer is read here, not by resty: through the size limit into a
	// pooled buffer, which goes back zeroed once decoded.
	req := c.rc.R().SetContext(reqCtx).SetBody(bytes.NewReader(encoded)).SetDoNotParseResponse(true)
	if header != nil {
		req.SetHeaderMultiValues(header)
	}
	resp, sendErr := req.Post(c.endpoint)
	body.release() // the call's side; the transport's is its Close
	var raw *http.Response
	if resp != nil {
		raw = resp.RawResponse
	}
	answer := getAnswerBuffer()
	defer putAnswerBuffer(answer)
	var readErr error
	if sendErr == nil && raw != nil {
		*answer, readErr = readLimited(raw.Body, *answer)
		_ = raw.Body.Close()
	}
	f, requestID := c.interpret(raw, *answer, readErr, sendErr, red, out, wire.sent(ctx))
	c.log(ctx, action, n, creds, f, raw, requestID, time.Since(start))
	return f
}

// errTooLarge is the read error of an answer over MaxResponseBytes.
var errTooLarge = errors.New("body larger than " + strconv.Itoa(MaxResponseBytes) + " bytes")

// readLimited reads r into dst, at most MaxResponseBytes.
func readLimited(r io.Reader, dst []byte) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, min(max(cap(dst), 512), MaxResponseBytes+1-len(dst)))
		}
		n, err := r.Read(dst[len(dst):min(cap(dst), MaxResponseBytes+1)])
		dst = dst[:len(dst)+n]
		if len(dst) > MaxResponseBytes {
			return dst[:MaxResponseBytes], errTooLarge
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

// answers holds the buffers answers are read into. An answer can echo the
// request's secrets before redaction, so a buffer is zeroed before it
// goes back.
var answers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getAnswerBuffer() *[]byte {
	b := answers.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func putAnswerBuffer(b *[]byte) {
	clear((*b)[:cap(*b)])
	*b = (*b)[:0]
	if cap(*b) <= maxPooledBody {
		answers.Put(b)
	}
}

// retrieve asks the credentials provider, but no longer than ctx allows: a
// provider that ignores its context must not hold the call past its
// deadline. A provider that panics is an error, not a crash.
func (c *Client) retrieve(ctx context.Context) (creds signing.Credentials, err error) {
	ask := func() (creds signing.Credentials, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("credentials provider panicked: %v", p)
			}
		}()
		return c.credentials.Retrieve(ctx)
	}
	if ctx.Done() == nil { // cannot end: no need to watch it
		return ask()
	}
	type result struct {
		creds signing.Credentials
		err   error
	}
	answer := make(chan result, 1)
	go func() {
		creds, err := ask()
		answer <- result{creds, err}
	}()
	select {
	case r := <-answer:
		return r.creds, r.err
	case <-ctx.Done():
		return signing.Credentials{}, fmt.Errorf("credentials provider did not answer before the context ended: %w", ctx.Err())
	}
}

// wireTrace records, through net/http/httptrace, what one attempt did on
// the wire, so that "was it sent" is decided by the connection, not by the
// wording of an error.
type wireTrace struct {
	reporting atomic.Bool // net/http asked for a connection: it reports
	gotConn   atomic.Bool
	wrote     atomic.Bool // a header was written (into the connection's buffer at least)
}

func (w *wireTrace) context(ctx context.Context) context.Context {
	wrote := func() { w.wrote.Store(true) }
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:          func(string) { w.reporting.Store(true) },
		GotConn:          func(httptrace.GotConnInfo) { w.gotConn.Store(true) },
		WroteHeaderField: func(string, []string) { wrote() },
		WroteHeaders:     wrote,
		WroteRequest:     func(httptrace.WroteRequestInfo) { wrote() },
	})
}

// sent reports whether any byte of the request may have reached a
// connection. It errs towards "sent": only a transport that reported
// through the trace can prove otherwise.
func (w *wireTrace) sent(ctx context.Context) bool {
	switch {
	case !w.reporting.Load():
		return true // not net/http's Transport, or it never got that far: cannot tell
	case !w.gotConn.Load():
		return false // no connection, nothing written: DNS, refused, TLS handshake
	case w.wrote.Load():
		return true
	default:
		// A connection and no write reported. When the context ended,
		// HTTP/2 returns without waiting for its writer, which may still
		// be writing the headers: count it as sent.
		return ctx.Err() != nil
	}
}

// SignedQuery is one attempt's local work, appended to dst: params (sorted) with the
// dialect's common parameters and Action merged in, signed, and encoded as
// the query or form the service reads, Signature last. It returns the
// signature too, to keep it out of errors and logs.
func SignedQuery(dst []byte, d Dialect, action string, params signing.Params, a *Attempt) (encoded []byte, signature string) {
	common := append(d.Common(a), signing.Param{Name: "Action", Value: action})
	common.Sort()
	merged := GetParams()
	defer PutParams(merged)
	signed := signing.AppendMerged(*merged, params, common)
	*merged = signed
	signature = d.Sign(signed, a)
	encoded = signed.AppendQuery(slices.Grow(dst[:0], signed.EncodedLen()+3*len(signature)+len("&Signature=")))
	encoded = append(encoded, "&Signature="...)
	return signing.AppendPercentEncoded(encoded, signature), signature
}

// paramLists holds parameter lists for reuse: a BMLB create of 10
// listeners flattens to about 150 parameters, twice (the request's, then
// merged with the common ones), on every call.
var paramLists = sync.Pool{New: func() any { p := make(signing.Params, 0, 64); return &p }}

// maxPooledParams keeps one huge request from pinning a large list.
const maxPooledParams = 4096

// GetParams returns an empty parameter list from the pool; give it back
// with PutParams once nothing refers to it.
func GetParams() *signing.Params {
	p := paramLists.Get().(*signing.Params)
	*p = (*p)[:0]
	return p
}

// PutParams clears p, so the pool keeps no request's values (the merged
// list holds the session token), and returns it to the pool.
func PutParams(p *signing.Params) {
	clear((*p)[:cap(*p)])
	*p = (*p)[:0]
	if cap(*p) <= maxPooledParams {
		paramLists.Put(p)
	}
}

// interpret classifies what one attempt brought back: raw's status and
// headers, its body as read, and readErr from reading it.
func (c *Client) interpret(raw *http.Response, body []byte, readErr, sendErr error, red redactor, out any, sent bool) (*Failure, string) {
	if sendErr != nil || raw == nil {
		if sendErr == nil {
			sendErr = errors.New("no answer")
		}
		return &Failure{Err: red.error(sendErr), Sent: sent, Connection: true, MayHaveApplied: sent}, ""
	}
	r := &Response{StatusCode: raw.StatusCode, Header: raw.Header, ContentType: Clip(red.string(raw.Header.Get("Content-Type")))}
	if readErr != nil {
		// The status line arrived but the body did not, whole.
		r.Body = red.bytes(body)
		if readErr == errTooLarge {
			return &Failure{Err: NewResponseError(r, errTooLarge.Error(), nil), Sent: true, StatusCode: raw.StatusCode, MayHaveApplied: true}, ""
		}
		return &Failure{Err: NewResponseError(r, "reading the body failed", red.error(readErr)), Sent: true, Connection: true,
			StatusCode: raw.StatusCode, MayHaveApplied: true}, ""
	}
	if raw.StatusCode >= 300 && raw.StatusCode < 400 {
		return &Failure{Err: &RedirectError{StatusCode: raw.StatusCode, LocationHost: locationHost(raw.Header, red)},
			Sent: true, StatusCode: raw.StatusCode, MayHaveApplied: true, final: true}, ""
	}

	r.Body = red.bytes(body)
	requestID, err := c.dialect.Decode(r, out)
	if err == nil {
		return nil, requestID
	}
	f := &Failure{Err: err, Sent: true, StatusCode: r.StatusCode, RetryAfter: retryAfter(r.Header, c.now())}
	var re *ResponseError
	if errors.As(err, &re) {
		// We cannot tell what the service did, unless it refused the
		// request for its rate (RFC 6585: 429 Too Many Requests).
		f.MayHaveApplied = r.StatusCode != http.StatusTooManyRequests
	} else if m, ok := err.(MayHaveApplieder); ok {
		f.MayHaveApplied = m.MayHaveApplied()
	}
	return f, requestID
}

// locationHost is the host a redirect points at, redacted and clipped.
func locationHost(h http.Header, red redactor) string {
	u, err := url.Parse(h.Get("Location"))
	if err != nil {
		return ""
	}
	return Clip(red.string(u.Host))
}

func (c *Client) log(ctx context.Context, action string, n int, creds signing.Credentials, f *Failure, raw *http.Response, requestID string, latency time.Duration) {
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
	if raw != nil {
		status = raw.StatusCode
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

// delay is the wait before attempt n+1: the backoff, or a longer
// Retry-After, up to MaxRetryAfter.
func (c *Client) delay(n int, retryAfter time.Duration) time.Duration {
	d := backoff(n, c.backoffBase, c.backoffMax)
	if retryAfter > d {
		d = min(retryAfter, MaxRetryAfter)
	}
	return d
}

// backoff is the pause after attempt (or poll) n, the one formula of both
// retries and waiters: base doubled per attempt, capped at maxDelay, with
// "equal jitter" (half fixed, half random) so that many clients do not
// act in step.
func backoff(n int, base, maxDelay time.Duration) time.Duration {
	d := maxDelay
	if n < 30 {
		if exp := base << (n - 1); exp > 0 && exp < d {
			d = exp
		}
	}
	return d/2 + rand.N(d/2+1)
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

// discardLogger silences resty's own logger, which can print request details.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// noReplay hands requests to base without GetBody. net/http's HTTP/2
// transport uses GetBody to re-send a request whose body it already wrote
// when the stream is reset or the connection goes away; without it, it
// returns the error and the SDK decides. The request is copied, not
// changed (a RoundTripper must not modify its request).
type noReplay struct{ base http.RoundTripper }

func (t noReplay) RoundTrip(r *http.Request) (*http.Response, error) {
	body, pooled := r.Context().Value(pooledBodyKey{}).(*pooledBody)
	if r.GetBody != nil || pooled && r.Body != nil {
		copied := *r
		copied.GetBody = nil
		if pooled && r.Body != nil {
			copied.Body = &closeReleases{ReadCloser: r.Body, body: body}
		}
		r = &copied
	}
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// CloseIdleConnections passes on to base, as http.Client expects.
func (t noReplay) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// bodies holds the buffers request bodies are encoded into. A body holds
// the signature, the access key id and the session token, so it is zeroed
// whole before it goes back.
var bodies = sync.Pool{New: func() any { return &pooledBody{buf: make([]byte, 0, 2048)} }}

// maxPooledBody keeps one huge request from pinning a large buffer.
const maxPooledBody = 64 << 10

// pooledBody is one attempt's encoded request. Two parties hold it: the
// attempt, until its call returns, and the transport, until it closes the
// body (net/http may still write it after the response came, and HTTP/2
// re-reads a body it never started to send within one call). It goes back
// to the pool, zeroed, only when both are done; a transport that never
// closes it leaves it to the garbage collector.
type pooledBody struct {
	buf     []byte
	holders atomic.Int32
}

type pooledBodyKey struct{}

func newPooledBody() *pooledBody {
	b := bodies.Get().(*pooledBody)
	b.buf = b.buf[:0]
	b.holders.Store(2)
	return b
}

// release lets go of one holder's claim.
func (b *pooledBody) release() {
	if b.holders.Add(-1) != 0 {
		return
	}
	clear(b.buf[:cap(b.buf)])
	b.buf = b.buf[:0]
	if cap(b.buf) <= maxPooledBody {
		bodies.Put(b)
	}
}

// closeReleases is a request body whose first Close releases the
// transport's claim on the pooled buffer under it.
type closeReleases struct {
	io.ReadCloser
	body *pooledBody
	once sync.Once
}

func (c *closeReleases) Close() error {
	err := c.ReadCloser.Close()
	c.once.Do(c.body.release)
	return err
}
