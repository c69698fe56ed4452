package ga

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/internal/validate"
)

// The fields CreateListener has gained since the seed page (API version
// 2019-11-20 still). Their rules are the API reference's, as Alibaba's
// current SDK (alibabacloud-go/ga-20191120, CreateListenerRequest) carries
// it, and ../shared/docs/wire-facts.md. Where the reference says a field is
// "available only" for, or "supported only" by, some listeners, the SDK
// refuses it elsewhere (InvalidParameter); where it "takes effect only"
// there, the SDK sends it and Warnings says so.

// ListenerType is a listener's routing type.
type ListenerType string

// Listener routing types; empty sends none (the service's default,
// Standard). An accelerator's listeners all have the same type.
const (
	ListenerTypeStandard      ListenerType = "Standard"
	ListenerTypeCustomRouting ListenerType = "CustomRouting"
)

// Values lists every ListenerType.
func (ListenerType) Values() []ListenerType { return slices.Clone(listenerTypeValues) }

var listenerTypeValues = []ListenerType{ListenerTypeStandard, ListenerTypeCustomRouting}

// SecurityPolicyID is an https listener's TLS policy.
type SecurityPolicyID string

// TLS security policies.
const (
	// SecurityPolicyTLS10: TLS 1.0 to 1.2.
	SecurityPolicyTLS10 SecurityPolicyID = "tls_cipher_policy_1_0"
	// SecurityPolicyTLS11: TLS 1.1 and 1.2.
	SecurityPolicyTLS11 SecurityPolicyID = "tls_cipher_policy_1_1"
	// SecurityPolicyTLS12: TLS 1.2.
	SecurityPolicyTLS12 SecurityPolicyID = "tls_cipher_policy_1_2"
	// SecurityPolicyTLS12Strict: TLS 1.2, ECDHE suites only.
	SecurityPolicyTLS12Strict SecurityPolicyID = "tls_cipher_policy_1_2_strict"
	// SecurityPolicyTLS12StrictWith13: TLS 1.2 (strict) and 1.3.
	SecurityPolicyTLS12StrictWith13 SecurityPolicyID = "tls_cipher_policy_1_2_strict_with_1_3"
)

// Values lists every SecurityPolicyID.
func (SecurityPolicyID) Values() []SecurityPolicyID { return slices.Clone(securityPolicyIDValues) }

var securityPolicyIDValues = []SecurityPolicyID{SecurityPolicyTLS10, SecurityPolicyTLS11, SecurityPolicyTLS12, SecurityPolicyTLS12Strict, SecurityPolicyTLS12StrictWith13}

// HTTPVersion is the highest HTTP version an https listener speaks.
type HTTPVersion string

// HTTP versions; empty sends none (the service's default, http2).
const (
	HTTPVersion3  HTTPVersion = "http3"
	HTTPVersion2  HTTPVersion = "http2"
	HTTPVersion11 HTTPVersion = "http1.1"
)

// Values lists every HTTPVersion.
func (HTTPVersion) Values() []HTTPVersion { return slices.Clone(httpVersionValues) }

var httpVersionValues = []HTTPVersion{HTTPVersion3, HTTPVersion2, HTTPVersion11}

// XForwardedForConfig says which headers an http or https listener adds to
// requests, each a switch named as on the wire (all off by default). A
// non-nil XForwardedForConfig sends all five, as set.
type XForwardedForConfig struct {
	// XForwardedForGaIdEnabled adds GA-ID, the accelerator's id.
	XForwardedForGaIdEnabled bool `url:"XForwardedForGaIdEnabled"`
	// XForwardedForGaApEnabled adds GA-AP, the acceleration region.
	XForwardedForGaApEnabled bool `url:"XForwardedForGaApEnabled"`
	// XForwardedForProtoEnabled adds GA-X-Forward-Proto, the listener's
	// protocol.
	XForwardedForProtoEnabled bool `url:"XForwardedForProtoEnabled"`
	// XForwardedForPortEnabled adds GA-X-Forward-Port, the listener's port.
	XForwardedForPortEnabled bool `url:"XForwardedForPortEnabled"`
	// XRealIpEnabled adds X-Real-IP, the client's address.
	XRealIpEnabled bool `url:"XRealIpEnabled"`
}

// EndpointGroupType is the type of an endpoint group created with the
// listener.
type EndpointGroupType string

// Endpoint group types; empty sends none (default).
const (
	EndpointGroupTypeDefault EndpointGroupType = "default"
	// EndpointGroupTypeVirtual is for http and https listeners only.
	EndpointGroupTypeVirtual EndpointGroupType = "virtual"
)

// Values lists every EndpointGroupType.
func (EndpointGroupType) Values() []EndpointGroupType { return slices.Clone(endpointGroupTypeValues) }

var endpointGroupTypeValues = []EndpointGroupType{EndpointGroupTypeDefault, EndpointGroupTypeVirtual}

// EndpointRequestProtocol is the protocol an http or https listener speaks
// to its endpoints.
type EndpointRequestProtocol string

// Endpoint request protocols; empty sends none (HTTP).
const (
	EndpointRequestProtocolHTTP  EndpointRequestProtocol = "HTTP"
	EndpointRequestProtocolHTTPS EndpointRequestProtocol = "HTTPS"
)

// Values lists every EndpointRequestProtocol.
func (EndpointRequestProtocol) Values() []EndpointRequestProtocol {
	return slices.Clone(endpointRequestProtocolValues)
}

var endpointRequestProtocolValues = []EndpointRequestProtocol{EndpointRequestProtocolHTTP, EndpointRequestProtocolHTTPS}

// EndpointProtocolVersion is the HTTP version spoken to HTTPS endpoints.
type EndpointProtocolVersion string

// Endpoint protocol versions; empty sends none (HTTP1.1).
const (
	EndpointProtocolVersionHTTP11 EndpointProtocolVersion = "HTTP1.1"
	EndpointProtocolVersionHTTP2  EndpointProtocolVersion = "HTTP2"
)

// Values lists every EndpointProtocolVersion.
func (EndpointProtocolVersion) Values() []EndpointProtocolVersion {
	return slices.Clone(endpointProtocolVersionValues)
}

var endpointProtocolVersionValues = []EndpointProtocolVersion{EndpointProtocolVersionHTTP11, EndpointProtocolVersionHTTP2}

// HealthCheckProtocol is the protocol of an endpoint group's health checks.
type HealthCheckProtocol string

// Health check protocols.
const (
	HealthCheckProtocolTCP   HealthCheckProtocol = "tcp"
	HealthCheckProtocolHTTP  HealthCheckProtocol = "http"
	HealthCheckProtocolHTTPS HealthCheckProtocol = "https"
)

// Values lists every HealthCheckProtocol.
func (HealthCheckProtocol) Values() []HealthCheckProtocol {
	return slices.Clone(healthCheckProtocolValues)
}

var healthCheckProtocolValues = []HealthCheckProtocol{HealthCheckProtocolTCP, HealthCheckProtocolHTTP, HealthCheckProtocolHTTPS}

// EndpointType is what an endpoint is.
type EndpointType string

// Endpoint types. CreateListener's reference lists the first seven and
// names ENI where it describes SubAddress; CreateEndpointGroup's (the same
// API) adds NLB. The SDK accepts all nine.
const (
	EndpointTypeDomain   EndpointType = "Domain"
	EndpointTypeIP       EndpointType = "Ip"
	EndpointTypePublicIP EndpointType = "PublicIp"
	EndpointTypeECS      EndpointType = "ECS"
	EndpointTypeSLB      EndpointType = "SLB"
	EndpointTypeALB      EndpointType = "ALB"
	EndpointTypeOSS      EndpointType = "OSS"
	EndpointTypeENI      EndpointType = "ENI"
	EndpointTypeNLB      EndpointType = "NLB"
)

// Values lists every EndpointType.
func (EndpointType) Values() []EndpointType { return slices.Clone(endpointTypeValues) }

var endpointTypeValues = []EndpointType{EndpointTypeDomain, EndpointTypeIP, EndpointTypePublicIP, EndpointTypeECS, EndpointTypeSLB,
	EndpointTypeALB, EndpointTypeOSS, EndpointTypeENI, EndpointTypeNLB}

// EndpointConfiguration is one endpoint of an endpoint group.
type EndpointConfiguration struct {
	// Endpoint is the endpoint's IP address, domain name or instance id.
	// Required.
	Endpoint string `url:"Endpoint"`
	// Type says what Endpoint is. Required.
	Type EndpointType `url:"Type"`
	// Weight is 0..255; 0 sends it no traffic. Required, hence a pointer.
	Weight *int `url:"Weight"`
	// SubAddress is an ENI endpoint's private IP address (the primary one
	// when empty); the reference describes it for ENI only.
	SubAddress string `url:"SubAddress,omitempty"`
}

// PortOverride maps a listener port to an endpoint port (http and https
// listeners only).
type PortOverride struct {
	// ListenerPort is one of the listener's own ports. Required.
	ListenerPort int `url:"ListenerPort,omitempty"`
	// EndpointPort is where its traffic goes. Required.
	EndpointPort int `url:"EndpointPort,omitempty"`
}

// EndpointGroupConfiguration is an endpoint group created with a Standard
// listener. Zero values are not sent (the service's defaults apply).
type EndpointGroupConfiguration struct {
	// EndpointGroupName: the listener Name's rule (2 to 128 characters,
	// starting with a letter or Chinese character).
	EndpointGroupName string
	// EndpointGroupDescription: at most 256 characters, without "http://"
	// or "https://".
	EndpointGroupDescription string
	// EndpointGroupRegion is the region of the group's endpoints.
	EndpointGroupRegion string
	// EndpointGroupType is default or virtual (http and https listeners).
	EndpointGroupType EndpointGroupType
	// EndpointRequestProtocol is for http and https listeners; an http
	// listener takes HTTP only.
	EndpointRequestProtocol EndpointRequestProtocol
	// EndpointProtocolVersion is for an EndpointRequestProtocol of HTTPS.
	EndpointProtocolVersion EndpointProtocolVersion
	// HealthCheckEnabled turns health checks on.
	HealthCheckEnabled bool
	// HealthCheckIntervalSeconds is the time between checks (0: default).
	HealthCheckIntervalSeconds int
	// HealthCheckPath is the path checked over http or https.
	HealthCheckPath string
	// HealthCheckPort is 1..65535 (0: default).
	HealthCheckPort int
	// HealthCheckProtocol is tcp, http or https.
	HealthCheckProtocol HealthCheckProtocol
	// ThresholdCount is 2..10 (0: default, 3): consecutive results that
	// change an endpoint's health.
	ThresholdCount int
	// TrafficPercentage is 1..100 (0: default, 100): the group's share of
	// the listener's traffic.
	TrafficPercentage int
	// EnableClientIPPreservationToa keeps client addresses with the TOA
	// module.
	EnableClientIPPreservationToa bool
	// EnableClientIPPreservationProxyProtocol keeps client addresses with
	// the proxy protocol.
	EnableClientIPPreservationProxyProtocol bool
	// EndpointConfigurations are the group's endpoints, at most 100.
	EndpointConfigurations []EndpointConfiguration
	// PortOverrides map listener ports to endpoint ports, at most 5 (http
	// and https listeners).
	PortOverrides []PortOverride
}

// Limits of the newer fields, from the reference.
const (
	maxEndpointGroups        = 10
	maxEndpointsPerGroup     = 100
	maxPortOverrides         = 5
	maxGroupDescriptionChars = 256
	maxRequestTimeout        = 180
	maxEndpointWeight        = 255
)

// idleTimeoutRange is IdleTimeout's range for a protocol: TCP 10-900, UDP
// 10-20, HTTP/HTTPS 1-60 seconds; with no protocol, what some protocol
// accepts.
func idleTimeoutRange(p Protocol) (lo, hi int) {
	switch p {
	case ProtocolTCP:
		return 10, 900
	case ProtocolUDP:
		return 10, 20
	case ProtocolHTTP, ProtocolHTTPS:
		return 1, 60
	}
	return 1, 900
}

// isWeb says whether p is http or https; unknown (empty) protocols are
// given the benefit of the doubt by the callers.
func isWeb(p Protocol) bool { return p == ProtocolHTTP || p == ProtocolHTTPS }

// validateNewerFields checks the fields newer than the seed page.
func (r *CreateListenerRequest) validateNewerFields(v *validate.Collector) {
	p := r.Protocol
	known := p != ""
	validate.OneOf(v, validate.Field{Name: "Type"}, ErrInvalidParameter, r.Type, listenerTypeValues)
	validate.OneOf(v, validate.Field{Name: "SecurityPolicyID"}, ErrInvalidParameter, r.SecurityPolicyID, securityPolicyIDValues)
	if r.SecurityPolicyID != "" && known && p != ProtocolHTTPS {
		v.Add("SecurityPolicyID", ErrInvalidParameter, "only https listeners take a security policy, not %s", p)
	}
	validate.OneOf(v, validate.Field{Name: "HTTPVersion"}, ErrInvalidParameter, r.HTTPVersion, httpVersionValues)
	if r.HTTPVersion != "" && known && p != ProtocolHTTPS {
		v.Add("HTTPVersion", ErrInvalidParameter, "only https listeners take an HTTP version, not %s", p)
	}
	if r.XForwardedForConfig != nil && known && !isWeb(p) {
		v.Add("XForwardedForConfig", ErrInvalidParameter, "only http and https listeners add headers, not %s", p)
	}
	if r.IdleTimeout != 0 {
		lo, hi := idleTimeoutRange(p)
		v.Range(validate.Field{Name: "IdleTimeout"}, ErrInvalidParameter, r.IdleTimeout, lo, hi)
	}
	if r.RequestTimeout != 0 {
		v.Range(validate.Field{Name: "RequestTimeout"}, ErrInvalidParameter, r.RequestTimeout, 1, maxRequestTimeout)
	}
	groups := r.EndpointGroupConfigurations
	if len(groups) > maxEndpointGroups {
		v.Add("EndpointGroupConfigurations", ErrInvalidParameter, "at most %d endpoint groups, got %d", maxEndpointGroups, len(groups))
	}
	if len(groups) > 0 && r.Type == ListenerTypeCustomRouting {
		v.Add("EndpointGroupConfigurations", ErrInvalidParameter, "only Standard listeners take endpoint groups here")
	}
	for i := range groups {
		r.validateGroup(v, i, &groups[i])
	}
}

func (r *CreateListenerRequest) validateGroup(v *validate.Collector, i int, g *EndpointGroupConfiguration) {
	p := r.Protocol
	known := p != ""
	field := func(name string) validate.Field {
		return validate.Field{List: "EndpointGroupConfigurations", Index: i, Name: name}
	}
	if g.EndpointGroupName != "" {
		validateNameRule(v, field("EndpointGroupName").String(), g.EndpointGroupName)
	}
	if n := utf8.RuneCountInString(g.EndpointGroupDescription); n > maxGroupDescriptionChars {
		v.Add(field("EndpointGroupDescription").String(), ErrInvalidParameter, "at most %d characters, got %d", maxGroupDescriptionChars, n)
	}
	if strings.Contains(g.EndpointGroupDescription, "http://") || strings.Contains(g.EndpointGroupDescription, "https://") {
		v.Add(field("EndpointGroupDescription").String(), ErrInvalidParameter, `may not contain "http://" or "https://"`)
	}
	validate.OneOf(v, field("EndpointGroupType"), ErrInvalidParameter, g.EndpointGroupType, endpointGroupTypeValues)
	if g.EndpointGroupType == EndpointGroupTypeVirtual && known && !isWeb(p) {
		v.Add(field("EndpointGroupType").String(), ErrInvalidParameter, "virtual endpoint groups are for http and https listeners, not %s", p)
	}
	validate.OneOf(v, field("EndpointRequestProtocol"), ErrInvalidParameter, g.EndpointRequestProtocol, endpointRequestProtocolValues)
	switch {
	case g.EndpointRequestProtocol == "":
	case known && !isWeb(p):
		v.Add(field("EndpointRequestProtocol").String(), ErrInvalidParameter, "only http and https listeners take it, not %s", p)
	case p == ProtocolHTTP && g.EndpointRequestProtocol != EndpointRequestProtocolHTTP:
		v.Add(field("EndpointRequestProtocol").String(), ErrInvalidParameter, "an http listener speaks HTTP to its endpoints, got %q", g.EndpointRequestProtocol)
	}
	validate.OneOf(v, field("EndpointProtocolVersion"), ErrInvalidParameter, g.EndpointProtocolVersion, endpointProtocolVersionValues)
	if g.EndpointProtocolVersion != "" && g.EndpointRequestProtocol != EndpointRequestProtocolHTTPS {
		v.Add(field("EndpointProtocolVersion").String(), ErrInvalidParameter, "is for an EndpointRequestProtocol of HTTPS")
	}
	if g.HealthCheckPort != 0 {
		v.Range(field("HealthCheckPort"), ErrInvalidParameter, g.HealthCheckPort, 1, maxTCPPort)
	}
	validate.OneOf(v, field("HealthCheckProtocol"), ErrInvalidParameter, g.HealthCheckProtocol, healthCheckProtocolValues)
	if g.ThresholdCount != 0 {
		v.Range(field("ThresholdCount"), ErrInvalidParameter, g.ThresholdCount, 2, 10)
	}
	if g.TrafficPercentage != 0 {
		v.Range(field("TrafficPercentage"), ErrInvalidParameter, g.TrafficPercentage, 1, 100)
	}
	if len(g.EndpointConfigurations) > maxEndpointsPerGroup {
		v.Add(field("EndpointConfigurations").String(), ErrInvalidParameter, "at most %d endpoints, got %d", maxEndpointsPerGroup, len(g.EndpointConfigurations))
	}
	endpoints := field("EndpointConfigurations").String()
	for j, e := range g.EndpointConfigurations {
		ef := func(name string) validate.Field { return validate.Field{List: endpoints, Index: j, Name: name} }
		if e.Endpoint == "" {
			v.Add(ef("Endpoint").String(), ErrMissingParameter, "is required")
		}
		if e.Type == "" {
			v.Add(ef("Type").String(), ErrMissingParameter, "is required")
		}
		validate.OneOf(v, ef("Type"), ErrInvalidParameter, e.Type, endpointTypeValues)
		if e.Weight == nil {
			v.Add(ef("Weight").String(), ErrMissingParameter, "is required (0..255)")
		} else {
			v.Range(ef("Weight"), ErrInvalidParameter, *e.Weight, 0, maxEndpointWeight)
		}
	}
	if len(g.PortOverrides) > maxPortOverrides {
		v.Add(field("PortOverrides").String(), ErrInvalidParameter, "at most %d port overrides, got %d", maxPortOverrides, len(g.PortOverrides))
	}
	if len(g.PortOverrides) > 0 && known && !isWeb(p) {
		v.Add(field("PortOverrides").String(), ErrInvalidParameter, "only http and https listeners map ports, not %s", p)
	}
	overrides := field("PortOverrides").String()
	for j, o := range g.PortOverrides {
		of := func(name string) string { return validate.Field{List: overrides, Index: j, Name: name}.String() }
		switch {
		case o.ListenerPort == 0:
			v.Add(of("ListenerPort"), ErrMissingParameter, "is required")
		case !r.hasPort(o.ListenerPort):
			v.Add(of("ListenerPort"), ErrInvalidParameter, "%d is not a port of this listener", o.ListenerPort)
		}
		if o.EndpointPort == 0 {
			v.Add(of("EndpointPort"), ErrMissingParameter, "is required")
		}
	}
}

// hasPort says whether port is in one of the listener's ranges.
func (r *CreateListenerRequest) hasPort(port int) bool {
	for _, pr := range r.PortRanges {
		if pr.FromPort <= port && port <= pr.ToPort {
			return true
		}
	}
	return false
}

// newerFieldWarnings lists what the service takes but, by the reference,
// ignores here.
func (r *CreateListenerRequest) newerFieldWarnings() []string {
	var w []string
	if r.RequestTimeout != 0 && r.Protocol != "" && !isWeb(r.Protocol) {
		w = append(w, "RequestTimeout: takes effect only for http and https listeners (the reference); the service ignores it here")
	}
	for i, g := range r.EndpointGroupConfigurations {
		for j, e := range g.EndpointConfigurations {
			if e.SubAddress != "" && e.Type != EndpointTypeENI {
				w = append(w, fmt.Sprintf("EndpointGroupConfigurations[%d].EndpointConfigurations[%d].SubAddress: described for ENI endpoints only", i, j))
			}
		}
	}
	return w
}

// wireEndpointGroup is an EndpointGroupConfiguration as the service names
// its parameters.
type wireEndpointGroup struct {
	EndpointGroupName                       string                                  `url:"EndpointGroupName,omitempty"`
	EndpointGroupDescription                string                                  `url:"EndpointGroupDescription,omitempty"`
	EndpointGroupRegion                     string                                  `url:"EndpointGroupRegion,omitempty"`
	EndpointGroupType                       EndpointGroupType                       `url:"EndpointGroupType,omitempty"`
	EndpointRequestProtocol                 EndpointRequestProtocol                 `url:"EndpointRequestProtocol,omitempty"`
	EndpointProtocolVersion                 EndpointProtocolVersion                 `url:"EndpointProtocolVersion,omitempty"`
	HealthCheckEnabled                      bool                                    `url:"HealthCheckEnabled,omitempty"`
	HealthCheckIntervalSeconds              int                                     `url:"HealthCheckIntervalSeconds,omitempty"`
	HealthCheckPath                         string                                  `url:"HealthCheckPath,omitempty"`
	HealthCheckPort                         int                                     `url:"HealthCheckPort,omitempty"`
	HealthCheckProtocol                     HealthCheckProtocol                     `url:"HealthCheckProtocol,omitempty"`
	ThresholdCount                          int                                     `url:"ThresholdCount,omitempty"`
	TrafficPercentage                       int                                     `url:"TrafficPercentage,omitempty"`
	EnableClientIPPreservationToa           bool                                    `url:"EnableClientIPPreservationToa,omitempty"`
	EnableClientIPPreservationProxyProtocol bool                                    `url:"EnableClientIPPreservationProxyProtocol,omitempty"`
	EndpointConfigurations                  flatten.OneBased[EndpointConfiguration] `url:"EndpointConfigurations,omitempty"`
	PortOverrides                           flatten.OneBased[PortOverride]          `url:"PortOverrides,omitempty"`
}

// wireGroups converts the groups for flattening; nil when there are none,
// so a request without them allocates nothing.
func wireGroups(groups []EndpointGroupConfiguration) flatten.OneBased[wireEndpointGroup] {
	if len(groups) == 0 {
		return nil
	}
	out := make(flatten.OneBased[wireEndpointGroup], len(groups))
	for i, g := range groups {
		out[i] = wireEndpointGroup{
			EndpointGroupName: g.EndpointGroupName, EndpointGroupDescription: g.EndpointGroupDescription,
			EndpointGroupRegion: g.EndpointGroupRegion, EndpointGroupType: g.EndpointGroupType,
			EndpointRequestProtocol: g.EndpointRequestProtocol, EndpointProtocolVersion: g.EndpointProtocolVersion,
			HealthCheckEnabled: g.HealthCheckEnabled, HealthCheckIntervalSeconds: g.HealthCheckIntervalSeconds,
			HealthCheckPath: g.HealthCheckPath, HealthCheckPort: g.HealthCheckPort, HealthCheckProtocol: g.HealthCheckProtocol,
			ThresholdCount: g.ThresholdCount, TrafficPercentage: g.TrafficPercentage,
			EnableClientIPPreservationToa:           g.EnableClientIPPreservationToa,
			EnableClientIPPreservationProxyProtocol: g.EnableClientIPPreservationProxyProtocol,
			EndpointConfigurations:                  g.EndpointConfigurations,
			PortOverrides:                           g.PortOverrides,
		}
	}
	return out
}
