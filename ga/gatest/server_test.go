package gatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

// signed builds a CreateListener request the way any RPC client may:
// extra parameters included.
func signed(method, nonce string, extra url.Values) url.Values {
	p := url.Values{
		"Action": {"CreateListener"}, "Version": {"2019-11-20"}, "Format": {"JSON"},
		"AccessKeyId": {gatest.DefaultAccessKeyID}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
		"SignatureNonce": {nonce}, "Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")},
		"RegionId": {"cn-hangzhou"}, "AcceleratorId": {"ga-1"},
		"PortRanges.1.FromPort": {"80"}, "PortRanges.1.ToPort": {"80"},
	}
	for k, v := range extra {
		p[k] = v
	}
	p.Set("Signature", signing.AlibabaRPCSignature(method, signing.ParamsFromValues(p), gatest.DefaultAccessKeySecret))
	return p
}

type answer struct {
	Status                      int
	Code, ListenerID, RequestID string
}

func send(t *testing.T, srv *gatest.Server, method string, p url.Values) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = http.Get(srv.URL + "/?" + p.Encode())
	} else {
		resp, err = http.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(p.Encode()))
	}
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct{ Code, ListenerId, RequestId string }
	require.NoError(t, json.Unmarshal(body, &out), string(body))
	return answer{resp.StatusCode, out.Code, out.ListenerId, out.RequestId}
}

func TestServer_VerifiesSignatureOfGETQueryAndPOSTForm(t *testing.T) {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	extra := url.Values{"Description": {"描述 with spaces & symbols"}, "SomeFutureParam": {"x"}}
	get := send(t, srv, http.MethodGet, signed(http.MethodGet, "1", extra))
	assert.Equal(t, 200, get.Status, get.Code)
	assert.NotEmpty(t, get.ListenerID)

	p := signed(http.MethodPost, "2", url.Values{"Name": {"web"}, "PortRanges.1.FromPort": {"90"}, "PortRanges.1.ToPort": {"90"}})
	post := send(t, srv, http.MethodPost, p)
	assert.Equal(t, 200, post.Status, post.Code)

	// Signed for GET, sent as POST: the method is part of what is signed.
	wrong := send(t, srv, http.MethodPost, signed(http.MethodGet, "3", url.Values{"PortRanges.1.FromPort": {"100"}, "PortRanges.1.ToPort": {"100"}}))
	assert.Equal(t, answer{400, "SignatureDoesNotMatch", "", wrong.RequestID}, wrong)

	tampered := signed(http.MethodPost, "4", nil)
	tampered.Set("AcceleratorId", "ga-2")
	assert.Equal(t, "SignatureDoesNotMatch", send(t, srv, http.MethodPost, tampered).Code)
	assert.Equal(t, 2, srv.ListenerCount("ga-1"))
}

func TestServer_RejectsReusedNonce(t *testing.T) {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	p := signed(http.MethodPost, "42", nil)
	assert.Equal(t, 200, send(t, srv, http.MethodPost, p).Status)
	again := send(t, srv, http.MethodPost, p)
	assert.Equal(t, 400, again.Status)
	assert.Equal(t, "SignatureNonceUsed", again.Code)
	assert.Equal(t, 1, srv.ListenerCount("ga-1"), "the replay created nothing")
}

func TestServer_ChecksCommonParameters(t *testing.T) {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	cases := map[string]struct {
		change func(url.Values)
		status int
		code   string
	}{
		"action":       {func(p url.Values) { p.Set("Action", "DeleteListener") }, 400, "InvalidAction.NotFound"},
		"version":      {func(p url.Values) { p.Set("Version", "2018-01-01") }, 400, "InvalidVersion"},
		"no timestamp": {func(p url.Values) { p.Del("Timestamp") }, 400, "MissingParameter"},
		"old": {func(p url.Values) {
			p.Set("Timestamp", time.Now().Add(-16*time.Minute).UTC().Format("2006-01-02T15:04:05Z"))
		}, 400, "InvalidTimeStamp.Expired"},
		"unknown key": {func(p url.Values) { p.Set("AccessKeyId", "LTAI5tSomeoneElse") }, 404, "InvalidAccessKeyId.NotFound"},
		"no nonce":    {func(p url.Values) { p.Del("SignatureNonce") }, 400, "IncompleteSignature"},
	}
	n := 100
	for name, tc := range cases {
		n++
		p := signed(http.MethodPost, "base", nil)
		tc.change(p)
		p.Set("SignatureNonce", p.Get("SignatureNonce")+string(rune('a'+n%26))+name)
		if name == "no nonce" {
			p.Del("SignatureNonce")
		}
		p.Set("Signature", signing.AlibabaRPCSignature(http.MethodPost, signing.ParamsFromValues(p), gatest.DefaultAccessKeySecret))
		got := send(t, srv, http.MethodPost, p)
		assert.Equal(t, tc.status, got.Status, name)
		assert.Equal(t, tc.code, got.Code, name)
	}
	assert.Zero(t, srv.ListenerCount("ga-1"))
}

func TestServer_RandomFaultsAreSeededAndCounted(t *testing.T) {
	run := func() map[gatest.Fault]int {
		srv := gatest.NewServer()
		defer srv.Close()
		srv.AddAccelerator("ga-1")
		srv.SetRandomFaults(0.5, 7, gatest.FaultServerError, gatest.FaultThrottle)
		for i := 0; i < 40; i++ {
			send(t, srv, http.MethodPost, signed(http.MethodPost, "n"+strings.Repeat("x", i), url.Values{
				"ClientToken": {"t" + strings.Repeat("y", i)}, "PortRanges.1.FromPort": {"1"}, "PortRanges.1.ToPort": {"1"}}))
		}
		assert.Equal(t, 40, srv.Requests())
		return srv.FaultsInjected()
	}
	first := run()
	assert.NotEmpty(t, first[gatest.FaultServerError])
	assert.NotEmpty(t, first[gatest.FaultThrottle])
	assert.Equal(t, first, run(), "the same seed injects the same faults")
}

func TestServer_ConcurrentRequests(t *testing.T) {
	srv := gatest.NewServer(gatest.WithListenerQuota(100))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			port := url.Values{"PortRanges.1.FromPort": {itoa(1000 + i)}, "PortRanges.1.ToPort": {itoa(1000 + i)}}
			assert.Equal(t, 200, send(t, srv, http.MethodPost, signed(http.MethodPost, "c"+itoa(i), port)).Status)
		}(i)
	}
	wg.Wait()
	assert.Equal(t, 32, srv.ListenerCount("ga-1"))
}

func itoa(n int) string { return strconv.Itoa(n) }
