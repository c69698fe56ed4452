package ga_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
)

// DescribeListener reads the newer fields leniently (numbers as strings,
// switches as strings, versions in any case) and leaves them zero when an
// older answer has none.
func TestDescribeListener_NewerFields(t *testing.T) {
	t.Parallel()
	c, mock := newMockClient(t)
	answers := []string{
		`{"RequestId":"r","ListenerId":"lsr-1","State":"active","Type":"Standard","SecurityPolicyId":"tls_cipher_policy_1_2",
		  "IdleTimeout":"30","RequestTimeout":90,"HttpVersion":"HTTP2",
		  "XForwardedForConfig":{"XForwardedForGaIdEnabled":true,"XForwardedForGaApEnabled":"true","XForwardedForProtoEnabled":false,
		  "XForwardedForPortEnabled":1,"XRealIpEnabled":"false"},"RelatedAcls":[],"BackendPorts":[{"FromPort":"80","ToPort":"80"}]}`,
		`{"RequestId":"r","ListenerId":"lsr-1","State":"active"}`,
	}
	n := 0
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(*http.Request) (*http.Response, error) {
		n++
		return httpmock.NewStringResponse(200, answers[n-1]), nil
	})
	d, err := c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{ListenerID: "lsr-1"})
	require.NoError(t, err)
	assert.Equal(t, ga.ListenerTypeStandard, d.Type)
	assert.Equal(t, ga.SecurityPolicyTLS12, d.SecurityPolicyID)
	assert.Equal(t, 30, d.IdleTimeout)
	assert.Equal(t, 90, d.RequestTimeout)
	assert.Equal(t, ga.HTTPVersion2, d.HTTPVersion)
	assert.Equal(t, &ga.XForwardedForConfig{XForwardedForGaIdEnabled: true, XForwardedForGaApEnabled: true, XForwardedForPortEnabled: true}, d.XForwardedForConfig)

	d, err = c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{ListenerID: "lsr-1"})
	require.NoError(t, err)
	assert.Nil(t, d.XForwardedForConfig)
	assert.Zero(t, d.IdleTimeout)
	assert.Empty(t, d.Type)
}

// The client's validation and the fake's, written apart from the same
// reference, agree on any combination of the newer fields: what Validate
// passes the fake accepts, and what it refuses the fake refuses with one of
// the violations' codes.
func FuzzNewerFieldsAgreeWithTheFake(f *testing.F) {
	srv := gatest.NewServer(gatest.WithListenerQuota(1 << 30))
	f.Cleanup(srv.Close)
	f.Add(uint8(3), "Standard", "tls_cipher_policy_1_2", "http3", int16(30), int16(90), true, uint8(1), "virtual", "HTTPS", "HTTP2", "https",
		int32(443), int8(3), int8(50), uint8(2), int16(10), "Ip", uint8(1), uint16(443), "group-1", "d")
	f.Add(uint8(0), "", "", "", int16(900), int16(0), false, uint8(0), "", "", "", "", int32(0), int8(0), int8(0), uint8(0), int16(0), "", uint8(0), uint16(0), "", "")
	f.Add(uint8(1), "CustomRouting", "x", "http1.1", int16(21), int16(181), true, uint8(11), "default", "HTTP", "HTTP1.1", "udp",
		int32(70000), int8(11), int8(-1), uint8(101), int16(256), "VPC", uint8(6), uint16(80), "1g", "http://x")
	n := 0
	f.Fuzz(func(t *testing.T, protocol uint8, typ, policy, httpVersion string, idle, requestTimeout int16, xff bool, groups uint8,
		groupType, requestProtocol, protocolVersion, healthProtocol string, healthPort int32, threshold, traffic int8,
		endpoints uint8, weight int16, endpointType string, overrides uint8, overridePort uint16, groupName, groupDescription string) {
		n++
		r := &ga.CreateListenerRequest{AcceleratorID: fmt.Sprintf("ga-fuzz-%d", n), PortRanges: []ga.PortRange{{FromPort: 443, ToPort: 443}},
			Protocol: ga.Protocol("").Values()[protocol%4], Type: ga.ListenerType(typ), SecurityPolicyID: ga.SecurityPolicyID(policy),
			HTTPVersion: ga.HTTPVersion(httpVersion), IdleTimeout: int(idle), RequestTimeout: int(requestTimeout)}
		srv.AddAccelerator(r.AcceleratorID)
		if r.Protocol == ga.ProtocolHTTPS {
			r.Certificates = []ga.Certificate{{ID: "c"}}
		}
		if xff {
			r.XForwardedForConfig = &ga.XForwardedForConfig{XRealIpEnabled: true}
		}
		for range int(groups % 12) {
			g := ga.EndpointGroupConfiguration{EndpointGroupName: groupName, EndpointGroupDescription: groupDescription,
				EndpointGroupType: ga.EndpointGroupType(groupType), EndpointRequestProtocol: ga.EndpointRequestProtocol(requestProtocol),
				EndpointProtocolVersion: ga.EndpointProtocolVersion(protocolVersion), HealthCheckProtocol: ga.HealthCheckProtocol(healthProtocol),
				HealthCheckPort: int(healthPort), ThresholdCount: int(threshold), TrafficPercentage: int(traffic)}
			count := int(endpoints % 4)
			if endpoints >= 0xf0 && groups%12 == 1 {
				count = 99 + int(endpoints%3) // the limit of 100, on one group only: a big form is slow to fuzz
			}
			for range count {
				w := int(weight)
				g.EndpointConfigurations = append(g.EndpointConfigurations, ga.EndpointConfiguration{Endpoint: "10.0.0.1", Type: ga.EndpointType(endpointType), Weight: &w})
			}
			for range int(overrides % 7) {
				g.PortOverrides = append(g.PortOverrides, ga.PortOverride{ListenerPort: int(overridePort), EndpointPort: 8443})
			}
			r.EndpointGroupConfigurations = append(r.EndpointGroupConfigurations, g)
		}
		if !utf8.ValidString(groupName+groupDescription+typ+policy+httpVersion+groupType+requestProtocol+protocolVersion+healthProtocol+endpointType) ||
			strings.ContainsRune(groupName+groupDescription+typ+policy+httpVersion+groupType+requestProtocol+protocolVersion+healthProtocol+endpointType, 0) {
			return // a form cannot carry what the fake would then compare
		}
		err := r.Validate()
		code := sendRaw(t, srv, r)
		if err == nil {
			if code != "" {
				t.Fatalf("the client passes it, the fake refuses it with %s", code)
			}
			return
		}
		var ve *ga.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("not a validation error: %v", err)
		}
		var codes []string
		for _, v := range ve.Violations {
			codes = append(codes, string(v.Code))
		}
		if !slices.Contains(codes, code) {
			t.Fatalf("the client refuses it with %v, the fake answers %q: %v", codes, code, err)
		}
	})
}
