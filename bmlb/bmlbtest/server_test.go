package bmlbtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/signing"
)

// signed builds a CreateBmListeners request for srv; sigMethod "" leaves
// SignatureMethod out (the service then uses HmacSHA1).
func signed(srv *bmlbtest.Server, httpMethod, sigMethod string, nonce int, extra url.Values) url.Values {
	p := url.Values{
		"Action": {"CreateBmListeners"}, "Region": {"bj"}, "Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)},
		"Nonce": {strconv.Itoa(nonce)}, "SecretId": {bmlbtest.DefaultSecretID}, "loadBalancerId": {"lb-1"},
		"listeners.0.loadBalancerPort": {strconv.Itoa(1000 + nonce)}, "listeners.0.protocol": {"tcp"}, "listeners.0.listenerName": {"n"},
	}
	if sigMethod != "" {
		p.Set("SignatureMethod", sigMethod)
	}
	for k, v := range extra {
		p[k] = v
	}
	u, _ := url.Parse(srv.URL)
	p.Set("Signature", signing.TencentV2Signature(httpMethod, u.Host, u.Path, signing.ParamsFromValues(p), bmlbtest.DefaultSecretKey, sigMethod))
	return p
}

type answer struct {
	Code      json.Number `json:"code"`
	CodeDesc  string      `json:"codeDesc"`
	RequestID int64       `json:"requestId"`
}

func send(t *testing.T, srv *bmlbtest.Server, method string, p url.Values) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = http.Get(srv.URL + "?" + p.Encode())
	} else {
		resp, err = http.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader(p.Encode()))
	}
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "2.0 answers errors with HTTP 200")
	body, _ := io.ReadAll(resp.Body)
	var a answer
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	return a
}

func TestServer_VerifiesBothMethodsOverGETAndPOST(t *testing.T) {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	extra := url.Values{"listeners.0.healthRequest": {"GET / HTTP/1.1\r\nHost:a.com\r\n\r\n"}, "SomeFutureParam": {"x y"}}
	nonce := 1
	for _, http1 := range []string{http.MethodGet, http.MethodPost} {
		for _, sig := range []string{signing.HmacSHA256, signing.HmacSHA1, ""} {
			got := send(t, srv, http1, signed(srv, http1, sig, nonce, extra))
			assert.Equal(t, "0", string(got.Code), "%s %q", http1, sig)
			nonce++
		}
	}
	assert.Equal(t, 6, srv.ListenerCount("lb-1"))

	// Signed with HmacSHA256 but declared as HmacSHA1: rejected.
	p := signed(srv, http.MethodGet, signing.HmacSHA256, 50, nil)
	p.Set("SignatureMethod", signing.HmacSHA1)
	assert.Equal(t, "4100", string(send(t, srv, http.MethodGet, p).Code))
	// Signed for GET, sent as POST: rejected.
	assert.Equal(t, "4100", string(send(t, srv, http.MethodPost, signed(srv, http.MethodGet, signing.HmacSHA256, 51, nil)).Code))
}

func TestServer_NonceReplayAndRegion(t *testing.T) {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	p := signed(srv, http.MethodGet, signing.HmacSHA256, 7, nil)
	first := send(t, srv, http.MethodGet, p)
	assert.Equal(t, "0", string(first.Code))
	replayed := send(t, srv, http.MethodGet, p)
	assert.Equal(t, "4500", string(replayed.Code))
	assert.Equal(t, 1, srv.ListenerCount("lb-1"), "the replay created nothing")

	noRegion := signed(srv, http.MethodGet, signing.HmacSHA256, 8, nil)
	noRegion.Del("Region")
	noRegion.Set("Signature", signing.TencentV2Signature("GET", strings.TrimPrefix(strings.TrimSuffix(srv.URL, bmlbtest.Path), "http://"),
		bmlbtest.Path, signing.ParamsFromValues(noRegion), bmlbtest.DefaultSecretKey, signing.HmacSHA256))
	assert.Equal(t, "4000", string(send(t, srv, http.MethodGet, noRegion).Code))

	tooOld := signed(srv, http.MethodGet, signing.HmacSHA256, 9, url.Values{"Timestamp": {strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)}})
	assert.Equal(t, "4500", string(send(t, srv, http.MethodGet, tooOld).Code))
}

func TestServer_TaskIDsIncrease(t *testing.T) {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	var last int64
	for n := 1; n <= 5; n++ {
		a := send(t, srv, http.MethodGet, signed(srv, http.MethodGet, signing.HmacSHA256, n, nil))
		require.Equal(t, "0", string(a.Code))
		assert.Greater(t, a.RequestID, last)
		last = a.RequestID
	}
}
