package bmlb_test

// Issue 11 at the BMLB client: a create without an idempotency token is
// never sent twice by anything but the SDK's own, proven-safe retries.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/internal/hostile"
	"github.com/listenerkit/listenerkit-go/signing"
)

const hostileToken = "STS.session/token+value="

func newHostileClient(t *testing.T, endpoint string, hc *http.Client) *bmlb.Client {
	opts := []bmlb.Option{bmlb.WithRegion("bj"), bmlb.WithEndpoint(endpoint),
		bmlb.WithCredentials(signing.NewStaticCredentials("AKIDhostileSecretId01", "hostile-secret-key-01", hostileToken)),
		bmlb.WithRetryBackoff(time.Millisecond, 2*time.Millisecond)}
	if hc != nil {
		opts = append(opts, bmlb.WithHTTPClient(hc))
	}
	c, err := bmlb.NewClient(opts...)
	require.NoError(t, err)
	return c
}

// The failures after which the request was delivered: one copy reaches the
// server, and the caller learns it may have been applied.
func TestDeliveredThenFailed_OneCopyAndMayHaveApplied(t *testing.T) {
	for name, srv := range map[string]*hostile.Server{
		"HTTP/2 RST_STREAM":       hostile.NewH2Server(t, hostile.ResetStream),
		"HTTP/2 GOAWAY":           hostile.NewH2Server(t, hostile.GoAway),
		"TLS record error (h1.1)": hostile.NewBadRecordServer(t),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newHostileClient(t, srv.URL+"/v2/index.php", srv.Client).CreateBmListeners(context.Background(), seedExample())
			var op *bmlb.OperationError
			require.ErrorAs(t, err, &op)
			assert.Equal(t, 1, len(srv.Bodies()), "one copy reached the server")
			assert.Equal(t, 1, op.Attempts)
			assert.True(t, op.MayHaveApplied)
			assert.NotErrorIs(t, err, bmlb.ErrReplayAttack)
		})
	}
}

// A same-host 307 would re-send the body; a 301/302 would turn the create
// into a GET whose answer is not the create's. None is followed.
func TestRedirectsAreNotFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var posts, gets int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					gets++
					_, _ = w.Write([]byte(`{"code":0,"requestId":777}`))
					return
				}
				posts++
				http.Redirect(w, r, "/v2/again.php", status)
			}))
			t.Cleanup(srv.Close)
			resp, err := newHostileClient(t, srv.URL+"/v2/index.php", nil).CreateBmListeners(context.Background(), seedExample())
			assert.Nil(t, resp)
			var redirect *bmlb.RedirectError
			require.ErrorAs(t, err, &redirect)
			assert.Equal(t, status, redirect.StatusCode)
			assert.Equal(t, 1, posts)
			assert.Zero(t, gets)
		})
	}
}

// A JSON answer that escapes "/" as "\/" still has Token and Signature
// redacted.
func TestEchoWithJSONEscapesIsRedacted(t *testing.T) {
	var sig string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		sig = r.Form.Get("Signature")
		esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "/", `\/`), "+", `\u002b`) }
		_, _ = fmt.Fprintf(w, `{"code":4100,"codeDesc":"AuthFailure","message":"bad signature for Token=%s&Signature=%s"}`,
			esc(r.Form.Get("Token")), esc(sig))
	}))
	t.Cleanup(srv.Close)
	_, err := newHostileClient(t, srv.URL+"/v2/index.php", nil).CreateBmListeners(context.Background(), seedExample())
	var api *bmlb.APIError
	require.ErrorAs(t, err, &api)
	require.NotEmpty(t, sig)
	seen := fmt.Sprintf("%v %+v %s", err, api, api.Message)
	for _, secret := range []string{hostileToken, sig, url.QueryEscape(sig), "session/token", `session\/token`} {
		assert.NotContains(t, seen, secret)
	}
	assert.Contains(t, api.Message, "Token=REDACTED&Signature=REDACTED")
}

// A success whose requestId is no task id is a suspect answer.
func TestSuspectTaskIDIsAResponseError(t *testing.T) {
	for _, id := range []string{"0", "-5", `"-1"`} {
		t.Run(id, func(t *testing.T) {
			c, mock := newMockClient(t)
			mock.RegisterResponder(http.MethodPost, mockEndpoint,
				httpmock.NewStringResponder(200, `{"code":0,"message":"","codeDesc":"Success","requestId":`+id+`}`))
			resp, err := c.CreateBmListeners(context.Background(), seedExample())
			assert.Nil(t, resp)
			var re *bmlb.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 1, mock.GetTotalCallCount(), "a suspect success may have created: not re-sent")
		})
	}
}

// Rate limiting is a refusal before anything is applied, whether it comes
// as code 4400 or HTTP 429 (with or without the usual JSON): retried.
func TestRateLimitWith429IsRetried(t *testing.T) {
	for name, first := range map[string]httpmock.Responder{
		"429 with code 4400": httpmock.NewStringResponder(429, `{"code":4400,"message":"limit","codeDesc":"RequestLimitExceeded"}`),
		"429 plain":          httpmock.NewStringResponder(429, `Too Many Requests`),
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newMockClient(t)
			mock.RegisterResponder(http.MethodPost, mockEndpoint, first.Then(
				httpmock.NewStringResponder(200, `{"code":0,"message":"","codeDesc":"Success","requestId":42}`)))
			resp, err := c.CreateBmListeners(context.Background(), seedExample())
			require.NoError(t, err)
			assert.Equal(t, int64(42), resp.TaskID)
			assert.Equal(t, 2, mock.GetTotalCallCount())
		})
	}
	// A 429 carrying another code says nothing about rate: not re-sent.
	c, mock := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(429, `{"code":6000,"message":"x","codeDesc":"InternalError"}`))
	_, err := c.CreateBmListeners(context.Background(), seedExample())
	assert.ErrorIs(t, err, bmlb.ErrInternalError)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

func TestNilAndZeroClientsAndNilContextAreErrors(t *testing.T) {
	var nilClient *bmlb.Client
	_, err := nilClient.CreateBmListeners(context.Background(), seedExample())
	assert.ErrorContains(t, err, "bmlb.NewClient")
	_, err = (&bmlb.Client{}).CreateBmListeners(context.Background(), seedExample())
	assert.ErrorContains(t, err, "bmlb.NewClient")
	c, mock := newMockClient(t)
	//lint:ignore SA1012 a nil context is what this test is about
	_, err = c.CreateBmListeners(nil, seedExample()) //nolint:staticcheck
	assert.ErrorContains(t, err, "nil context.Context")
	assert.Zero(t, mock.GetTotalCallCount())
}
