package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listenerkit "github.com/listenerkit/listenerkit-go"
	"github.com/listenerkit/listenerkit-go/signing"
)

const (
	testID     = "AKIDtestAccessKeyID0001"
	testSecret = "test-secret-value-0001"
	testToken  = "test-session-token-0001"
)

// testAPIError is a minimal provider error for the test dialect.
type testAPIError struct {
	Code    string `json:"code"`
	applied bool
}

func (e *testAPIError) Error() string        { return "api error " + e.Code }
func (e *testAPIError) MayHaveApplied() bool { return e.applied }

type testOut struct {
	ID string `json:"id"`
}

// testDialect signs with a Tencent signature over the parameters, decodes
// {"id": ...} on 200 and {"code": ...} otherwise, and retries what retry
// says.
func testDialect(retry func(*Failure) bool) Dialect {
	return Dialect{
		Service: "test",
		Common: func(a *Attempt) signing.Params {
			p := signing.Params{
				{Name: "Nonce", Value: strconv.FormatInt(a.Nonce, 10)},
				{Name: "Timestamp", Value: strconv.FormatInt(a.Time.Unix(), 10)},
				{Name: "SecretId", Value: a.Credentials.ID},
			}
			if a.Credentials.SessionToken != "" {
				p = append(p, signing.Param{Name: "Token", Value: a.Credentials.SessionToken})
			}
			return p
		},
		Sign: func(p signing.Params, a *Attempt) string {
			return signing.TencentV2Signature(a.Method, a.Host, a.Path, p, a.Credentials.Secret, signing.HmacSHA256)
		},
		Decode: func(r *Response, out any) (string, error) {
			if r.StatusCode != http.StatusOK {
				var e testAPIError
				if err := DecodeJSON(r, &e); err != nil {
					return "", err
				}
				e.applied = e.Code == "Partial"
				return "", &e
			}
			o := out.(*testOut)
			if err := DecodeJSON(r, o); err != nil {
				return "", err
			}
			if o.ID == "" {
				return "", NewResponseError(r, "success without id", nil)
			}
			return "req-" + o.ID, nil
		},
		Retryable: retry,
	}
}

func always(*Failure) bool { return true }
func never(*Failure) bool  { return false }

type recorded struct {
	method string
	params url.Values
	header http.Header
}

// server answers each request with the next handler (the last repeats) and
// records what it received.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	handlers []http.HandlerFunc
}

func newServer(t *testing.T, handlers ...http.HandlerFunc) *server {
	s := &server{handlers: handlers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, recorded{r.Method, r.Form, r.Header.Clone()})
		s.mu.Unlock()
		s.handlers[min(n, len(s.handlers)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func newTestClient(t *testing.T, endpoint string, d Dialect, opts ...func(*Config)) *Client {
	cfg := NewConfig(endpoint, signing.NewStaticCredentials(testID, testSecret, testToken))
	require.NoError(t, cfg.SetBackoff(time.Millisecond, 2*time.Millisecond))
	for _, o := range opts {
		o(cfg)
	}
	c, err := New(cfg, d)
	require.NoError(t, err)
	return c
}

func TestDo_SuccessSignsAndSendsForm(t *testing.T) {
	s := newServer(t, reply(200, `{"id":"x1","unknown":"ignored"}`))
	c := newTestClient(t, s.URL+"/v2/index.php", testDialect(never))
	var out testOut
	params := signing.Params{{Name: "Name", Value: "a b&c=监听"}}
	require.NoError(t, c.Do(context.Background(), "Act", params, &out))
	assert.Equal(t, "x1", out.ID)
	assert.Equal(t, signing.Params{{Name: "Name", Value: "a b&c=监听"}}, params, "the caller's params are not modified")

	got := s.requests[0]
	assert.Equal(t, http.MethodPost, got.method)
	assert.Equal(t, "application/x-www-form-urlencoded", got.header.Get("Content-Type"))
	assert.Equal(t, "a b&c=监听", got.params.Get("Name"), "values arrive byte-exact, encoded once")
	assert.Equal(t, "Act", got.params.Get("Action"))
	assert.Equal(t, testToken, got.params.Get("Token"))
	assert.Contains(t, got.header.Get("User-Agent"), "listenerkit-go/"+listenerkit.Version)
	// The server can verify the signature over the host and path used.
	sig := got.params.Get("Signature")
	host := strings.TrimPrefix(s.URL, "http://")
	assert.Equal(t, signing.TencentV2Signature(http.MethodPost, host, "/v2/index.php", signing.ParamsFromValues(got.params), testSecret, signing.HmacSHA256), sig)
}

func TestDo_ResignsEveryAttempt(t *testing.T) {
	s := newServer(t, reply(500, `{"code":"InternalError"}`), reply(500, `{"code":"InternalError"}`), reply(200, `{"id":"ok"}`))
	c := newTestClient(t, s.URL, testDialect(always))
	var out testOut
	require.NoError(t, c.Do(context.Background(), "Act", nil, &out))
	require.Equal(t, 3, s.count())
	nonces, sigs := map[string]bool{}, map[string]bool{}
	for _, r := range s.requests {
		nonces[r.params.Get("Nonce")] = true
		sigs[r.params.Get("Signature")] = true
	}
	assert.Len(t, nonces, 3, "each attempt has its own nonce")
	assert.Len(t, sigs, 3, "each attempt has its own signature")
}

func TestDo_ClassifierDecidesRetries(t *testing.T) {
	s := newServer(t, reply(500, `{"code":"InternalError"}`))
	c := newTestClient(t, s.URL, testDialect(never))
	err := c.Do(context.Background(), "Act", nil, &testOut{})
	require.Error(t, err)
	assert.Equal(t, 1, s.count(), "the classifier said no: one attempt")

	var seen []*Failure
	s2 := newServer(t, reply(500, `{"code":"InternalError"}`))
	c2 := newTestClient(t, s2.URL, testDialect(func(f *Failure) bool { seen = append(seen, f); return true }))
	err = c2.Do(context.Background(), "Act", nil, &testOut{})
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, DefaultMaxAttempts, s2.count())
	assert.Equal(t, DefaultMaxAttempts, op.Attempts)
	require.Len(t, seen, DefaultMaxAttempts-1, "the classifier is not asked after the last attempt")
	assert.Equal(t, 500, seen[0].StatusCode)
	assert.True(t, seen[0].Sent)
	var api *testAPIError
	assert.ErrorAs(t, err, &api)
}

func TestDo_MaxAttemptsOneDisablesRetries(t *testing.T) {
	s := newServer(t, reply(500, `{"code":"InternalError"}`))
	c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetMaxAttempts(1)) })
	require.Error(t, c.Do(context.Background(), "Act", nil, &testOut{}))
	assert.Equal(t, 1, s.count())
}

func TestDo_CancelDuringBackoffReturnsAtOnce(t *testing.T) {
	s := newServer(t, reply(503, `{"code":"Busy"}`))
	c := newTestClient(t, s.URL, testDialect(always), func(c *Config) {
		require.NoError(t, c.SetBackoff(time.Hour, time.Hour))
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 2*time.Second, "an hour of backoff was cut short by the context")
	assert.Equal(t, 1, s.count())
}

func TestDo_CancelWhileWaitingOnTheNetwork(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := newTestClient(t, s.URL, testDialect(always))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.True(t, op.MayHaveApplied, "the request was sent and no answer came back")
	assert.Equal(t, 1, s.count(), "a context that ended is not retried")
}

func TestDo_ContextAlreadyDoneSendsNothing(t *testing.T) {
	s := newServer(t, reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(always))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, s.count())
}

func TestDelay_ExponentialJitterCapAndRetryAfter(t *testing.T) {
	c := &Client{backoffBase: 100 * time.Millisecond, backoffMax: 1 * time.Second}
	for i := 0; i < 200; i++ {
		d1 := c.delay(1, 0)
		assert.True(t, d1 >= 50*time.Millisecond && d1 <= 100*time.Millisecond, d1)
		d3 := c.delay(3, 0)
		assert.True(t, d3 >= 200*time.Millisecond && d3 <= 400*time.Millisecond, d3)
		d9 := c.delay(9, 0)
		assert.True(t, d9 >= 500*time.Millisecond && d9 <= time.Second, "capped: %v", d9)
		assert.True(t, c.delay(64, 0) <= time.Second, "no overflow past the cap")
	}
	assert.Equal(t, 3*time.Second, c.delay(1, 3*time.Second), "a longer Retry-After wins")
	assert.Equal(t, MaxRetryAfter, c.delay(1, time.Hour), "Retry-After is bounded")
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := http.Header{}
	assert.Zero(t, retryAfter(h, now))
	h.Set("Retry-After", "7")
	assert.Equal(t, 7*time.Second, retryAfter(h, now))
	h.Set("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat))
	assert.Equal(t, 90*time.Second, retryAfter(h, now))
	h.Set("Retry-After", "soon")
	assert.Zero(t, retryAfter(h, now))
}

func TestDo_HonoursRetryAfter(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		reply(503, `{"code":"Busy"}`)(w, r)
	}, reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(func(f *Failure) bool {
		assert.Equal(t, time.Second, f.RetryAfter)
		return true
	}))
	start := time.Now()
	require.NoError(t, c.Do(context.Background(), "Act", nil, &testOut{}))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "waited for Retry-After, not the 1ms backoff")
}

func TestDo_UnusableAnswersAreTypedErrors(t *testing.T) {
	cases := []struct {
		name, reason string
		status       int
		body         string
	}{
		{"empty", "empty body", 200, ""},
		{"html", "not a JSON object", 502, "<html><body>Bad Gateway</body></html>"},
		{"xml", "not a JSON object", 200, "<CreateListenerResponse><RequestId>1</RequestId></CreateListenerResponse>"},
		{"truncated", "truncated JSON", 200, `{"id":"x`},
		{"malformed", "malformed JSON", 200, `{"id":}`},
		{"no id", "success without id", 200, `{}`},
		{"too large", "body larger than", 200, `{"id":"` + strings.Repeat("a", MaxResponseBytes) + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, reply(tc.status, tc.body))
			c := newTestClient(t, s.URL, testDialect(never))
			var out testOut
			err := c.Do(context.Background(), "Act", nil, &out)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.status, re.StatusCode)
			assert.Contains(t, re.Error(), tc.reason)
			assert.LessOrEqual(t, len(re.Excerpt), excerptBytes+len("…"))
			var op *OperationError
			require.ErrorAs(t, err, &op)
			assert.True(t, op.MayHaveApplied)
		})
	}
}

func TestDo_RefusedConnectionIsNotSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	var failures []*Failure
	c := newTestClient(t, "http://"+addr, testDialect(func(f *Failure) bool { failures = append(failures, f); return true }))
	err = c.Do(context.Background(), "Act", nil, &testOut{})
	require.Error(t, err)
	require.NotEmpty(t, failures)
	assert.False(t, failures[0].Sent)
	assert.True(t, failures[0].Connection)
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.False(t, op.MayHaveApplied)
	assert.NotContains(t, err.Error(), "Signature=", "the URL's query is not in the error")
}

func TestDo_CredentialsFailureSendsNothing(t *testing.T) {
	s := newServer(t, reply(200, `{"id":"x"}`))
	for name, p := range map[string]signing.CredentialsProvider{
		"empty": signing.NewStaticCredentials("", "", ""),
		"failed": signing.CredentialsProviderFunc(func(context.Context) (signing.Credentials, error) {
			return signing.Credentials{}, errors.New("vault down")
		}),
		"blank": signing.CredentialsProviderFunc(func(context.Context) (signing.Credentials, error) { return signing.Credentials{ID: "id"}, nil }),
	} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetCredentials(p)) })
			err := c.Do(context.Background(), "Act", nil, &testOut{})
			var op *OperationError
			require.ErrorAs(t, err, &op)
			assert.False(t, op.MayHaveApplied)
			assert.Equal(t, 0, op.Attempts, "nothing was sent")
			assert.Contains(t, err.Error(), "before anything was sent")
			assert.NotContains(t, err.Error(), "after 1 attempt")
			if name == "failed" {
				assert.ErrorContains(t, err, "vault down", "the provider's own error is the cause")
			} else {
				assert.ErrorIs(t, err, signing.ErrMissingCredentials)
			}
		})
	}
	assert.Equal(t, 0, s.count())
}

func TestDo_RotatingCredentialsAreRetrievedEachAttempt(t *testing.T) {
	s := newServer(t, reply(500, `{"code":"InternalError"}`), reply(200, `{"id":"x"}`))
	var calls atomic.Int32
	p := signing.CredentialsProviderFunc(func(context.Context) (signing.Credentials, error) {
		n := calls.Add(1)
		return signing.Credentials{ID: fmt.Sprintf("AKIDrotating%04d", n), Secret: "secret-" + strconv.Itoa(int(n))}, nil
	})
	c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetCredentials(p)) })
	require.NoError(t, c.Do(context.Background(), "Act", nil, &testOut{}))
	assert.Equal(t, int32(2), calls.Load())
	assert.Equal(t, "AKIDrotating0001", s.requests[0].params.Get("SecretId"))
	assert.Equal(t, "AKIDrotating0002", s.requests[1].params.Get("SecretId"))
}

func TestRedaction_LogsAndErrorsHoldNoSecrets(t *testing.T) {
	var signatures []string
	var mu sync.Mutex
	// A hostile service echoes everything it was sent back into its answer.
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			mu.Lock()
			signatures = append(signatures, r.Form.Get("Signature"))
			mu.Unlock()
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"code":"Echo %s %s"}`, r.Form.Encode(), r.URL.RawQuery)
		}
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []string
	for _, h := range []http.HandlerFunc{echo(400), echo(500), echo(200), reply(200, `{"id":"fine"}`)} {
		s := newServer(t, h)
		c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetLogger(logger)) })
		if err := c.Do(context.Background(), "Act", signing.Params{{Name: "Name", Value: "n"}}, &testOut{}); err != nil {
			errs = append(errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	require.NotEmpty(t, errs)
	everything := logs.String() + strings.Join(errs, "\n")
	assert.Contains(t, everything, "Echo", "the echoed answers did reach errors and logs")
	assert.Contains(t, logs.String(), "attempt=1")
	for _, secret := range []string{testSecret, testToken, testID, url.QueryEscape(testToken)} {
		assert.NotContains(t, everything, secret)
	}
	require.NotEmpty(t, signatures)
	for _, sig := range signatures {
		assert.NotContains(t, everything, sig)
		assert.NotContains(t, everything, url.QueryEscape(sig))
	}
	assert.Contains(t, logs.String(), signing.MaskID(testID))
}

// closeAfterReading serves the first request normally (so the client keeps
// the connection) and, on the second, reads the request and closes the
// connection without answering: the service may have acted on it.
func closeAfterReading(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"id":"first"}`))
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.(*net.TCPConn).SetLinger(0) // reset, not a clean close
			_ = conn.Close()
		}
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// net/http re-sends a bodiless GET on its own when a reused connection fails
// after the request was written; for a call that is not idempotent that
// would create twice. The transport POSTs a form body, which net/http never
// replays.
func TestDo_IsNeverReplayedByNetHTTP(t *testing.T) {
	s, n := closeAfterReading(t)
	c := newTestClient(t, s.URL, testDialect(never))
	require.NoError(t, c.Do(context.Background(), "Act", nil, &testOut{}))
	err := c.Do(context.Background(), "Act", nil, &testOut{})
	require.Error(t, err)
	assert.Equal(t, int32(2), n.Load(), "the second request reached the server once")
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.True(t, op.MayHaveApplied)

	// The same server and a plain GET: net/http sends the second one twice.
	s2, n2 := closeAfterReading(t)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	resp, err := hc.Get(s2.URL)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close() // the connection goes back to the pool
	if resp, err = hc.Get(s2.URL); err == nil {
		_ = resp.Body.Close()
	}
	assert.Equal(t, int32(3), n2.Load(), "net/http replays a plain GET: the reason every call is a POST")
}

func TestConfigSettersRejectBadInput(t *testing.T) {
	cfg := NewConfig("https://example.com", signing.NewStaticCredentials("a", "b", ""))
	for _, bad := range []string{"", "example.com", "ftp://example.com", "https://", "https://h/?q=1", "https://h/#f", "https://u:p@h/", "http://[::1"} {
		assert.Error(t, cfg.SetEndpoint(bad), bad)
	}
	assert.NoError(t, cfg.SetEndpoint("http://127.0.0.1:8080/v2/index.php"))
	assert.Error(t, cfg.SetMaxAttempts(0))
	assert.Error(t, cfg.SetMaxAttempts(11))
	assert.Error(t, cfg.SetHTTPClient(nil))
	assert.Error(t, cfg.SetLogger(nil))
	assert.Error(t, cfg.SetCredentials(nil))
	assert.Error(t, cfg.SetBackoff(0, time.Second))
	assert.Error(t, cfg.SetBackoff(time.Second, time.Millisecond))
}

func TestSetHTTPClientCopies(t *testing.T) {
	hc := &http.Client{Timeout: 3 * time.Second}
	cfg := NewConfig("https://example.com", signing.NewStaticCredentials("a", "b", ""))
	require.NoError(t, cfg.SetHTTPClient(hc))
	_, err := New(cfg, testDialect(never))
	require.NoError(t, err)
	assert.Nil(t, hc.Transport, "the caller's client is not modified")
	assert.Equal(t, 3*time.Second, hc.Timeout)
}

func TestExcerptIsBoundedAndValidUTF8(t *testing.T) {
	long := strings.Repeat("监", 100)
	e := excerpt([]byte(long))
	assert.LessOrEqual(t, len(e), excerptBytes+len("…"))
	assert.True(t, strings.HasSuffix(e, "…"))
	assert.Equal(t, "a\uFFFDb", excerpt([]byte("a\xffb")))
}

// Issue 6, size: a 10 MiB body, an endless body and a body that never
// finishes are each bounded: a typed error, memory near the 1 MiB limit, the
// call returns, and the connection is released (the server sees its client
// go away).
func TestDo_HugeEndlessAndUnfinishedBodiesAreBounded(t *testing.T) {
	chunk := bytes.Repeat([]byte("a"), 32<<10)
	cases := []struct {
		name   string
		serve  func(w http.ResponseWriter, r *http.Request)
		reason string
	}{
		{"10 MiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(10<<20))
			_, _ = w.Write([]byte(`{"id":"`))
			for written := 7; written < 10<<20; written += len(chunk) {
				if _, err := w.Write(chunk[:min(len(chunk), 10<<20-written)]); err != nil {
					return
				}
			}
		}, "body larger than"},
		{"endless", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"id":"`))
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "body larger than"},
		{"never finishes", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = w.Write([]byte(`{"id":"a`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, "context deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			released := make(chan struct{})
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(released)
				_ = r.ParseForm()
				tc.serve(w, r)
			}))
			defer s.Close()
			c := newTestClient(t, s.URL, testDialect(never))
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := c.Do(ctx, "Act", nil, &testOut{})
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.reason)
			var op *OperationError
			require.ErrorAs(t, err, &op)
			assert.True(t, op.MayHaveApplied)
			if tc.reason != "context deadline exceeded" {
				var re *ResponseError
				assert.ErrorAs(t, err, &re)
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, allocated, uint64(8<<20), "reading stopped near the 1 MiB limit, far from 10 MiB or forever")
			select {
			case <-released:
			case <-time.After(2 * time.Second):
				t.Fatal("the server still holds the connection: the client did not let it go")
			}
			t.Logf("%s: %v after allocating %d KiB", tc.name, err, allocated>>10)
		})
	}
}

// A dialect with a TokenParam reports the call's token in the error, so the
// caller can send the call again safely; one without reports none.
func TestDo_FailureReportsTheIdempotencyToken(t *testing.T) {
	s := newServer(t, reply(500, `{"code":"InternalError"}`))
	params := signing.Params{{Name: "ClientToken", Value: "tok-1"}, {Name: "Name", Value: "n"}}
	for tokenParam, want := range map[string]string{"ClientToken": "tok-1", "": ""} {
		d := testDialect(never)
		d.TokenParam = tokenParam
		c := newTestClient(t, s.URL, d)
		var op *OperationError
		require.ErrorAs(t, c.Do(context.Background(), "Act", params, &testOut{}), &op)
		assert.Equal(t, want, op.IdempotencyToken, "TokenParam %q", tokenParam)
	}
}
