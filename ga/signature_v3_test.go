package ga_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/internal/testhttp"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Issue 16: WithSignatureV3 signs with ACS3-HMAC-SHA256; gatest verifies it
// like signature 1.0.

func TestSignatureV3_EndToEndAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, ga.WithSignatureV3())
	resp, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", Name: "web", Description: "a b&c=d/é",
		PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}})
	require.NoError(t, err)
	l := srv.Listeners("ga-1")[0]
	assert.Equal(t, resp.ListenerID, l.ID)
	assert.Equal(t, "a b&c=d/é", l.Description, "the body the signature covers is the body read")
	d, err := c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{ListenerID: resp.ListenerID})
	require.NoError(t, err)
	assert.Equal(t, "web", d.Name)
}

func TestSignatureV3_WireShape(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t, ga.WithSignatureV3(), ga.WithCredentials(signing.NewStaticCredentials(testKeyID, testSecret, "sts-token-value")))
	var headers []http.Header
	var bodies []string
	var answers = []string{`{"Code":"ServiceUnavailable","Message":"m"}`, `{"RequestId":"r","ListenerId":"lsr-1"}`}
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		headers = append(headers, r.Header.Clone())
		bodies = append(bodies, string(body))
		status := 200
		if len(headers) == 1 {
			status = 503
		}
		return httpmock.NewStringResponse(status, answers[len(headers)-1]), nil
	})
	_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", ClientToken: "tok", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 90}}})
	require.NoError(t, err)
	require.Len(t, headers, 2)
	h := headers[0]
	assert.Equal(t, "CreateListener", h.Get("x-acs-action"))
	assert.Equal(t, ga.APIVersion, h.Get("x-acs-version"))
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`, h.Get("x-acs-date"))
	assert.Equal(t, "sts-token-value", h.Get("x-acs-security-token"))
	assert.Equal(t, signing.HexSHA256([]byte(bodies[0])), h.Get("x-acs-content-sha256"))
	assert.Equal(t, "application/x-www-form-urlencoded", h.Get("Content-Type"))
	assert.Regexp(t, `^ACS3-HMAC-SHA256 Credential=`+testKeyID+`,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$`,
		h.Get("Authorization"))
	assert.NotEqual(t, h.Get("x-acs-signature-nonce"), headers[1].Get("x-acs-signature-nonce"), "a fresh nonce per attempt")
	assert.NotEqual(t, h.Get("Authorization"), headers[1].Get("Authorization"))

	form, err := url.ParseQuery(bodies[0])
	require.NoError(t, err)
	for _, common := range []string{"Signature", "SignatureMethod", "AccessKeyId", "SecurityToken", "Action", "Version", "Timestamp", "SignatureNonce"} {
		assert.NotContains(t, form, common, "V3 carries %s in headers, or not at all", common)
	}
	assert.Equal(t, "tok", form.Get("ClientToken"))
	assert.Equal(t, "90", form.Get("PortRanges.1.ToPort"))
	assert.Equal(t, bodies[0], bodies[1], "the same parameters on the retry")
}

func TestSignatureV3_RefusedWhenWrong(t *testing.T) {
	t.Parallel()
	srv := gatest.NewServer(gatest.WithCredentials("LTAI5tRightKeyID", "right-secret-value"))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	for code, creds := range map[ga.ErrorCode]signing.CredentialsProvider{
		ga.ErrSignatureDoesNotMatch:      signing.NewStaticCredentials("LTAI5tRightKeyID", "wrong-secret-value", ""),
		ga.ErrInvalidAccessKeyIdNotFound: signing.NewStaticCredentials("LTAI5tWrongKeyID", "right-secret-value", ""),
	} {
		c := newFakeClient(t, srv, ga.WithSignatureV3(), ga.WithCredentials(creds))
		_, err := c.CreateListener(context.Background(), validRequestFor("ga-1"))
		require.ErrorIs(t, err, code)
		assert.NotContains(t, err.Error(), "wrong-secret-value")
	}

	// A body changed after signing is refused: the hash covers it.
	hc := &http.Client{Transport: testhttp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(body), "80", "81", 1)))
		r.ContentLength = int64(len(body))
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newFakeClient(t, srv, ga.WithSignatureV3(), ga.WithCredentials(signing.NewStaticCredentials("LTAI5tRightKeyID", "right-secret-value", "")), ga.WithHTTPClient(hc))
	_, err := c.CreateListener(context.Background(), validRequestFor("ga-1"))
	require.ErrorIs(t, err, ga.ErrSignatureDoesNotMatch)
	var api *ga.APIError
	require.True(t, errors.As(err, &api))
	assert.Equal(t, 0, srv.ListenerCount("ga-1"))
}

// What the client signs verifies after the trip over the wire, with either
// signature, whatever the request's text holds (every byte, escapes,
// non-ASCII, "+", "%", "&", "="): the fake recomputes the signature from
// what it received, so any difference in encoding between signing and
// sending is a SignatureDoesNotMatch.
func FuzzSignatureRoundTrip(f *testing.F) {
	srv := gatest.NewServer(gatest.WithListenerQuota(1 << 30))
	f.Cleanup(srv.Close)
	srv.AddAccelerator("ga-1")
	clients := map[bool]*ga.Client{}
	for _, v3 := range []bool{false, true} {
		opts := []ga.Option{ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()), ga.WithMaxAttempts(1), ga.WithBusyAcceleratorWait(0)}
		if v3 {
			opts = append(opts, ga.WithSignatureV3())
		}
		c, err := ga.NewClient(opts...)
		require.NoError(f, err)
		clients[v3] = c
	}
	f.Add("plain", "tok-1", false)
	f.Add("a b+c%20d&e=f/g~h*i", "tok+/=", true)
	f.Add("监听 é \u2028 \x00 \xff", "~!*'()", true)
	f.Add("%%%25%2525", "%", false)
	port := uint16(0)
	f.Fuzz(func(t *testing.T, description, token string, v3 bool) {
		port++ // a new port each time: no conflict with earlier inputs
		req := &ga.CreateListenerRequest{AcceleratorID: "ga-1", Description: description, ClientToken: token,
			PortRanges: []ga.PortRange{{FromPort: int(port%60000) + 1, ToPort: int(port%60000) + 1}}}
		if req.Validate() != nil {
			return // not sent
		}
		_, err := clients[v3].CreateListener(context.Background(), req)
		for _, code := range []ga.ErrorCode{ga.ErrSignatureDoesNotMatch, ga.ErrIncompleteSignature, ga.ErrMissingParameter} {
			if errors.Is(err, code) {
				t.Fatalf("v3=%v: signed request refused: %v", v3, err)
			}
		}
	})
}
