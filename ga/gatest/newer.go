package gatest

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/listenerkit/listenerkit-go/ga"
)

// The CreateListener fields newer than the seed page, as the API reference
// describes them (see ga's fields.go): parsed from the form and checked the
// service's way, the first broken rule being the answer. Written apart from
// the client's validation, so that the conformance table compares two
// readings of the reference.

// newer is what a request says of the newer fields.
type newer struct {
	typ            string
	securityPolicy string
	xff            *ga.XForwardedForConfig
	idleTimeout    int
	requestTimeout int
	httpVersion    string
	groups         []ga.EndpointGroupConfiguration
}

var (
	groupKey    = regexp.MustCompile(`^EndpointGroupConfigurations\.(\d+)\.(.+)$`)
	endpointKey = regexp.MustCompile(`^EndpointConfigurations\.(\d+)\.(Endpoint|Type|Weight|SubAddress)$`)
	overrideKey = regexp.MustCompile(`^PortOverrides\.(\d+)\.(ListenerPort|EndpointPort)$`)
)

func invalid(name string) *apiError {
	return fail(ga.ErrInvalidParameter, "The specified %s is invalid.", name)
}

func missing(name string) *apiError {
	return fail(ga.ErrMissingParameter, "%s is mandatory for this action.", name)
}

// number parses an integer parameter that is present.
func number(form url.Values, name string) (int, bool, *apiError) {
	raw := form.Get(name)
	if raw == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, true, invalid(name)
	}
	return n, true, nil
}

func boolean(raw, name string) (bool, *apiError) {
	switch raw {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, invalid(name)
}

func oneOf(value string, values ...string) bool { return value == "" || slices.Contains(values, value) }

// parseNewer reads and checks the newer fields of a request whose protocol
// is known (the fake's default is tcp) and whose ranges are parsed.
func parseNewer(form url.Values, protocol string, ranges []ga.PortRange) (*newer, *apiError) {
	web := protocol == "http" || protocol == "https"
	n := &newer{typ: form.Get("Type"), securityPolicy: form.Get("SecurityPolicyId"), httpVersion: form.Get("HttpVersion")}
	if !oneOf(n.typ, "Standard", "CustomRouting") {
		return nil, invalid("Type")
	}
	if !oneOf(n.securityPolicy, "tls_cipher_policy_1_0", "tls_cipher_policy_1_1", "tls_cipher_policy_1_2",
		"tls_cipher_policy_1_2_strict", "tls_cipher_policy_1_2_strict_with_1_3") || n.securityPolicy != "" && protocol != "https" {
		return nil, invalid("SecurityPolicyId")
	}
	if !oneOf(n.httpVersion, "http3", "http2", "http1.1") || n.httpVersion != "" && protocol != "https" {
		return nil, invalid("HttpVersion")
	}
	for key, values := range form {
		field, ok := strings.CutPrefix(key, "XForwardedForConfig.")
		if !ok {
			continue
		}
		if !web {
			return nil, invalid("XForwardedForConfig")
		}
		on, e := boolean(values[0], key)
		if e != nil {
			return nil, e
		}
		if n.xff == nil {
			n.xff = &ga.XForwardedForConfig{}
		}
		switch field {
		case "XForwardedForGaIdEnabled":
			n.xff.XForwardedForGaIdEnabled = on
		case "XForwardedForGaApEnabled":
			n.xff.XForwardedForGaApEnabled = on
		case "XForwardedForProtoEnabled":
			n.xff.XForwardedForProtoEnabled = on
		case "XForwardedForPortEnabled":
			n.xff.XForwardedForPortEnabled = on
		case "XRealIpEnabled":
			n.xff.XRealIpEnabled = on
		default:
			return nil, invalid(key)
		}
	}
	idle, set, e := number(form, "IdleTimeout")
	if e != nil {
		return nil, e
	}
	if set {
		lo, hi := 10, 900
		switch protocol {
		case "udp":
			hi = 20
		case "http", "https":
			lo, hi = 1, 60
		}
		if idle < lo || idle > hi {
			return nil, invalid("IdleTimeout")
		}
		n.idleTimeout = idle
	}
	request, set, e := number(form, "RequestTimeout")
	if e != nil {
		return nil, e
	}
	if set && (request < 1 || request > 180) {
		return nil, invalid("RequestTimeout")
	}
	n.requestTimeout = request
	groups, e := parseGroups(form, protocol, ranges)
	if e != nil {
		return nil, e
	}
	if len(groups) > 0 && n.typ == "CustomRouting" {
		return nil, invalid("EndpointGroupConfigurations")
	}
	n.groups = groups
	return n, nil
}

// indexed collects the fields of a 1-based list from keys matching rule
// (index in group 1, field in group 2): index → field → value.
func indexed(keys map[string]string, rule *regexp.Regexp, name string) ([]map[string]string, *apiError) {
	byIndex := map[int]map[string]string{}
	for key, value := range keys {
		m := rule.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil || i < 1 || strconv.Itoa(i) != m[1] {
			return nil, invalid(name)
		}
		if byIndex[i] == nil {
			byIndex[i] = map[string]string{}
		}
		byIndex[i][m[2]] = value
	}
	out := make([]map[string]string, len(byIndex))
	for i := range out {
		fields, ok := byIndex[i+1]
		if !ok {
			return nil, invalid(name) // indexes must run 1..n
		}
		out[i] = fields
	}
	return out, nil
}

func parseGroups(form url.Values, protocol string, ranges []ga.PortRange) ([]ga.EndpointGroupConfiguration, *apiError) {
	flat := map[string]string{}
	for key, values := range form {
		if strings.HasPrefix(key, "EndpointGroupConfigurations.") {
			flat[key] = values[0]
		}
	}
	raw, e := indexed(flat, groupKey, "EndpointGroupConfigurations")
	if e != nil || len(raw) == 0 {
		return nil, e
	}
	if len(raw) > 10 {
		return nil, invalid("EndpointGroupConfigurations")
	}
	web := protocol == "http" || protocol == "https"
	groups := make([]ga.EndpointGroupConfiguration, len(raw))
	for i, f := range raw {
		name := func(field string) string { return "EndpointGroupConfigurations." + strconv.Itoa(i+1) + "." + field }
		g := &groups[i]
		g.EndpointGroupName, g.EndpointGroupDescription, g.EndpointGroupRegion = f["EndpointGroupName"], f["EndpointGroupDescription"], f["EndpointGroupRegion"]
		g.EndpointGroupType = ga.EndpointGroupType(f["EndpointGroupType"])
		g.EndpointRequestProtocol = ga.EndpointRequestProtocol(f["EndpointRequestProtocol"])
		g.EndpointProtocolVersion = ga.EndpointProtocolVersion(f["EndpointProtocolVersion"])
		g.HealthCheckPath = f["HealthCheckPath"]
		g.HealthCheckProtocol = ga.HealthCheckProtocol(f["HealthCheckProtocol"])
		switch {
		case g.EndpointGroupName != "" && !validName(g.EndpointGroupName):
			return nil, invalid(name("EndpointGroupName"))
		case utf8.RuneCountInString(g.EndpointGroupDescription) > 256,
			strings.Contains(g.EndpointGroupDescription, "http://"), strings.Contains(g.EndpointGroupDescription, "https://"):
			return nil, invalid(name("EndpointGroupDescription"))
		case !oneOf(string(g.EndpointGroupType), "default", "virtual"), g.EndpointGroupType == "virtual" && !web:
			return nil, invalid(name("EndpointGroupType"))
		case !oneOf(string(g.EndpointRequestProtocol), "HTTP", "HTTPS"),
			g.EndpointRequestProtocol != "" && !web,
			g.EndpointRequestProtocol == "HTTPS" && protocol == "http":
			return nil, invalid(name("EndpointRequestProtocol"))
		case !oneOf(string(g.EndpointProtocolVersion), "HTTP1.1", "HTTP2"),
			g.EndpointProtocolVersion != "" && g.EndpointRequestProtocol != "HTTPS":
			return nil, invalid(name("EndpointProtocolVersion"))
		case !oneOf(string(g.HealthCheckProtocol), "tcp", "http", "https"):
			return nil, invalid(name("HealthCheckProtocol"))
		}
		for _, b := range []struct {
			key string
			dst *bool
		}{{"HealthCheckEnabled", &g.HealthCheckEnabled}, {"EnableClientIPPreservationToa", &g.EnableClientIPPreservationToa},
			{"EnableClientIPPreservationProxyProtocol", &g.EnableClientIPPreservationProxyProtocol}} {
			if *b.dst, e = boolean(f[b.key], name(b.key)); e != nil {
				return nil, e
			}
		}
		for _, num := range []struct {
			key    string
			dst    *int
			lo, hi int
		}{{"HealthCheckIntervalSeconds", &g.HealthCheckIntervalSeconds, -1 << 31, 1<<31 - 1}, {"HealthCheckPort", &g.HealthCheckPort, 1, 65535},
			{"ThresholdCount", &g.ThresholdCount, 2, 10}, {"TrafficPercentage", &g.TrafficPercentage, 1, 100}} {
			raw, ok := f[num.key]
			if !ok {
				continue
			}
			v, err := strconv.Atoi(raw)
			if err != nil || v < num.lo || v > num.hi {
				return nil, invalid(name(num.key))
			}
			*num.dst = v
		}
		endpoints, e := indexed(f, endpointKey, name("EndpointConfigurations"))
		if e != nil {
			return nil, e
		}
		if len(endpoints) > 100 {
			return nil, invalid(name("EndpointConfigurations"))
		}
		for j, ef := range endpoints {
			en := name("EndpointConfigurations." + strconv.Itoa(j+1) + ".")
			if ef["Endpoint"] == "" {
				return nil, missing(en + "Endpoint")
			}
			if ef["Type"] == "" {
				return nil, missing(en + "Type")
			}
			if !oneOf(ef["Type"], "Domain", "Ip", "PublicIp", "ECS", "SLB", "ALB", "OSS", "ENI", "NLB") {
				return nil, invalid(en + "Type")
			}
			raw, ok := ef["Weight"]
			if !ok {
				return nil, missing(en + "Weight")
			}
			w, err := strconv.Atoi(raw)
			if err != nil || w < 0 || w > 255 {
				return nil, invalid(en + "Weight")
			}
			g.EndpointConfigurations = append(g.EndpointConfigurations,
				ga.EndpointConfiguration{Endpoint: ef["Endpoint"], Type: ga.EndpointType(ef["Type"]), Weight: &w, SubAddress: ef["SubAddress"]})
		}
		overrides, e := indexed(f, overrideKey, name("PortOverrides"))
		if e != nil {
			return nil, e
		}
		if len(overrides) > 5 || len(overrides) > 0 && !web {
			return nil, invalid(name("PortOverrides"))
		}
		for j, of := range overrides {
			on := name("PortOverrides." + strconv.Itoa(j+1) + ".")
			var o ga.PortOverride
			for _, p := range []struct {
				key string
				dst *int
			}{{"ListenerPort", &o.ListenerPort}, {"EndpointPort", &o.EndpointPort}} {
				raw, ok := of[p.key]
				if !ok {
					return nil, missing(on + p.key)
				}
				v, err := strconv.Atoi(raw)
				if err != nil {
					return nil, invalid(on + p.key)
				}
				*p.dst = v
			}
			if !slices.ContainsFunc(ranges, func(pr ga.PortRange) bool { return pr.FromPort <= o.ListenerPort && o.ListenerPort <= pr.ToPort }) {
				return nil, invalid(on + "ListenerPort")
			}
			g.PortOverrides = append(g.PortOverrides, o)
		}
	}
	return groups, nil
}

// describeNewer adds the newer fields to a DescribeListener answer: what
// the request set, else the reference's defaults (Standard; idle timeout
// TCP 900, UDP 20, HTTP/HTTPS 15; request timeout 60 and the
// XForwardedForConfig switches, all off, for HTTP/HTTPS; http2 for HTTPS;
// no SecurityPolicyId, which has no documented default).
// Endpoint groups are not part of this answer: the service lists them with
// ListEndpointGroups.
func describeNewer(answer map[string]any, l *Listener) {
	web := l.Protocol == "http" || l.Protocol == "https"
	answer["Type"] = or(l.Type, "Standard")
	idle := map[string]int{"tcp": 900, "udp": 20, "http": 15, "https": 15}[l.Protocol]
	if l.IdleTimeout != 0 {
		idle = l.IdleTimeout
	}
	answer["IdleTimeout"] = idle
	if web {
		answer["RequestTimeout"] = l.RequestTimeout
		if l.RequestTimeout == 0 {
			answer["RequestTimeout"] = 60
		}
		xff := ga.XForwardedForConfig{}
		if l.XForwardedForConfig != nil {
			xff = *l.XForwardedForConfig
		}
		answer["XForwardedForConfig"] = map[string]bool{
			"XForwardedForGaIdEnabled": xff.XForwardedForGaIdEnabled, "XForwardedForGaApEnabled": xff.XForwardedForGaApEnabled,
			"XForwardedForProtoEnabled": xff.XForwardedForProtoEnabled, "XForwardedForPortEnabled": xff.XForwardedForPortEnabled,
			"XRealIpEnabled": xff.XRealIpEnabled,
		}
	}
	if l.Protocol == "https" {
		answer["HttpVersion"] = or(l.HTTPVersion, "http2")
	}
	if l.SecurityPolicyID != "" { // the reference gives no default to report
		answer["SecurityPolicyId"] = l.SecurityPolicyID
	}
}

func or(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
