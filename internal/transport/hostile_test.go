package transport

// Issue 11: the transport's promises tried as an adversary would, on
// loopback: HTTP/2 resets and GOAWAYs, a TLS failure after the request,
// redirects, echoed secrets in every spelling, and status that must be true.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/hostile"
	"github.com/listenerkit/listenerkit-go/internal/testhttp"
	"github.com/listenerkit/listenerkit-go/signing"
)

func withHTTPClient(t *testing.T, hc *http.Client) func(*Config) {
	return func(c *Config) { require.NoError(t, c.SetHTTPClient(hc)) }
}

// net/http's HTTP/2 transport re-sends a request whose stream was refused
// or whose connection went away when it can rewind the body (GetBody). The
// transport takes GetBody away: each SDK attempt reaches the server once,
// and only the SDK's retry policy sends again, signed anew.
func TestHTTP2_ResetOrGoAwayAfterTheBodyIsNeverReplayedBelowTheSDK(t *testing.T) {
	for name, action := range map[string]hostile.H2Action{"RST_STREAM": hostile.ResetStream, "GOAWAY": hostile.GoAway} {
		for _, retries := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sdk retries %v", name, retries), func(t *testing.T) {
				srv := hostile.NewH2Server(t, action)
				retry := never
				if retries {
					retry = always
				}
				c := newTestClient(t, srv.URL, testDialect(retry), withHTTPClient(t, srv.Client))
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				err := c.Do(ctx, "Act", signing.Params{{Name: "ClientToken", Value: "token-1"}}, &testOut{})
				var op *OperationError
				require.ErrorAs(t, err, &op)
				bodies := srv.Bodies()
				want := 1
				if retries {
					want = DefaultMaxAttempts
				}
				require.Equal(t, want, len(bodies), "one copy per SDK attempt, none from net/http")
				assert.Equal(t, want, op.Attempts)
				assert.True(t, op.MayHaveApplied, "the body was written and no answer came")
				nonces := map[string]bool{}
				for _, b := range bodies {
					form, err := url.ParseQuery(b)
					require.NoError(t, err)
					assert.Equal(t, "token-1", form.Get("ClientToken"), "one token across attempts")
					nonces[form.Get("Nonce")] = true
				}
				assert.Len(t, nonces, want, "every attempt has its own nonce")
			})
		}
	}
}

// The HTTP/2 server really speaks HTTP/2, and without the SDK's guard
// net/http would replay: this pins the behaviour the guard exists for.
func TestHTTP2_NetHTTPReplaysWhenItCanRewind(t *testing.T) {
	srv := hostile.NewH2Server(t, hostile.ResetStream)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("a=1"))
	require.NoError(t, err)
	require.NotNil(t, req.GetBody, "net/http sets GetBody for a strings.Reader")
	_, err = srv.Client.Do(req)
	require.Error(t, err)
	assert.Greater(t, len(srv.Bodies()), 1, "net/http re-sent the same request on its own")
}

// A TLS record error after the request was delivered is not "never sent".
func TestTLSRecordErrorAfterTheRequestCountsAsSent(t *testing.T) {
	srv := hostile.NewBadRecordServer(t)
	c := newTestClient(t, srv.URL, testDialect(func(f *Failure) bool { return !f.Sent }), withHTTPClient(t, srv.Client))
	err := c.Do(context.Background(), "Act", nil, &testOut{})
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.Len(t, srv.Bodies(), 1, "not re-sent")
	assert.Equal(t, 1, op.Attempts)
	assert.True(t, op.MayHaveApplied)
}

// A RoundTripper that reports nothing through httptrace (a mock, a custom
// transport) cannot prove a request unsent: its failures count as sent.
func TestTransportThatDoesNotReportCountsAsSent(t *testing.T) {
	var calls atomic.Int32
	hc := &http.Client{Transport: testhttp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		return nil, errors.New("dial tcp: connection refused")
	})}
	c := newTestClient(t, "https://example.test", testDialect(func(f *Failure) bool { return !f.Sent }), withHTTPClient(t, hc))
	err := c.Do(context.Background(), "Act", nil, &testOut{})
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, int32(1), calls.Load())
	assert.True(t, op.MayHaveApplied)
}

// Redirects are never followed, whatever the status or target, and never
// retried: the credentials and the body go nowhere else.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{"id":"from-the-redirect-target"}`))
	}))
	t.Cleanup(other.Close)
	otherHost := strings.TrimPrefix(other.URL, "http://")
	for _, status := range []int{301, 302, 303, 307, 308} {
		for target, location := range map[string]string{"cross-host": other.URL + "/steal", "same host": "/again", "loop": "/"} {
			t.Run(fmt.Sprintf("%d %s", status, target), func(t *testing.T) {
				s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", location)
					w.WriteHeader(status)
				})
				c := newTestClient(t, s.URL, testDialect(always))
				err := c.Do(context.Background(), "Act", nil, &testOut{})
				var redirect *RedirectError
				require.ErrorAs(t, err, &redirect)
				assert.Equal(t, status, redirect.StatusCode)
				if target == "cross-host" {
					assert.Equal(t, otherHost, redirect.LocationHost)
				}
				assert.Contains(t, err.Error(), fmt.Sprint(status))
				assert.Equal(t, 1, s.count(), "sent once, not retried, not followed")
				var op *OperationError
				require.ErrorAs(t, err, &op)
				assert.True(t, op.MayHaveApplied, "no answer proved otherwise")
			})
		}
	}
	assert.Zero(t, elsewhere.Load(), "nothing reached the redirect target")
}

// The spellings a service may echo a secret in: raw, percent-encoded once
// or twice (either hex case), JSON-escaped, and mixtures.
func TestRedactorFindsEverySpelling(t *testing.T) {
	const token = "STS.tok/en+with=reserved"
	r := newRedactor(signing.Credentials{ID: "LTAI5tSpellingKey01", Secret: "secret/value+1", SessionToken: token}, "sig+na/ture==")
	once := url.QueryEscape(token)
	twice := url.QueryEscape(once)
	lowerHex := regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(once, strings.ToLower)
	spellings := map[string]string{
		"raw":                 token,
		"percent once":        once,
		"percent once, lower": lowerHex,
		"percent twice":       twice,
		"percent thrice":      url.QueryEscape(twice),
		"json \\/":            strings.ReplaceAll(token, "/", `\/`),
		"json \\u":            `STS.tok\u002fen\u002Bwith\u003dreserved`,
		"json of percent":     strings.ReplaceAll(once, "%", `\u0025`),
		"mixed":               `STS.tok%252Fen\u002bwith%3Dreserved`,
	}
	for name, spelled := range spellings {
		t.Run(name, func(t *testing.T) {
			body := []byte(`{"Message":"string to sign: POST&%2F&SecurityToken%3D` + spelled + `%26x (end)"}`)
			got := r.bytes(body)
			assert.NotContains(t, string(got), spelled)
			assert.Contains(t, string(got), "REDACTED")
			assert.Contains(t, string(got), "(end)", "the rest of the text stays")
			var decoded struct{ Message string }
			if json.Unmarshal(got, &decoded) == nil {
				for _, form := range []string{token, once, twice} {
					assert.NotContains(t, decoded.Message, form, "nothing decodes back to the secret")
				}
			}
			assert.Equal(t, string(got), r.string(string(body)))
		})
	}
}

// What a hostile service echoes reaches neither the error nor the log, in
// body or header, and a huge header cannot make a huge error.
func TestEchoedSecretsAndHugeHeadersStayOutOfErrors(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		token := r.Form.Get("Token")
		w.Header().Set("Content-Type", "text/plain; echo="+url.QueryEscape(url.QueryEscape(token))+"; pad="+strings.Repeat("x", 256<<10))
		w.WriteHeader(http.StatusBadGateway)
		sig := strings.ReplaceAll(r.Form.Get("Signature"), "/", `\/`)
		_, _ = fmt.Fprintf(w, "<html>token=%s sig=%s %s", strings.ReplaceAll(token, "-", `\u002d`), sig, strings.Repeat("y", 900<<10))
	})
	c := newTestClient(t, s.URL, testDialect(never))
	err := c.Do(context.Background(), "Act", nil, &testOut{})
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	text := fmt.Sprintf("%v %+v %#v", err, err, err)
	assert.Less(t, len(err.Error()), 4<<10, "an error stays a few KiB")
	assert.Less(t, len(re.ContentType), 1<<10)
	assert.NotContains(t, text, "session-token")
	assert.NotContains(t, text, "session%252Dtoken")
}

// A provider that ignores its context cannot hold the call past its
// deadline, and nothing is reported as sent.
func TestCredentialsProviderIgnoringTheContextIsBounded(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := signing.CredentialsProviderFunc(func(context.Context) (signing.Credentials, error) {
		<-release
		return signing.Credentials{ID: testID, Secret: testSecret}, nil
	})
	s := newServer(t, reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetCredentials(slow)) })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.Less(t, time.Since(start), 2*time.Second)
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, op.Attempts)
	assert.False(t, op.MayHaveApplied)
	assert.Contains(t, err.Error(), "before anything was sent")
	assert.Zero(t, s.count())
}

func TestPanickingCredentialsProviderIsAnError(t *testing.T) {
	p := signing.CredentialsProviderFunc(func(context.Context) (signing.Credentials, error) { panic("vault client bug") })
	c := newTestClient(t, "http://127.0.0.1:1", testDialect(always), func(c *Config) { require.NoError(t, c.SetCredentials(p)) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.ErrorContains(t, err, "panicked: vault client bug")
}

func TestDeadlineAlreadyPassedSendsNothing(t *testing.T) {
	s := newServer(t, reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(always))
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	err := c.Do(ctx, "Act", nil, &testOut{})
	var op *OperationError
	require.ErrorAs(t, err, &op)
	assert.Zero(t, op.Attempts)
	assert.False(t, op.MayHaveApplied)
	assert.Contains(t, err.Error(), "before anything was sent")
	assert.Zero(t, s.count())
}

// A Retry-After longer than the time left: the call returns at once with
// the answer that asked for the wait, not a deadline error that hides it.
func TestRetryAfterBeyondTheDeadlineKeepsItsCause(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		reply(503, `{"code":"Busy"}`)(w, r)
	})
	c := newTestClient(t, s.URL, testDialect(always))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.Less(t, time.Since(start), time.Second, "did not sleep into the deadline")
	var api *testAPIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "Busy", api.Code)
	assert.Equal(t, 1, s.count())
	assert.Contains(t, err.Error(), "not retried")
}

// When the context ends during the wait, both the context's error and the
// failure before it are reachable.
func TestContextEndingDuringBackoffKeepsTheLastFailure(t *testing.T) {
	s := newServer(t, reply(503, `{"code":"Busy"}`))
	c := newTestClient(t, s.URL, testDialect(always), func(c *Config) { require.NoError(t, c.SetBackoff(time.Second, time.Second)) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := c.Do(ctx, "Act", nil, &testOut{})
	assert.ErrorIs(t, err, context.Canceled)
	var api *testAPIError
	assert.ErrorAs(t, err, &api)
}

func TestNilContextIsAnError(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", testDialect(always))
	//lint:ignore SA1012 a nil context is what this test is about
	err := c.Do(nil, "Act", nil, &testOut{}) //nolint:staticcheck
	assert.ErrorContains(t, err, "nil context.Context")
}

func TestUserAgentNamesTheModuleAndTheApplication(t *testing.T) {
	s := newServer(t, reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(never), func(c *Config) { require.NoError(t, c.SetUserAgent("billing/1.4")) })
	require.NoError(t, c.Do(context.Background(), "Act", nil, &testOut{}))
	ua := s.requests[0].header.Get("User-Agent")
	assert.Regexp(t, `^listenerkit-go/\d+\.\d+\.\d+ \(go[^;]+; \w+/\w+\) billing/1\.4$`, ua)

	cfg := NewConfig("https://example.test", signing.NewStaticCredentials("a", "b", ""))
	for _, bad := range []string{"", "a\nb", strings.Repeat("x", 129), "名前"} {
		assert.Error(t, cfg.SetUserAgent(bad), "%q", bad)
	}
}
