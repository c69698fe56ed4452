package bmlb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listenerkit "github.com/listenerkit/listenerkit-go"
	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/signing"
)

func intPtr(n int) *int { return &n }

func validListener() bmlb.Listener {
	return bmlb.Listener{LoadBalancerPort: 1234, Protocol: bmlb.ProtocolTCP, ListenerName: "tcp-test"}
}

// Each case names the rule of the CreateBmListeners page (seed 004).
func TestValidate_Rules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(l *bmlb.Listener)
		field  string
		code   bmlb.ErrorCode
	}{
		{"valid minimal", func(l *bmlb.Listener) {}, "", 0},
		{"port 1..65535 low edge", func(l *bmlb.Listener) { l.LoadBalancerPort = 1 }, "", 0},
		{"port 1..65535 high edge", func(l *bmlb.Listener) { l.LoadBalancerPort = 65535 }, "", 0},
		{"port 0", func(l *bmlb.Listener) { l.LoadBalancerPort = 0 }, "Listeners[0].LoadBalancerPort", bmlb.ErrInvalidParameter},
		{"port 65536", func(l *bmlb.Listener) { l.LoadBalancerPort = 65536 }, "Listeners[0].LoadBalancerPort", bmlb.ErrInvalidParameter},
		{"protocol udp", func(l *bmlb.Listener) { l.Protocol = bmlb.ProtocolUDP }, "", 0},
		{"protocol http is not layer 4", func(l *bmlb.Listener) { l.Protocol = "http" }, "Listeners[0].Protocol", bmlb.ErrInvalidParameter},
		{"name required", func(l *bmlb.Listener) { l.ListenerName = "" }, "Listeners[0].ListenerName", bmlb.ErrInvalidParameter},
		{"sessionExpire 900", func(l *bmlb.Listener) { l.SessionExpire = 900 }, "", 0},
		{"sessionExpire 3600", func(l *bmlb.Listener) { l.SessionExpire = 3600 }, "", 0},
		{"sessionExpire 899", func(l *bmlb.Listener) { l.SessionExpire = 899 }, "Listeners[0].SessionExpire", bmlb.ErrInvalidParameter},
		{"sessionExpire 3601", func(l *bmlb.Listener) { l.SessionExpire = 3601 }, "Listeners[0].SessionExpire", bmlb.ErrInvalidParameter},
		{"timeOut 2..60 with interval 61", func(l *bmlb.Listener) { l.TimeOut, l.IntervalTime = 60, 61 }, "", 0},
		{"timeOut 61", func(l *bmlb.Listener) { l.TimeOut, l.IntervalTime = 61, 300 }, "Listeners[0].TimeOut", bmlb.ErrInvalidParameter},
		{"timeOut 1", func(l *bmlb.Listener) { l.TimeOut = 1 }, "Listeners[0].TimeOut", bmlb.ErrInvalidParameter},
		{"intervalTime 5 and 300", func(l *bmlb.Listener) { l.IntervalTime = 300 }, "", 0},
		{"intervalTime 4", func(l *bmlb.Listener) { l.IntervalTime = 4 }, "Listeners[0].IntervalTime", bmlb.ErrInvalidParameter},
		{"intervalTime 301", func(l *bmlb.Listener) { l.IntervalTime = 301 }, "Listeners[0].IntervalTime", bmlb.ErrInvalidParameter},
		{"timeOut must be less than interval", func(l *bmlb.Listener) { l.TimeOut, l.IntervalTime = 10, 10 }, "Listeners[0].TimeOut", bmlb.ErrInvalidParameter},
		{"timeOut 5 against default interval 5", func(l *bmlb.Listener) { l.TimeOut = 5 }, "Listeners[0].TimeOut", bmlb.ErrInvalidParameter},
		{"timeOut 4 against default interval 5", func(l *bmlb.Listener) { l.TimeOut = 4 }, "", 0},
		{"interval 5 against default timeOut 2", func(l *bmlb.Listener) { l.IntervalTime = 5 }, "", 0},
		{"healthNum 2..10", func(l *bmlb.Listener) { l.HealthNum, l.UnhealthNum = 2, 10 }, "", 0},
		{"healthNum 11", func(l *bmlb.Listener) { l.HealthNum = 11 }, "Listeners[0].HealthNum", bmlb.ErrInvalidParameter},
		{"unhealthNum 1", func(l *bmlb.Listener) { l.UnhealthNum = 1 }, "Listeners[0].UnhealthNum", bmlb.ErrInvalidParameter},
		{"bandwidth 0 is valid", func(l *bmlb.Listener) { l.Bandwidth = intPtr(0) }, "", 0},
		{"bandwidth 1000", func(l *bmlb.Listener) { l.Bandwidth = intPtr(1000) }, "", 0},
		{"bandwidth 1001", func(l *bmlb.Listener) { l.Bandwidth = intPtr(1001) }, "Listeners[0].Bandwidth", bmlb.ErrInvalidParameter},
		{"bandwidth -1", func(l *bmlb.Listener) { l.Bandwidth = intPtr(-1) }, "Listeners[0].Bandwidth", bmlb.ErrInvalidParameter},
		{"custom check, text, separators 1..3", func(l *bmlb.Listener) {
			l.HealthSwitch, l.CustomHealthSwitch, l.InputType, l.LineSeparatorType, l.HealthRequest = true, true, bmlb.InputTypeText, 3, "GET /"
		}, "", 0},
		{"lineSeparatorType 4", func(l *bmlb.Listener) {
			l.HealthSwitch, l.CustomHealthSwitch, l.InputType, l.LineSeparatorType = true, true, bmlb.InputTypeText, 4
		}, "Listeners[0].LineSeparatorType", bmlb.ErrInvalidParameter},
		// "takes effect only when": accepted (the service ignores them), reported by Warnings.
		{"custom check without health checks is accepted", func(l *bmlb.Listener) { l.CustomHealthSwitch = true }, "", 0},
		{"inputType without custom check is accepted", func(l *bmlb.Listener) { l.InputType = bmlb.InputTypeText }, "", 0},
		{"healthRequest without custom check is accepted", func(l *bmlb.Listener) { l.HealthRequest = "x" }, "", 0},
		{"healthResponse without custom check is accepted", func(l *bmlb.Listener) { l.HealthResponse = "x" }, "", 0},
		{"separator with hexadecimal content is accepted", func(l *bmlb.Listener) {
			l.HealthSwitch, l.CustomHealthSwitch, l.InputType, l.LineSeparatorType = true, true, bmlb.InputTypeHexadecimal, 1
		}, "", 0},
		{"unknown inputType", func(l *bmlb.Listener) { l.HealthSwitch, l.CustomHealthSwitch, l.InputType = true, true, "json" }, "Listeners[0].InputType", bmlb.ErrInvalidParameter},
		{"hexadecimal content has no documented format", func(l *bmlb.Listener) {
			l.HealthSwitch, l.CustomHealthSwitch, l.InputType, l.HealthRequest = true, true, bmlb.InputTypeHexadecimal, "not hex"
		}, "", 0},
		{"lineSeparatorType 0 is unset", func(l *bmlb.Listener) { l.LineSeparatorType = 0 }, "", 0},
		{"lineSeparatorType -1", func(l *bmlb.Listener) { l.LineSeparatorType = -1 }, "Listeners[0].LineSeparatorType", bmlb.ErrInvalidParameter},
		{"healthNum 1", func(l *bmlb.Listener) { l.HealthNum = 1 }, "Listeners[0].HealthNum", bmlb.ErrInvalidParameter},
		{"unhealthNum 11", func(l *bmlb.Listener) { l.UnhealthNum = 11 }, "Listeners[0].UnhealthNum", bmlb.ErrInvalidParameter},
		{"unhealthNum 2..10", func(l *bmlb.Listener) { l.UnhealthNum = 2 }, "", 0},
		{"timeOut 2", func(l *bmlb.Listener) { l.TimeOut = 2 }, "", 0},
		{"intervalTime 300 with timeOut 60", func(l *bmlb.Listener) { l.TimeOut, l.IntervalTime = 60, 300 }, "", 0},
		{"protocol upper case", func(l *bmlb.Listener) { l.Protocol = "TCP" }, "Listeners[0].Protocol", bmlb.ErrInvalidParameter},
	}
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	for n, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := validListener()
			l.LoadBalancerPort = max(l.LoadBalancerPort, 1) + n // a new port per case, for the fake
			tc.mutate(&l)
			req := &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{l}}
			err := req.Validate()
			fakeCode := sendRaw(t, srv, req) // the same request, unvalidated, to the fake
			if tc.field == "" {
				assert.NoError(t, err)
				assert.Equal(t, 0, fakeCode, "the fake accepts it too")
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.code)
			var ve *bmlb.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, v := range ve.Violations {
				fields = append(fields, v.Field)
			}
			assert.Contains(t, fields, tc.field)
			assert.Len(t, ve.Violations, 1, "one rule, one violation")
			assert.Equal(t, int(tc.code.Common()), fakeCode, "the fake refuses it with the same code")
		})
	}
}

// sendRaw signs req's parameters as they are and sends them to the fake,
// returning the answer's code (0 for success).
func sendRaw(t *testing.T, srv *bmlbtest.Server, req *bmlb.CreateBmListenersRequest) int {
	params, err := bmlb.RequestParams(req)
	require.NoError(t, err)
	form := url.Values{"Action": {"CreateBmListeners"}, "Region": {"bj"}, "Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)},
		"Nonce": {strconv.FormatInt(time.Now().UnixNano()%1e15+1, 10)}, "SecretId": {bmlbtest.DefaultSecretID}, "SignatureMethod": {signing.HmacSHA256}}
	for _, p := range params {
		form.Set(p.Name, p.Value)
	}
	u, _ := url.Parse(srv.URL)
	form.Set("Signature", signing.TencentV2Signature("POST", u.Host, u.Path, signing.ParamsFromValues(form), bmlbtest.DefaultSecretKey, signing.HmacSHA256))
	resp, err := http.PostForm(srv.URL, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var answer struct {
		Code int `json:"code"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
	return answer.Code
}

// Warnings reports the page's "takes effect only when" fields, which the
// service accepts and ignores.
func TestWarnings_TakesEffectOnlyWhen(t *testing.T) {
	l := validListener()
	l.CustomHealthSwitch, l.LineSeparatorType, l.InputType, l.HealthRequest = true, 1, bmlb.InputTypeHexadecimal, "0a"
	other := validListener()
	other.LoadBalancerPort, other.HealthRequest = 2000, "GET /"
	req := &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{l, other}}
	require.NoError(t, req.Validate())
	assert.Equal(t, []string{
		"Listeners[0].CustomHealthSwitch: takes effect only with HealthSwitch (the page)",
		"Listeners[0].LineSeparatorType: applies only to InputType text (the page)",
		"Listeners[1].HealthRequest: describes a custom health check, which is off (CustomHealthSwitch)",
	}, req.Warnings())
	assert.Empty(t, seedExample().Warnings(), "the page's own example warns of nothing")
	var nilReq *bmlb.CreateBmListenersRequest
	assert.Empty(t, nilReq.Warnings())
}

func TestValidate_RequestRules(t *testing.T) {
	l := validListener()
	assert.ErrorIs(t, (&bmlb.CreateBmListenersRequest{Listeners: []bmlb.Listener{l}}).Validate(), bmlb.ErrInvalidParameter, "LoadBalancerID required")
	assert.ErrorIs(t, (&bmlb.CreateBmListenersRequest{LoadBalancerID: "lb"}).Validate(), bmlb.ErrInvalidParameter, "at least one listener")

	fifty := make([]bmlb.Listener, 50)
	for i := range fifty {
		fifty[i] = bmlb.Listener{LoadBalancerPort: i + 1, Protocol: bmlb.ProtocolTCP, ListenerName: "l"}
	}
	assert.NoError(t, (&bmlb.CreateBmListenersRequest{LoadBalancerID: "lb", Listeners: fifty}).Validate(), "50 listeners is the limit")
	err := (&bmlb.CreateBmListenersRequest{LoadBalancerID: "lb", Listeners: append(fifty, bmlb.Listener{LoadBalancerPort: 99, Protocol: bmlb.ProtocolTCP, ListenerName: "l"})}).Validate()
	assert.ErrorIs(t, err, bmlb.ErrInvalidResourceListenerNumberOverLimit)

	dup := []bmlb.Listener{l, {LoadBalancerPort: 1234, Protocol: bmlb.ProtocolUDP, ListenerName: "u"}, l}
	err = (&bmlb.CreateBmListenersRequest{LoadBalancerID: "lb", Listeners: dup}).Validate()
	assert.ErrorIs(t, err, bmlb.ErrInvalidParameterVportIsDuplicate)
	assert.Contains(t, err.Error(), "Listeners[2].LoadBalancerPort", "same protocol and port; tcp and udp on one port are fine")

	var nilReq *bmlb.CreateBmListenersRequest
	assert.ErrorIs(t, nilReq.Validate(), bmlb.ErrInvalidParameter)
}

const mockEndpoint = "https://bmlb.api.qcloud.com/v2/index.php"

func newMockClient(t *testing.T, opts ...bmlb.Option) (*bmlb.Client, *httpmock.MockTransport) {
	mock := httpmock.NewMockTransport()
	c, err := bmlb.NewClient(append([]bmlb.Option{
		bmlb.WithRegion("bj"),
		bmlb.WithEndpoint(mockEndpoint),
		bmlb.WithCredentials(signing.NewStaticCredentials("AKIDlfdHxN0ntSVt4KPH0xXWnGl21UUFNoO5", "unit-test-secret-key", "")),
		bmlb.WithHTTPClient(&http.Client{Transport: mock}),
		bmlb.WithRetryBackoff(time.Millisecond, 2*time.Millisecond),
	}, opts...)...)
	require.NoError(t, err)
	return c, mock
}

// The example request of the API page, field for field.
func seedExample() *bmlb.CreateBmListenersRequest {
	return &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-abcdefgh", Listeners: []bmlb.Listener{{
		LoadBalancerPort: 1234, Protocol: bmlb.ProtocolTCP, ListenerName: "tcp-test", HealthSwitch: true,
		TimeOut: 6, IntervalTime: 10, HealthNum: 8, UnhealthNum: 8, SessionExpire: 1000, Bandwidth: intPtr(5),
		CustomHealthSwitch: true, InputType: bmlb.InputTypeText, LineSeparatorType: 3,
		HealthRequest: "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", HealthResponse: "HTTP/1.1 200 OK", ToaFlag: true,
	}}}
}

// readBody reads a request's form body.
func readBody(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestCreateBmListeners_SeedExampleOnTheWire(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	var got *http.Request
	var body string
	mock.RegisterResponder(http.MethodPost, mockEndpoint, func(r *http.Request) (*http.Response, error) {
		got, body = r, readBody(r)
		return httpmock.NewStringResponse(200, `{"code": 0, "message": "", "codeDesc": "Success", "requestId": 100000}`), nil
	})
	resp, err := c.CreateBmListeners(context.Background(), seedExample())
	require.NoError(t, err)
	assert.Equal(t, &bmlb.CreateBmListenersResponse{Code: 0, CodeDesc: "Success", TaskID: 100000}, resp)

	require.NotNil(t, got)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
	assert.Empty(t, got.URL.RawQuery, "nothing signed in the URL")
	q, err := url.ParseQuery(body)
	require.NoError(t, err)
	nonce, ts, sig := q.Get("Nonce"), q.Get("Timestamp"), q.Get("Signature")
	assert.Equal(t, url.Values{
		"Action": {"CreateBmListeners"}, "SecretId": {"AKIDlfdHxN0ntSVt4KPH0xXWnGl21UUFNoO5"}, "Nonce": {nonce},
		"Timestamp": {ts}, "Region": {"bj"}, "SignatureMethod": {"HmacSHA256"}, "Signature": {sig},
		"loadBalancerId":                 {"lb-abcdefgh"},
		"listeners.0.loadBalancerPort":   {"1234"},
		"listeners.0.protocol":           {"tcp"},
		"listeners.0.listenerName":       {"tcp-test"},
		"listeners.0.healthSwitch":       {"1"},
		"listeners.0.timeOut":            {"6"},
		"listeners.0.intervalTime":       {"10"},
		"listeners.0.healthNum":          {"8"},
		"listeners.0.unhealthNum":        {"8"},
		"listeners.0.sessionExpire":      {"1000"},
		"listeners.0.bandwidth":          {"5"},
		"listeners.0.customHealthSwitch": {"1"},
		"listeners.0.inputType":          {"text"},
		"listeners.0.lineSeparatorType":  {"3"},
		"listeners.0.healthRequest":      {"GET / HTTP/1.1\r\nHost:a.com\r\n\r\n"},
		"listeners.0.healthResponse":     {"HTTP/1.1 200 OK"},
		"listeners.0.toaFlag":            {"1"},
	}, q, "every value arrives byte-exact: encoded exactly once")
	// Encoded once: "%0D%0A" for CRLF, never "%250D".
	assert.Contains(t, body, "%0D%0A")
	assert.NotContains(t, body, "%25")
	assert.Equal(t, signing.TencentV2Signature("POST", "bmlb.api.qcloud.com", "/v2/index.php", signing.ParamsFromValues(q), "unit-test-secret-key", signing.HmacSHA256), sig)
}

func TestCreateBmListeners_ZeroBandwidthIsSentUnsetIsNot(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	var q url.Values
	mock.RegisterResponder(http.MethodPost, mockEndpoint, func(r *http.Request) (*http.Response, error) {
		q, _ = url.ParseQuery(readBody(r))
		return httpmock.NewStringResponse(200, `{"code":0,"requestId":1}`), nil
	})
	_, err := c.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb", Listeners: []bmlb.Listener{
		{LoadBalancerPort: 1, Protocol: "tcp", ListenerName: "a", Bandwidth: intPtr(0)},
		{LoadBalancerPort: 2, Protocol: "tcp", ListenerName: "b"},
	}})
	require.NoError(t, err)
	assert.Equal(t, "0", q.Get("listeners.0.bandwidth"))
	assert.NotContains(t, q, "listeners.1.bandwidth")
	assert.NotContains(t, q, "listeners.1.timeOut")
	assert.NotContains(t, q, "listeners.1.healthSwitch")
}

func TestCreateBmListeners_DecodesCodeAsNumberOrString(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"code":"4000","message":"(-12013)该负载均衡已经存在该端口的监听器","codeDesc":"InvalidParameter.VportIsDuplicate"}`,
		`{"code":4000,"message":"(-12013)该负载均衡已经存在该端口的监听器","codeDesc":"InvalidParameter.VportIsDuplicate"}`,
	} {
		c, mock := newMockClient(t)
		mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(200, body))
		_, err := c.CreateBmListeners(context.Background(), seedExample())
		require.ErrorIs(t, err, bmlb.ErrInvalidParameterVportIsDuplicate)
		var api *bmlb.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, bmlb.APIError{HTTPStatus: 200, Code: 4000, CodeDesc: "InvalidParameter.VportIsDuplicate",
			Message: "(-12013)该负载均衡已经存在该端口的监听器", ModuleCode: -12013}, *api)
	}
	c, mock := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(200, `{"code":"0","requestId":"77"}`))
	resp, err := c.CreateBmListeners(context.Background(), seedExample())
	require.NoError(t, err)
	assert.Equal(t, int64(77), resp.TaskID)
}

func TestCreateBmListeners_EveryErrorCodeIsMapped(t *testing.T) {
	t.Parallel()
	page := []bmlb.ErrorCode{bmlb.ErrInvalidParameter, bmlb.ErrInternalErrorCCDBAbnormal, bmlb.ErrInvalidParameterCCDBLBNotExist,
		bmlb.ErrIncorrectStatusLBWrongStatus, bmlb.ErrInvalidResourceListenerNumberOverLimit, bmlb.ErrInvalidParameterVportIsDuplicate}
	for _, code := range page {
		// By codeDesc alone, by the module code in the message alone, and by
		// the module code in "code" (number or string) alone.
		for _, body := range []string{
			fmt.Sprintf(`{"code":%d,"message":"m","codeDesc":"%s"}`, code.Common(), code.Desc()),
			fmt.Sprintf(`{"code":%d,"message":"(%d)m","codeDesc":"Other"}`, code.Common(), code),
			fmt.Sprintf(`{"code":%d,"message":"m"}`, code),
			fmt.Sprintf(`{"code":"%d","message":"m","codeDesc":""}`, code),
		} {
			c, mock := newMockClient(t, bmlb.WithMaxAttempts(1))
			mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(200, body))
			_, err := c.CreateBmListeners(context.Background(), seedExample())
			assert.ErrorIs(t, err, code, body)
			var op *bmlb.OperationError
			require.ErrorAs(t, err, &op)
			// 9006 is the service's internal error: deliberately "may have applied".
			assert.Equal(t, code == bmlb.ErrInternalErrorCCDBAbnormal, op.MayHaveApplied, body)
			for _, other := range page {
				if other != code && other.Desc() != "InvalidParameter" {
					assert.False(t, errors.Is(err, other), "%v must not match %v", code, other)
				}
			}
		}
	}
	common := map[int]bmlb.ErrorCode{4000: bmlb.ErrInvalidRequest, 4100: bmlb.ErrAuthFailure, 4104: bmlb.ErrAuthFailure, 4110: bmlb.ErrAuthFailure,
		4200: bmlb.ErrRequestExpired, 4300: bmlb.ErrAccessDenied, 4400: bmlb.ErrQuotaExceeded, 4500: bmlb.ErrReplayAttack,
		4600: bmlb.ErrUnsupportedProtocol, 5000: bmlb.ErrResourceNotFound, 5100: bmlb.ErrOperationFailed, 5400: bmlb.ErrPartialSuccess,
		6000: bmlb.ErrInternalError, 6100: bmlb.ErrUnsupportedVersion, 6200: bmlb.ErrAPIUnavailable}
	for n, code := range common {
		c, mock := newMockClient(t, bmlb.WithMaxAttempts(1))
		mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(200, fmt.Sprintf(`{"code":%d,"message":"m","codeDesc":"X"}`, n)))
		_, err := c.CreateBmListeners(context.Background(), seedExample())
		assert.ErrorIs(t, err, code, n)
		var op *bmlb.OperationError
		require.ErrorAs(t, err, &op)
		assert.Equal(t, n == 5400 || n == 6000, op.MayHaveApplied, n)
	}
}

// Codes are constants that compare with an APIError's fields and print
// without noise.
func TestErrorCodesCompareAndPrint(t *testing.T) {
	c, mock := newMockClient(t, bmlb.WithMaxAttempts(1))
	mock.RegisterResponder(http.MethodPost, mockEndpoint,
		httpmock.NewStringResponder(200, `{"code":4000,"message":"(-12013)dup","codeDesc":"InvalidParameter.VportIsDuplicate"}`))
	_, err := c.CreateBmListeners(context.Background(), seedExample())
	var api *bmlb.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, bmlb.ErrInvalidRequest, api.Code)
	assert.Equal(t, bmlb.ErrInvalidParameterVportIsDuplicate, api.ModuleCode)
	assert.Equal(t, "InvalidParameter.VportIsDuplicate (-12013)", bmlb.ErrInvalidParameterVportIsDuplicate.Error())
	assert.Equal(t, "RequestLimitExceeded (4400)", bmlb.ErrQuotaExceeded.Error())
	assert.Equal(t, bmlb.ErrInvalidRequest, bmlb.ErrInvalidParameterVportIsDuplicate.Common())
	assert.Equal(t, bmlb.ErrInternalError, bmlb.ErrInternalErrorCCDBAbnormal.Common())

	mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(200, `{"code":4100,"message":"bad","codeDesc":"AuthFailure"}`))
	_, err = c.CreateBmListeners(context.Background(), seedExample())
	require.ErrorAs(t, err, &api)
	assert.NotContains(t, err.Error(), "module", "no module code, no noise")
}

func TestCreateBmListeners_Non200IsAnErrorWithTheStatus(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, mockEndpoint, httpmock.NewStringResponder(502, `<html>Bad Gateway</html>`))
	_, err := c.CreateBmListeners(context.Background(), seedExample())
	var re *bmlb.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 502, re.StatusCode)
	assert.Equal(t, 1, mock.GetTotalCallCount(), "a 5xx may have been applied: not re-sent")
	var op *bmlb.OperationError
	require.ErrorAs(t, err, &op)
	assert.True(t, op.MayHaveApplied)
}

// The no-unsafe-retry rule: only what never reached the service, and 4400,
// is sent again.
func TestCreateBmListeners_RetriesOnlyWhatWasNotReceived(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		respond  httpmock.Responder
		attempts int
	}{
		{"rate limited 4400", httpmock.NewStringResponder(200, `{"code":4400,"message":"limit","codeDesc":"RequestLimitExceeded"}`), 3},
		{"connection reset after sending", httpmock.NewErrorResponder(errors.New("read: connection reset by peer")), 1},
		{"timeout after sending", httpmock.NewErrorResponder(errors.New("i/o timeout")), 1},
		{"internal error 6000", httpmock.NewStringResponder(200, `{"code":6000,"message":"x","codeDesc":"InternalError"}`), 1},
		// httpmock reports nothing through net/http/httptrace, so even its
		// "refused" cannot prove the request unsent: it counts as sent.
		// TestCreateBmListeners_RetriesWhatNetHTTPProvesUnsent covers the
		// real dial failures.
		{"error from a transport that does not report", httpmock.NewErrorResponder(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mock := newMockClient(t)
			var nonces []string
			var mu sync.Mutex
			mock.RegisterResponder(http.MethodPost, mockEndpoint, func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				q, _ := url.ParseQuery(readBody(r))
				nonces = append(nonces, q.Get("Nonce"))
				mu.Unlock()
				return tc.respond(r)
			})
			_, err := c.CreateBmListeners(context.Background(), seedExample())
			require.Error(t, err)
			assert.Equal(t, tc.attempts, mock.GetTotalCallCount())
			if len(nonces) > 1 {
				assert.NotEqual(t, nonces[0], nonces[1], "every attempt is signed with a new Nonce")
			}
		})
	}
}

// A dial that fails (refused, DNS) gets no connection: net/http reports it
// through httptrace and the create is sent again, with a new Nonce.
func TestCreateBmListeners_RetriesWhatNetHTTPProvesUnsent(t *testing.T) {
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return addr
	}()
	for name, dial := range map[string]func(ctx context.Context, network, addr string) (net.Conn, error){
		"connection refused": func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, refused)
		},
		"dns": func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "bmlb.example.test", IsNotFound: true}
		},
	} {
		t.Run(name, func(t *testing.T) {
			var dials int
			tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials++
				return dial(ctx, network, addr)
			}}
			c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint("http://bmlb.example.test/v2/index.php"),
				bmlb.WithCredentials(signing.NewStaticCredentials("AKIDexample", "secret-example", "")),
				bmlb.WithHTTPClient(&http.Client{Transport: tr}), bmlb.WithRetryBackoff(time.Millisecond, time.Millisecond))
			require.NoError(t, err)
			_, err = c.CreateBmListeners(context.Background(), seedExample())
			var op *bmlb.OperationError
			require.ErrorAs(t, err, &op)
			assert.Equal(t, 3, dials, "every attempt dialled")
			assert.Equal(t, 0, op.Attempts, "none was sent")
			assert.False(t, op.MayHaveApplied)
			assert.Contains(t, err.Error(), "before anything was sent")
		})
	}
}

func TestNewClient_Options(t *testing.T) {
	_, err := bmlb.NewClient()
	assert.ErrorContains(t, err, "region")
	for name, opt := range map[string]bmlb.Option{
		"region": bmlb.WithRegion(""), "method": bmlb.WithSignatureMethod("HmacMD5"), "endpoint": bmlb.WithEndpoint("bmlb"),
		"credentials": bmlb.WithCredentials(nil), "attempts": bmlb.WithMaxAttempts(11), "http": bmlb.WithHTTPClient(nil),
		"logger": bmlb.WithLogger(nil), "nil": nil,
	} {
		_, err := bmlb.NewClient(bmlb.WithRegion("bj"), opt)
		assert.Error(t, err, name)
	}
}

func newFakeClient(t *testing.T, srv *bmlbtest.Server, opts ...bmlb.Option) *bmlb.Client {
	c, err := bmlb.NewClient(append([]bmlb.Option{
		bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithRetryBackoff(time.Millisecond, 5*time.Millisecond),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestEndToEnd_BothSignatureMethods(t *testing.T) {
	t.Parallel()
	for _, method := range []string{signing.HmacSHA256, signing.HmacSHA1} {
		srv := bmlbtest.NewServer()
		srv.AddLoadBalancer("lb-abcdefgh")
		c := newFakeClient(t, srv, bmlb.WithSignatureMethod(method))
		first, err := c.CreateBmListeners(context.Background(), seedExample())
		require.NoError(t, err, method)
		assert.Equal(t, 1, srv.ListenerCount("lb-abcdefgh"))
		second, err := c.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-abcdefgh",
			Listeners: []bmlb.Listener{{LoadBalancerPort: 1234, Protocol: bmlb.ProtocolUDP, ListenerName: "udp"}}})
		require.NoError(t, err)
		assert.Greater(t, second.TaskID, first.TaskID, "task ids increase")
		srv.Close()
	}
}

func TestEndToEnd_ServiceRules(t *testing.T) {
	t.Parallel()
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	c := newFakeClient(t, srv)
	ctx := context.Background()
	_, err := c.CreateBmListeners(ctx, seedExampleFor("lb-1"))
	require.NoError(t, err)

	_, err = c.CreateBmListeners(ctx, seedExampleFor("lb-1"))
	assert.ErrorIs(t, err, bmlb.ErrInvalidParameterVportIsDuplicate, "port used by an existing listener of the same protocol")

	_, err = c.CreateBmListeners(ctx, seedExampleFor("lb-none"))
	assert.ErrorIs(t, err, bmlb.ErrInvalidParameterCCDBLBNotExist)

	srv.SetLoadBalancerStatus("lb-new", bmlbtest.StatusCreating)
	_, err = c.CreateBmListeners(ctx, seedExampleFor("lb-new"))
	assert.ErrorIs(t, err, bmlb.ErrIncorrectStatusLBWrongStatus)

	many := make([]bmlb.Listener, 49)
	for i := range many {
		many[i] = bmlb.Listener{LoadBalancerPort: 2000 + i, Protocol: bmlb.ProtocolTCP, ListenerName: "l"}
	}
	_, err = c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: many})
	require.NoError(t, err, "1 + 49 = 50")
	_, err = c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{{LoadBalancerPort: 9, Protocol: "udp", ListenerName: "x"}}})
	assert.ErrorIs(t, err, bmlb.ErrInvalidResourceListenerNumberOverLimit, "the limit counts existing listeners")
	assert.Equal(t, 50, srv.ListenerCount("lb-1"))
}

func TestEndToEnd_AuthenticationAndReplay(t *testing.T) {
	t.Parallel()
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	wrong := newFakeClient(t, srv, bmlb.WithCredentials(signing.NewStaticCredentials(bmlbtest.DefaultSecretID, "wrong-secret-key", "")))
	_, err := wrong.CreateBmListeners(context.Background(), seedExampleFor("lb-1"))
	assert.ErrorIs(t, err, bmlb.ErrAuthFailure)
	assert.NotContains(t, err.Error(), "wrong-secret-key")

	skewed := bmlbtest.NewServer(bmlbtest.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	defer skewed.Close()
	skewed.AddLoadBalancer("lb-1")
	_, err = newFakeClient(t, skewed).CreateBmListeners(context.Background(), seedExampleFor("lb-1"))
	assert.ErrorIs(t, err, bmlb.ErrReplayAttack)
	assert.Zero(t, skewed.ListenerCount("lb-1"))
}

func TestEndToEnd_ResetAfterApplyIsNotResent(t *testing.T) {
	t.Parallel()
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	c := newFakeClient(t, srv)
	srv.InjectFault(bmlbtest.FaultResetAfterApply, 1)
	_, err := c.CreateBmListeners(context.Background(), seedExampleFor("lb-1"))
	var op *bmlb.OperationError
	require.ErrorAs(t, err, &op)
	assert.True(t, op.MayHaveApplied)
	assert.Equal(t, 1, srv.Requests())
	assert.Equal(t, 1, srv.ListenerCount("lb-1"), "created once, not twice")

	srv.InjectFault(bmlbtest.FaultThrottle, 2)
	_, err = c.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 80, Protocol: "tcp", ListenerName: "web"}}})
	require.NoError(t, err, "two rate-limit answers, then success on the third attempt")
	assert.Equal(t, 4, srv.Requests())
}

func seedExampleFor(id string) *bmlb.CreateBmListenersRequest {
	r := seedExample()
	r.LoadBalancerID = id
	return r
}

func TestWithUserAgent(t *testing.T) {
	c, mock := newMockClient(t, bmlb.WithUserAgent("billing/1.4"))
	var ua string
	mock.RegisterResponder(http.MethodPost, mockEndpoint, func(r *http.Request) (*http.Response, error) {
		ua = r.Header.Get("User-Agent")
		return httpmock.NewStringResponse(200, `{"code":0,"requestId":7}`), nil
	})
	_, err := c.CreateBmListeners(context.Background(), seedExample())
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(ua, ") billing/1.4"), ua)
	assert.Contains(t, ua, "listenerkit-go/"+listenerkit.Version)
	_, err = bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithUserAgent(""))
	assert.Error(t, err)
}
