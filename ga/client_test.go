package ga_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listenerkit "github.com/listenerkit/listenerkit-go"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

const (
	mockEndpoint = "https://ga.example.test"
	testKeyID    = "LTAI5tUnitTestKeyID01"
	testSecret   = "unit-test-secret-0001"
)

// newMockClient returns a client whose requests go to a per-test httpmock
// transport: parallel-safe, and the signer still runs.
func newMockClient(t *testing.T, opts ...ga.Option) (*ga.Client, *httpmock.MockTransport) {
	mock := httpmock.NewMockTransport()
	opts = append([]ga.Option{
		ga.WithEndpoint(mockEndpoint),
		ga.WithCredentials(signing.NewStaticCredentials(testKeyID, testSecret, "")),
		ga.WithHTTPClient(&http.Client{Transport: mock}),
		ga.WithRetryBackoff(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := ga.NewClient(opts...)
	require.NoError(t, err)
	return c, mock
}

func TestCreateListener_WireEncoding(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t, ga.WithCredentials(signing.NewStaticCredentials(testKeyID, testSecret, "sts-token-value")))
	var form url.Values
	var header http.Header
	var method string
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(body))
		header, method = r.Header, r.Method
		assert.Empty(t, r.URL.RawQuery, "no parameter travels in the URL")
		return httpmock.NewStringResponse(200, `{"RequestId":"04F0F334-1335-436C-A1D7-6C044FE73368","ListenerId":"lsr-bp1bpn0kn908w4nbw","Extra":{"new":"field"}}`), nil
	})
	resp, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{
		ClientToken:    "123e4567-e89b-12d3-a456-426655440000",
		AcceleratorID:  "ga-bp1odcab8tmno0hdq",
		Name:           "Listener",
		Description:    "监听 描述 & more",
		ClientAffinity: ga.ClientAffinitySourceIP,
		Protocol:       ga.ProtocolHTTPS,
		PortRanges:     []ga.PortRange{{443, 443}},
		Certificates:   []ga.Certificate{{"449-cn-hangzhou"}},
	})
	require.NoError(t, err)
	assert.Equal(t, &ga.CreateListenerResponse{RequestID: "04F0F334-1335-436C-A1D7-6C044FE73368", ListenerID: "lsr-bp1bpn0kn908w4nbw",
		ClientToken: "123e4567-e89b-12d3-a456-426655440000"}, resp)

	assert.Equal(t, http.MethodPost, method)
	assert.Equal(t, "application/x-www-form-urlencoded", header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(header.Get("User-Agent"), "listenerkit-go/"))
	signature := form.Get("Signature")
	nonce, timestamp := form.Get("SignatureNonce"), form.Get("Timestamp")
	assert.NotEmpty(t, nonce)
	_, err = time.Parse("2006-01-02T15:04:05Z", timestamp)
	assert.NoError(t, err)
	assert.Equal(t, url.Values{
		"Action": {"CreateListener"}, "Version": {"2019-11-20"}, "Format": {"JSON"},
		"AccessKeyId": {testKeyID}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
		"SignatureNonce": {nonce}, "Timestamp": {timestamp}, "SecurityToken": {"sts-token-value"}, "Signature": {signature},
		"RegionId": {"cn-hangzhou"}, "ClientToken": {"123e4567-e89b-12d3-a456-426655440000"},
		"AcceleratorId": {"ga-bp1odcab8tmno0hdq"}, "Name": {"Listener"}, "Description": {"监听 描述 & more"},
		"ClientAffinity": {"SOURCE_IP"}, "Protocol": {"https"}, "ProxyProtocol": {"false"},
		"PortRanges.1.FromPort": {"443"}, "PortRanges.1.ToPort": {"443"}, "Certificates.1.Id": {"449-cn-hangzhou"},
	}, form)
	assert.Equal(t, signing.AlibabaRPCSignature("POST", signing.ParamsFromValues(form), testSecret), signature)
}

func TestCreateListener_PortRangesAreOneBased(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	var form url.Values
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		_ = r.ParseForm()
		form = r.PostForm
		return httpmock.NewStringResponse(200, `{"RequestId":"r","ListenerId":"lsr-1"}`), nil
	})
	_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{
		AcceleratorID: "ga-1", ProxyProtocol: true,
		PortRanges: []ga.PortRange{{10, 10}, {20, 25}, {30, 30}, {40, 40}},
	})
	require.NoError(t, err)
	assert.NotContains(t, form, "Protocol", "an empty Protocol is not sent: the page gives it no default")
	assert.Equal(t, "true", form.Get("ProxyProtocol"))
	assert.Equal(t, "20", form.Get("PortRanges.2.FromPort"))
	assert.Equal(t, "25", form.Get("PortRanges.2.ToPort"))
	assert.Equal(t, "40", form.Get("PortRanges.4.ToPort"))
	assert.NotContains(t, form, "PortRanges.0.FromPort")
	assert.NotContains(t, form, "Name", "unset optional fields are omitted")
	assert.Len(t, form.Get("ClientToken"), 36, "a UUID is made for an empty ClientToken")
}

func TestCreateListener_InvalidRequestSendsNothing(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", Protocol: ga.ProtocolUDP, PortRanges: []ga.PortRange{{4789, 4789}}})
	assert.ErrorIs(t, err, ga.ErrPortRangeIllegalUDP)
	_, err = c.CreateListener(context.Background(), nil)
	assert.ErrorIs(t, err, ga.ErrMissingParameter)
	assert.Zero(t, mock.GetTotalCallCount())
}

// Every code of the API page and of wire-facts maps to its Err value.
func TestCreateListener_EveryErrorCodeIsMapped(t *testing.T) {
	t.Parallel()
	codes := []ga.ErrorCode{
		ga.ErrProtocalIllegalListener, ga.ErrNotExistAccelerator, ga.ErrStateErrorAccelerator, ga.ErrQuotaExceededListener,
		ga.ErrQuotaExceededListenerPort, ga.ErrPortRangeIllegalListener, ga.ErrPortRangeIllegalCount, ga.ErrPortConflictListener,
		ga.ErrPortRangeIllegalExceedGaAbility, ga.ErrPortRangeIllegalUDP, ga.ErrSystemPortListener, ga.ErrPortRangesMustOne,
		ga.ErrThrottling, ga.ErrThrottlingUser, ga.ErrThrottlingApi, ga.ErrServiceUnavailable, ga.ErrInternalError,
		ga.ErrSignatureDoesNotMatch, ga.ErrInvalidAccessKeyIdNotFound, ga.ErrSignatureNonceUsed, ga.ErrInvalidTimeStampExpired,
		ga.ErrMissingParameter, ga.ErrIncompleteSignature, ga.ErrInvalidParameter,
	}
	for _, code := range codes {
		t.Run(string(code), func(t *testing.T) {
			c, mock := newMockClient(t, ga.WithMaxAttempts(1), ga.WithBusyAcceleratorWait(0))
			mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", httpmock.NewStringResponder(code.HTTPStatus(),
				fmt.Sprintf(`{"RequestId":"req-%s","HostId":"ga.cn-hangzhou.aliyuncs.com","Code":"%s","Message":"m","Recommend":"https://r"}`, code, code)))
			_, err := c.CreateListener(context.Background(), validRequest())
			require.ErrorIs(t, err, code)
			var api *ga.APIError
			require.ErrorAs(t, err, &api)
			assert.Equal(t, ga.APIError{StatusCode: code.HTTPStatus(), Code: code, Message: "m", RequestID: "req-" + string(code),
				HostID: "ga.cn-hangzhou.aliyuncs.com", Recommend: "https://r"}, *api)
			for _, other := range codes {
				if other != code {
					assert.False(t, errors.Is(err, other), "%s must not match %s", code, other)
				}
			}
		})
	}
}

func TestCreateListener_RetriesOnlyWhatTheIssueAllows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status   int
		code     string
		attempts int
	}{
		{500, "InternalError", 3},
		{503, "ServiceUnavailable", 3},
		{400, "Throttling.User", 3},
		{400, "Throttling.Api", 3},
		{400, "Throttling", 3},
		{502, "", 3}, // a 5xx whose body is not the service's still retries
		{400, "PortConflict.Listener", 1},
		{404, "InvalidAccessKeyId.NotFound", 1},
		{400, "SignatureDoesNotMatch", 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", tc.status, tc.code), func(t *testing.T) {
			c, mock := newMockClient(t)
			var tokens []string
			var mu sync.Mutex
			body := "<html>bad gateway</html>"
			if tc.code != "" {
				body = fmt.Sprintf(`{"RequestId":"r","Code":"%s","Message":"m"}`, tc.code)
			}
			mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
				_ = r.ParseForm()
				mu.Lock()
				tokens = append(tokens, r.PostForm.Get("ClientToken"))
				mu.Unlock()
				return httpmock.NewStringResponse(tc.status, body), nil
			})
			_, err := c.CreateListener(context.Background(), validRequest())
			require.Error(t, err)
			assert.Equal(t, tc.attempts, mock.GetTotalCallCount())
			for _, tok := range tokens {
				assert.Equal(t, tokens[0], tok, "the ClientToken is kept on every retry")
			}
		})
	}
}

func TestCreateListener_RetriesConnectionFailures(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	calls := 0
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		calls++
		if calls < 3 {
			return nil, errors.New("connection reset by peer")
		}
		return httpmock.NewStringResponse(200, `{"RequestId":"r","ListenerId":"lsr-1"}`), nil
	})
	resp, err := c.CreateListener(context.Background(), validRequest())
	require.NoError(t, err)
	assert.Equal(t, "lsr-1", resp.ListenerID)
	assert.Equal(t, 3, calls)
}

func TestCreateListener_CallerTokenIsKept(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	var sent string
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		_ = r.ParseForm()
		sent = r.PostForm.Get("ClientToken")
		return httpmock.NewStringResponse(200, `{"RequestId":"r","ListenerId":"lsr-1"}`), nil
	})
	req := validRequest()
	req.ClientToken = "my-token"
	resp, err := c.CreateListener(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "my-token", sent)
	assert.Equal(t, "my-token", resp.ClientToken)
	assert.Equal(t, "my-token", req.ClientToken, "the caller's request is not changed")

	req.ClientToken = ""
	resp, err = c.CreateListener(context.Background(), req)
	require.NoError(t, err)
	assert.Empty(t, req.ClientToken, "the made token is not written into the caller's request")
	assert.NotEmpty(t, resp.ClientToken)
}

func TestNewClient_OptionsRejectBadInput(t *testing.T) {
	for name, opt := range map[string]ga.Option{
		"endpoint":    ga.WithEndpoint("ftp://x"),
		"credentials": ga.WithCredentials(nil),
		"http client": ga.WithHTTPClient(nil),
		"attempts":    ga.WithMaxAttempts(0),
		"logger":      ga.WithLogger(nil),
		"backoff":     ga.WithRetryBackoff(time.Second, time.Millisecond),
		"nil option":  nil,
	} {
		_, err := ga.NewClient(opt)
		assert.Error(t, err, name)
	}
}

// End to end against the fake: real signing, real HTTP on loopback.
func newFakeClient(t *testing.T, srv *gatest.Server, opts ...ga.Option) *ga.Client {
	c, err := ga.NewClient(append([]ga.Option{
		ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithRetryBackoff(time.Millisecond, 5*time.Millisecond),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestEndToEnd_CreateAndServiceErrors(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv)
	ctx := context.Background()

	resp, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", Name: "web", PortRanges: []ga.PortRange{{80, 90}}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(resp.ListenerID, "lsr-"))
	assert.Len(t, resp.RequestID, 36)
	assert.Equal(t, 1, srv.ListenerCount("ga-1"))

	// Only the service knows these.
	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{85, 85}}})
	assert.ErrorIs(t, err, ga.ErrPortConflictListener)
	var api *ga.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, 400, api.StatusCode)
	assert.NotEmpty(t, api.RequestID)

	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", Protocol: ga.ProtocolUDP, PortRanges: []ga.PortRange{{85, 85}}})
	assert.NoError(t, err, "udp does not conflict with tcp ports")

	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-missing", PortRanges: []ga.PortRange{{1, 1}}})
	assert.ErrorIs(t, err, ga.ErrNotExistAccelerator)

	srv.SetAcceleratorState("ga-busy", gatest.StateConfiguring)
	requests := srv.Requests()
	busy := newFakeClient(t, srv, ga.WithBusyAcceleratorWait(50*time.Millisecond), ga.WithWaiterDelays(5*time.Millisecond, 10*time.Millisecond))
	_, err = busy.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-busy", PortRanges: []ga.PortRange{{1, 1}}})
	assert.ErrorIs(t, err, ga.ErrStateErrorAccelerator, "still busy when the busy wait ran out")
	assert.Greater(t, srv.Requests()-requests, 2, "sent again while the accelerator was busy")

	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{1000, 2000}}})
	require.NoError(t, err)
	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", Protocol: ga.ProtocolHTTP, PortRanges: []ga.PortRange{{5000, 5000}}})
	require.NoError(t, err)
	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{3000, 3400}}})
	assert.ErrorIs(t, err, ga.ErrPortRangeIllegalExceedGaAbility, "one listener of more than 300 ports per protocol")
}

func TestEndToEnd_Quota(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer(gatest.WithListenerQuota(2))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv)
	for port := 1; port <= 2; port++ {
		_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{port, port}}})
		require.NoError(t, err)
	}
	_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{3, 3}}})
	assert.ErrorIs(t, err, ga.ErrQuotaExceededListener)
}

// QuotaExceeded.ListenerPort: the accelerator's listeners hold at most the
// port quota together.
func TestEndToEnd_PortQuota(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer(gatest.WithListenerPortQuota(20))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv)
	_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{1, 10}, {21, 25}}})
	require.NoError(t, err)
	_, err = c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{100, 105}}})
	assert.ErrorIs(t, err, ga.ErrQuotaExceededListenerPort, "15 + 6 ports > 20")
	_, err = c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{100, 104}}})
	assert.NoError(t, err, "15 + 5 ports = 20")
}

func TestEndToEnd_ResetAfterApplyIsRetriedWithTheSameToken(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	srv.InjectFault(gatest.FaultResetAfterApply, 1)
	srv.InjectFault(gatest.FaultThrottle, 1)
	c := newFakeClient(t, srv)
	resp, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80, 80}}})
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Requests())
	require.Equal(t, 1, srv.ListenerCount("ga-1"), "the retry found the listener the first attempt made")
	assert.Equal(t, srv.Listeners("ga-1")[0].ID, resp.ListenerID)
	assert.Equal(t, resp.ClientToken, srv.Listeners("ga-1")[0].ClientToken)
}

func TestEndToEnd_SameTokenSameListener(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv)
	req := &ga.CreateListenerRequest{AcceleratorID: "ga-1", ClientToken: "tok-1", PortRanges: []ga.PortRange{{80, 80}}}
	first, err := c.CreateListener(context.Background(), req)
	require.NoError(t, err)
	second, err := c.CreateListener(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, first.ListenerID, second.ListenerID)
	assert.Equal(t, 1, srv.ListenerCount("ga-1"))
}

func TestEndToEnd_AuthenticationFailures(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer(gatest.WithCredentials("LTAI5tRightKeyID", "right-secret-value"))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cases := map[ga.ErrorCode]signing.CredentialsProvider{
		ga.ErrSignatureDoesNotMatch:      signing.NewStaticCredentials("LTAI5tRightKeyID", "wrong-secret-value", ""),
		ga.ErrInvalidAccessKeyIdNotFound: signing.NewStaticCredentials("LTAI5tWrongKeyID", "right-secret-value", ""),
	}
	for code, creds := range cases {
		c := newFakeClient(t, srv, ga.WithCredentials(creds), ga.WithLogger(logger))
		_, err := c.CreateListener(context.Background(), validRequestFor("ga-1"))
		require.ErrorIs(t, err, code)
		assert.NotContains(t, err.Error(), "wrong-secret-value")
		assert.NotContains(t, err.Error(), "LTAI5tRightKeyID", "the echoed string-to-sign has the key id masked")
		assert.NotContains(t, fmt.Sprintf("%+v", err), "LTAI5tWrongKeyID")
	}
	assert.NotContains(t, logs.String(), "LTAI5tRightKeyID")
	assert.NotContains(t, logs.String(), "wrong-secret-value")
	assert.Contains(t, logs.String(), "LTAI****yID")
}

func TestEndToEnd_ClockSkew(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer(gatest.WithClock(func() time.Time { return time.Now().Add(20 * time.Minute) }))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv)
	_, err := c.CreateListener(context.Background(), validRequestFor("ga-1"))
	assert.ErrorIs(t, err, ga.ErrInvalidTimeStampExpired)
}

func validRequestFor(id string) *ga.CreateListenerRequest {
	return &ga.CreateListenerRequest{AcceleratorID: id, PortRanges: []ga.PortRange{{80, 80}}}
}

// A call that fails once the service may have applied it reports its
// ClientToken; sending the request again with it returns the listener the
// failed call created, not a second one.
func TestEndToEnd_FailedCallReportsItsTokenForASafeRetry(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	srv.InjectFault(gatest.FaultNotJSON, 1) // applied, then an answer that cannot be read: not retried
	c := newFakeClient(t, srv)
	req := &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}}
	_, err := c.CreateListener(context.Background(), req)
	var op *ga.OperationError
	require.ErrorAs(t, err, &op)
	assert.True(t, op.MayHaveApplied)
	require.Len(t, op.IdempotencyToken, 36, "the UUID the client made")
	require.Equal(t, 1, srv.ListenerCount("ga-1"))

	again := *req
	again.ClientToken = op.IdempotencyToken
	resp, err := c.CreateListener(context.Background(), &again)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.ListenerCount("ga-1"), "the same listener, not a second")
	assert.Equal(t, srv.Listeners("ga-1")[0].ID, resp.ListenerID)
}

func TestWithUserAgent(t *testing.T) {
	c, mock := newMockClient(t, ga.WithUserAgent("billing/1.4"))
	var ua string
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		ua = r.Header.Get("User-Agent")
		return httpmock.NewStringResponse(200, `{"RequestId":"r","ListenerId":"lsr-1"}`), nil
	})
	_, err := c.CreateListener(context.Background(), validRequest())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ua, "listenerkit-go/"+listenerkit.Version+" ("), ua)
	assert.True(t, strings.HasSuffix(ua, ") billing/1.4"), ua)
	_, err = ga.NewClient(ga.WithUserAgent("bad\r\nheader"))
	assert.Error(t, err)
}
