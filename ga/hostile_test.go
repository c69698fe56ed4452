package ga_test

// Issue 11 at the GA client: what real transports and hostile answers do.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/internal/hostile"
	"github.com/listenerkit/listenerkit-go/signing"
)

// An HTTP/2 stream reset after the body: every copy the server sees is an
// SDK attempt, with its own SignatureNonce and the one ClientToken.
func TestHTTP2ResetAfterTheBody_RetriesAreTheSDKsOwn(t *testing.T) {
	for name, action := range map[string]hostile.H2Action{"RST_STREAM": hostile.ResetStream, "GOAWAY": hostile.GoAway} {
		t.Run(name, func(t *testing.T) {
			srv := hostile.NewH2Server(t, action)
			c, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithHTTPClient(srv.Client),
				ga.WithCredentials(signing.NewStaticCredentials(testKeyID, testSecret, "")),
				ga.WithRetryBackoff(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)
			_, err = c.CreateListener(context.Background(), validRequest())
			var op *ga.OperationError
			require.ErrorAs(t, err, &op)
			bodies := srv.Bodies()
			require.Equal(t, 3, len(bodies), "three SDK attempts, no replay below")
			assert.Equal(t, 3, op.Attempts)
			nonces, tokens := map[string]bool{}, map[string]bool{}
			for _, b := range bodies {
				form, err := url.ParseQuery(b)
				require.NoError(t, err)
				nonces[form.Get("SignatureNonce")] = true
				tokens[form.Get("ClientToken")] = true
			}
			assert.Len(t, nonces, 3, "a fresh nonce per attempt")
			assert.Len(t, tokens, 1, "one token")
			assert.True(t, tokens[op.IdempotencyToken])
		})
	}
}

// A redirect to another host over plain http: nothing reaches that host,
// and its answer never becomes the call's.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	var stolen atomic.Int32
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		_, _ = w.Write([]byte(`{"RequestId":"r","ListenerId":"lsr-from-the-thief"}`))
	}))
	t.Cleanup(thief.Close)
	for _, status := range []int{301, 302, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+"/", status)
		}))
		t.Cleanup(srv.Close)
		c := newFakeEndpointClient(t, srv.URL)
		resp, err := c.CreateListener(context.Background(), validRequest())
		assert.Nil(t, resp)
		var redirect *ga.RedirectError
		require.ErrorAs(t, err, &redirect, "HTTP %d", status)
		assert.Equal(t, strings.TrimPrefix(thief.URL, "http://"), redirect.LocationHost)
	}
	assert.Zero(t, stolen.Load())
}

func newFakeEndpointClient(t *testing.T, endpoint string) *ga.Client {
	c, err := ga.NewClient(ga.WithEndpoint(endpoint),
		ga.WithCredentials(signing.NewStaticCredentials(testKeyID, testSecret, "STS.session/token+value=")),
		ga.WithRetryBackoff(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	return c
}

// SignatureDoesNotMatch quotes the string it signed, in which the session
// token is percent-encoded twice: the caller never sees it, in any field.
func TestSignatureDoesNotMatchQuotingTheTokenIsRedacted(t *testing.T) {
	const token = "STS.session/token+value="
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		twice := url.QueryEscape(url.QueryEscape(r.Form.Get("SecurityToken")))
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%%2F&AccessKeyId%%3D%s%%26SecurityToken%%3D%s","RequestId":"r1","Recommend":"token=%s"}`,
			r.Form.Get("AccessKeyId"), twice, strings.ReplaceAll(r.Form.Get("SecurityToken"), "/", `\/`))
	}))
	t.Cleanup(srv.Close)
	_, err := newFakeEndpointClient(t, srv.URL).CreateListener(context.Background(), validRequest())
	var api *ga.APIError
	require.ErrorAs(t, err, &api)
	assert.ErrorIs(t, err, ga.ErrSignatureDoesNotMatch)
	seen := fmt.Sprintf("%v %+v %#v %s %s", err, err, api, api.Message, api.Recommend)
	for _, form := range []string{token, url.QueryEscape(token), url.QueryEscape(url.QueryEscape(token)), testKeyID} {
		assert.NotContains(t, seen, form)
	}
	assert.Contains(t, api.Message, "REDACTED")
}

// A message of a megabyte cannot make a megabyte error.
func TestHugeErrorMessageIsClipped(t *testing.T) {
	c, mock := newMockClient(t, ga.WithMaxAttempts(1))
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/",
		httpmock.NewStringResponder(400, `{"Code":"InvalidParameter","Message":"`+strings.Repeat("m", 900<<10)+`"}`))
	_, err := c.CreateListener(context.Background(), validRequest())
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 4<<10)
}

// Throttling answered with 200 or 429 is retried: the ClientToken makes
// it safe.
func TestThrottlingWith200Or429IsRetried(t *testing.T) {
	for name, first := range map[string]httpmock.Responder{
		"200 Throttling.User": httpmock.NewStringResponder(200, `{"Code":"Throttling.User","Message":"Request was denied due to user flow control.","RequestId":"r"}`),
		"429 Throttling":      httpmock.NewStringResponder(429, `{"Code":"Throttling","Message":"slow down","RequestId":"r"}`),
		"429 without a body":  httpmock.NewStringResponder(429, ``),
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newMockClient(t)
			mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", first.Then(
				httpmock.NewStringResponder(200, `{"RequestId":"r2","ListenerId":"lsr-after-throttling"}`)))
			resp, err := c.CreateListener(context.Background(), validRequest())
			require.NoError(t, err)
			assert.Equal(t, "lsr-after-throttling", resp.ListenerID)
			assert.Equal(t, 2, mock.GetTotalCallCount())
		})
	}
}

// A success must carry a usable ListenerId: not invalid UTF-8, not text.
func TestSuspectSuccessIsAResponseError(t *testing.T) {
	for name, body := range map[string]string{
		"invalid UTF-8":  "{\"RequestId\":\"r\",\"ListenerId\":\"lsr-\xff\xfe\"}",
		"control char":   `{"RequestId":"r","ListenerId":"lsr-a\u0000b"}`,
		"spaces":         `{"RequestId":"r","ListenerId":"not an id"}`,
		"empty object":   `{}`,
		"ListenerId 129": `{"ListenerId":"` + strings.Repeat("a", 129) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newMockClient(t, ga.WithMaxAttempts(1))
			mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", httpmock.NewStringResponder(200, body))
			resp, err := c.CreateListener(context.Background(), validRequest())
			assert.Nil(t, resp)
			var re *ga.ResponseError
			require.ErrorAs(t, err, &re)
		})
	}
	// A Code in a 200 is the service's error, not a success.
	c, mock := newMockClient(t, ga.WithMaxAttempts(1))
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", httpmock.NewStringResponder(200, `{"RequestId":"r","Code":"NotExist.Accelerator","Message":"x"}`))
	_, err := c.CreateListener(context.Background(), validRequest())
	assert.ErrorIs(t, err, ga.ErrNotExistAccelerator)
}

func TestNilAndZeroClientsAndNilContextAreErrors(t *testing.T) {
	var nilClient *ga.Client
	_, err := nilClient.CreateListener(context.Background(), validRequest())
	assert.ErrorContains(t, err, "ga.NewClient")
	_, err = (&ga.Client{}).CreateListener(context.Background(), validRequest())
	assert.ErrorContains(t, err, "ga.NewClient")
	c, mock := newMockClient(t)
	//lint:ignore SA1012 a nil context is what this test is about
	_, err = c.CreateListener(nil, validRequest()) //nolint:staticcheck
	assert.ErrorContains(t, err, "nil context.Context")
	_, err = c.CreateListener(context.Background(), nil)
	var invalid *ga.ValidationError
	assert.ErrorAs(t, err, &invalid)
	assert.Zero(t, mock.GetTotalCallCount())
}

// Validation is O(n log n) and its error bounded, and more than 300 ranges
// always break the page's PortRangeIllegal.Count rule (a listener of more
// than 300 ports takes one range), so none of them is sent. The time bound
// is a guard against a quadratic check, not a measurement: 300,000 ranges
// take about 0.3 s under -race here, a pairwise check of them minutes, so
// the 5 s bound leaves room for a loaded machine.
func TestValidatingThousandsOfRangesIsFastAndSmall(t *testing.T) {
	identical := make([]ga.PortRange, 3000)
	for i := range identical {
		identical[i] = ga.PortRange{FromPort: 80, ToPort: 90}
	}
	many := make([]ga.PortRange, 300000)
	for i := range many {
		many[i] = ga.PortRange{FromPort: i%65000 + 1, ToPort: i%65000 + 1}
	}
	for name, ranges := range map[string][]ga.PortRange{"3,000 identical": identical, "300,000 one-port": many} {
		t.Run(name, func(t *testing.T) {
			req := validRequest()
			req.PortRanges = ranges
			start := time.Now()
			err := req.Validate()
			elapsed := time.Since(start)
			assert.Less(t, elapsed, 5*time.Second)
			var invalid *ga.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.ErrorIs(t, err, ga.ErrPortRangeIllegalCount)
			assert.Less(t, len(err.Error()), 1<<20)
			assert.LessOrEqual(t, len(invalid.Violations), 50)
			if name == "3,000 identical" {
				assert.ErrorIs(t, err, ga.ErrPortConflictListener)
				assert.Equal(t, 3000, len(invalid.Violations)+invalid.Omitted, "2,999 overlaps and the count rule")
				assert.Contains(t, err.Error(), "and 2950 more")
			}
		})
	}
}
