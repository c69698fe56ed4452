package ga

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go-querystring, the slow and obviously right reference, encodes every
// field of a request to exactly the parameters the fast flattener makes.
func TestParamsAgreeWithGoQuerystring(t *testing.T) {
	for name, r := range map[string]*CreateListenerRequest{
		"every field": {RegionID: DefaultRegionID, ClientToken: "tok", AcceleratorID: "ga-1", Name: "监听 a+b&c", Description: "d=e;f",
			ClientAffinity: ClientAffinitySourceIP, Protocol: ProtocolHTTPS, ProxyProtocol: true,
			PortRanges:   []PortRange{{FromPort: 443, ToPort: 443}, {FromPort: 8000, ToPort: 8010}},
			Certificates: []Certificate{{ID: "449-cn-hangzhou"}, {ID: "450"}}},
		"only the required":         {AcceleratorID: "ga-1", PortRanges: []PortRange{{FromPort: 1, ToPort: 1}}},
		"every newer field, nested": everyNewerField(),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := r.params(r.ClientToken)
			require.NoError(t, err)
			w := r.wire(r.ClientToken)
			want, err := query.Values(&w)
			require.NoError(t, err)
			have := url.Values{}
			for _, p := range got {
				have.Add(p.Name, p.Value)
			}
			assert.Equal(t, want, have)
		})
	}
}

// everyNewerField sets every field newer than the seed page, with lists
// long enough for two-digit indexes.
func everyNewerField() *CreateListenerRequest {
	zero, w := 0, 255
	r := &CreateListenerRequest{AcceleratorID: "ga-1", Protocol: ProtocolHTTPS, PortRanges: []PortRange{{FromPort: 443, ToPort: 443}},
		Certificates: []Certificate{{ID: "c"}}, Type: ListenerTypeStandard, SecurityPolicyID: SecurityPolicyTLS12StrictWith13,
		XForwardedForConfig: &XForwardedForConfig{XForwardedForGaIdEnabled: true, XForwardedForGaApEnabled: true,
			XForwardedForProtoEnabled: true, XForwardedForPortEnabled: true, XRealIpEnabled: true},
		IdleTimeout: 60, RequestTimeout: 180, HTTPVersion: HTTPVersion3}
	for i := range 10 {
		g := EndpointGroupConfiguration{EndpointGroupName: "group-1", EndpointGroupDescription: "d&e", EndpointGroupRegion: "cn-shanghai",
			EndpointGroupType: EndpointGroupTypeVirtual, EndpointRequestProtocol: EndpointRequestProtocolHTTPS,
			EndpointProtocolVersion: EndpointProtocolVersionHTTP2, HealthCheckEnabled: true, HealthCheckIntervalSeconds: 3,
			HealthCheckPath: "/healthz?a=b", HealthCheckPort: 8443, HealthCheckProtocol: HealthCheckProtocolHTTPS, ThresholdCount: 2 + i%9,
			TrafficPercentage: 10 * (i + 1), EnableClientIPPreservationToa: i%2 == 0, EnableClientIPPreservationProxyProtocol: i%2 == 1,
			PortOverrides: []PortOverride{{ListenerPort: 443, EndpointPort: 8443}}}
		for j := range 12 {
			weight := &w
			if j == 0 {
				weight = &zero
			}
			g.EndpointConfigurations = append(g.EndpointConfigurations, EndpointConfiguration{Endpoint: "10.0.0.1", Type: EndpointTypeENI, Weight: weight, SubAddress: "10.0.0.2"})
		}
		r.EndpointGroupConfigurations = append(r.EndpointGroupConfigurations, g)
	}
	return r
}

func TestEveryNewerFieldIsValidAndSent(t *testing.T) {
	r := everyNewerField()
	require.NoError(t, r.Validate())
	p, err := r.params("tok")
	require.NoError(t, err)
	assert.True(t, p.Sorted())
	for name, want := range map[string]string{
		"Type": "Standard", "SecurityPolicyId": "tls_cipher_policy_1_2_strict_with_1_3", "IdleTimeout": "60", "RequestTimeout": "180",
		"HttpVersion": "http3", "XForwardedForConfig.XRealIpEnabled": "true", "XForwardedForConfig.XForwardedForGaIdEnabled": "true",
		"EndpointGroupConfigurations.10.TrafficPercentage":                      "100",
		"EndpointGroupConfigurations.1.EndpointConfigurations.1.Weight":         "0",
		"EndpointGroupConfigurations.10.EndpointConfigurations.12.Weight":       "255",
		"EndpointGroupConfigurations.3.EndpointConfigurations.11.Type":          "ENI",
		"EndpointGroupConfigurations.2.PortOverrides.1.EndpointPort":            "8443",
		"EndpointGroupConfigurations.1.EnableClientIPPreservationToa":           "true",
		"EndpointGroupConfigurations.2.EnableClientIPPreservationProxyProtocol": "true",
		"EndpointGroupConfigurations.4.HealthCheckPath":                         "/healthz?a=b",
		"EndpointGroupConfigurations.4.EndpointProtocolVersion":                 "HTTP2",
	} {
		assert.Equal(t, want, p.Get(name), name)
	}
	assert.Empty(t, p.Get("EndpointGroupConfigurations.2.EnableClientIPPreservationToa"), "false switches are the default: not sent")

	// A non-nil XForwardedForConfig sends its five switches as set; nil
	// sends none.
	r.XForwardedForConfig = &XForwardedForConfig{XRealIpEnabled: true}
	p, err = r.params("tok")
	require.NoError(t, err)
	var xff []string
	for _, kv := range p {
		if strings.HasPrefix(kv.Name, "XForwardedForConfig.") {
			xff = append(xff, kv.Name+"="+kv.Value)
		}
	}
	assert.Equal(t, []string{"XForwardedForConfig.XForwardedForGaApEnabled=false", "XForwardedForConfig.XForwardedForGaIdEnabled=false",
		"XForwardedForConfig.XForwardedForPortEnabled=false", "XForwardedForConfig.XForwardedForProtoEnabled=false",
		"XForwardedForConfig.XRealIpEnabled=true"}, xff)
	r.XForwardedForConfig = nil
	p, err = r.params("tok")
	require.NoError(t, err)
	assert.Empty(t, p.Get("XForwardedForConfig.XRealIpEnabled"))
}
