package ga_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

func validRequest() *ga.CreateListenerRequest {
	return &ga.CreateListenerRequest{AcceleratorID: "ga-bp1odcab8tmno0hdq", Name: "Listener", PortRanges: []ga.PortRange{{20, 20}}}
}

// Each case names the rule of the CreateListener page (seed 000) it checks.
func TestValidate_Rules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(r *ga.CreateListenerRequest)
		field  string       // "" means valid
		code   ga.ErrorCode // the documented code
	}{
		{"valid minimal", func(r *ga.CreateListenerRequest) {}, "", ""},
		{"RegionId empty defaults to cn-hangzhou", func(r *ga.CreateListenerRequest) { r.RegionID = "" }, "", ""},
		{"RegionId only cn-hangzhou", func(r *ga.CreateListenerRequest) { r.RegionID = "cn-shanghai" }, "RegionID", ga.ErrInvalidParameter},
		{"AcceleratorId required", func(r *ga.CreateListenerRequest) { r.AcceleratorID = "" }, "AcceleratorID", ga.ErrMissingParameter},
		{"ClientToken 64 ASCII ok", func(r *ga.CreateListenerRequest) { r.ClientToken = strings.Repeat("a", 64) }, "", ""},
		{"ClientToken at most 64", func(r *ga.CreateListenerRequest) { r.ClientToken = strings.Repeat("a", 65) }, "ClientToken", ga.ErrInvalidParameter},
		{"ClientToken ASCII only", func(r *ga.CreateListenerRequest) { r.ClientToken = "令牌" }, "ClientToken", ga.ErrInvalidParameter},
		{"Name 2 chars ok", func(r *ga.CreateListenerRequest) { r.Name = "ab" }, "", ""},
		{"Name 128 chars ok", func(r *ga.CreateListenerRequest) { r.Name = "a" + strings.Repeat("b", 127) }, "", ""},
		{"Name 128 Chinese chars ok (characters, not bytes)", func(r *ga.CreateListenerRequest) { r.Name = strings.Repeat("监", 128) }, "", ""},
		{"Name at least 2", func(r *ga.CreateListenerRequest) { r.Name = "a" }, "Name", ga.ErrInvalidParameter},
		{"Name at most 128", func(r *ga.CreateListenerRequest) { r.Name = strings.Repeat("a", 129) }, "Name", ga.ErrInvalidParameter},
		{"Name starts with Chinese ok", func(r *ga.CreateListenerRequest) { r.Name = "监听-1_a" }, "", ""},
		{"Name may not start with a digit", func(r *ga.CreateListenerRequest) { r.Name = "1abc" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with _", func(r *ga.CreateListenerRequest) { r.Name = "_abc" }, "Name", ga.ErrInvalidParameter},
		{"Name no spaces", func(r *ga.CreateListenerRequest) { r.Name = "a b" }, "Name", ga.ErrInvalidParameter},
		{"Name no dots", func(r *ga.CreateListenerRequest) { r.Name = "a.b" }, "Name", ga.ErrInvalidParameter},
		{"ClientAffinity SOURCE_IP", func(r *ga.CreateListenerRequest) { r.ClientAffinity = ga.ClientAffinitySourceIP }, "", ""},
		{"ClientAffinity other", func(r *ga.CreateListenerRequest) { r.ClientAffinity = "SOURCE_PORT" }, "ClientAffinity", ga.ErrInvalidParameter},
		{"Protocol udp", func(r *ga.CreateListenerRequest) { r.Protocol = ga.ProtocolUDP }, "", ""},
		{"Protocol unknown", func(r *ga.CreateListenerRequest) { r.Protocol = "TCP" }, "Protocol", ga.ErrProtocalIllegalListener},
		{"PortRanges required", func(r *ga.CreateListenerRequest) { r.PortRanges = nil }, "PortRanges", ga.ErrMissingParameter},
		{"port 1 and 65499 ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 1}, {65499, 65499}} }, "", ""},
		{"port 0", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{0, 10}} }, "PortRanges[0].FromPort", ga.ErrPortRangeIllegalListener},
		{"port above 65535", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{10, 70000}} }, "PortRanges[0].ToPort", ga.ErrPortRangeIllegalListener},
		{"port 65500 reserved", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{65500, 65500}} }, "PortRanges[0].FromPort", ga.ErrSystemPortListener},
		{"port 65535 reserved", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{65400, 65535}} }, "PortRanges[0].ToPort", ga.ErrSystemPortListener},
		{"from after to", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{90, 80}} }, "PortRanges[0]", ga.ErrPortRangeIllegalListener},
		{"UDP 250 reserved", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolUDP, []ga.PortRange{{200, 260}}
		}, "PortRanges[0]", ga.ErrPortRangeIllegalUDP},
		{"UDP 4789 reserved", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolUDP, []ga.PortRange{{4789, 4789}}
		}, "PortRanges[0]", ga.ErrPortRangeIllegalUDP},
		{"UDP 4790 reserved", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolUDP, []ga.PortRange{{4790, 4800}}
		}, "PortRanges[0]", ga.ErrPortRangeIllegalUDP},
		{"UDP 4791 and 249 ok", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolUDP, []ga.PortRange{{4791, 4791}, {249, 249}, {251, 260}}
		}, "", ""},
		{"TCP 4789 ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{4789, 4790}} }, "", ""},
		{"overlap", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{10, 20}, {20, 30}} }, "PortRanges[1]", ga.ErrPortConflictListener},
		{"adjacent ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{10, 20}, {21, 30}} }, "", ""},
		// PortRangeIllegal.Count: "海量端口监听（端口数>300）仅支持配置一个端口范围", the listener's ports all together.
		{"300 ports in two ranges ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 299}, {400, 400}} }, "", ""},
		{"301 ports in two ranges", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 300}, {400, 400}} }, "PortRanges", ga.ErrPortRangeIllegalCount},
		{"402 ports in two ranges of at most 300", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 200}, {300, 500}} }, "PortRanges", ga.ErrPortRangeIllegalCount},
		{"65499 ports in one range ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 65499}} }, "", ""},
		{"301 ports alone ok", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 301}} }, "", ""},
		{"301 ports with another", func(r *ga.CreateListenerRequest) { r.PortRanges = []ga.PortRange{{1, 301}, {400, 400}} }, "PortRanges", ga.ErrPortRangeIllegalCount},
		{"http one port", func(r *ga.CreateListenerRequest) {
			r.Protocol = ga.ProtocolHTTP
			r.PortRanges = []ga.PortRange{{80, 80}}
		}, "", ""},
		{"http range", func(r *ga.CreateListenerRequest) {
			r.Protocol = ga.ProtocolHTTP
			r.PortRanges = []ga.PortRange{{80, 81}}
		}, "PortRanges", ga.ErrPortRangesMustOne},
		{"http two ranges", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolHTTP, []ga.PortRange{{80, 80}, {81, 81}}
		}, "PortRanges", ga.ErrPortRangesMustOne},
		{"https with certificate", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges, r.Certificates = ga.ProtocolHTTPS, []ga.PortRange{{443, 443}}, []ga.Certificate{{"449-cn-hangzhou"}}
		}, "", ""},
		{"https needs a certificate", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges = ga.ProtocolHTTPS, []ga.PortRange{{443, 443}}
		}, "Certificates", ga.ErrMissingParameter},
		// "仅HTTPS协议的监听需要配置该参数": needed by https, ignored elsewhere (Warnings says so).
		{"certificates on tcp are accepted", func(r *ga.CreateListenerRequest) { r.Certificates = []ga.Certificate{{"c"}} }, "", ""},
		// The page gives Protocol no default: empty is sent as nothing, and no protocol's own rules apply.
		{"Protocol empty", func(r *ga.CreateListenerRequest) { r.Protocol = ""; r.PortRanges = []ga.PortRange{{4789, 4789}} }, "", ""},
		// "以大小写字母或中文开头": a Chinese character is a CJK ideograph.
		{"Name starts with 中", func(r *ga.CreateListenerRequest) { r.Name = "中a" }, "", ""},
		{"Name starts with Ext A 䶵", func(r *ga.CreateListenerRequest) { r.Name = "䶵a" }, "", ""},
		{"Name starts with Ext B 𠀀", func(r *ga.CreateListenerRequest) { r.Name = "𠀀a" }, "", ""},
		{"Name starts with compatibility 豈", func(r *ga.CreateListenerRequest) { r.Name = "豈a" }, "", ""},
		{"Name starts with 〇", func(r *ga.CreateListenerRequest) { r.Name = "〇a" }, "", ""},
		{"Name may not start with 々", func(r *ga.CreateListenerRequest) { r.Name = "々a" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with radical ⺀", func(r *ga.CreateListenerRequest) { r.Name = "⺀a" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with Kangxi radical ⼀", func(r *ga.CreateListenerRequest) { r.Name = "⼀a" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with katakana", func(r *ga.CreateListenerRequest) { r.Name = "アa" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with hangul", func(r *ga.CreateListenerRequest) { r.Name = "한a" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with é", func(r *ga.CreateListenerRequest) { r.Name = "éa" }, "Name", ga.ErrInvalidParameter},
		{"Name may not hold 々", func(r *ga.CreateListenerRequest) { r.Name = "a々" }, "Name", ga.ErrInvalidParameter},
		{"Name may not start with -", func(r *ga.CreateListenerRequest) { r.Name = "-abc" }, "Name", ga.ErrInvalidParameter},
		{"certificate id required", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.PortRanges, r.Certificates = ga.ProtocolHTTPS, []ga.PortRange{{443, 443}}, []ga.Certificate{{""}}
		}, "Certificates[0].ID", ga.ErrMissingParameter},
	}
	cases = append(cases, newerFieldCases()...)
	srv := gatest.NewServer(gatest.WithListenerQuota(1 << 20))
	defer srv.Close()
	for n, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			r.AcceleratorID = fmt.Sprintf("ga-case-%d", n) // a fresh accelerator per case, for the fake
			srv.AddAccelerator(r.AcceleratorID)
			tc.mutate(r)
			err := r.Validate()
			fakeCode := sendRaw(t, srv, r) // the same request, unvalidated, to the fake
			if tc.field == "" {
				assert.NoError(t, err)
				assert.Empty(t, fakeCode, "the fake accepts it too")
				return
			}
			assert.Equal(t, string(tc.code), fakeCode, "the fake refuses it with the same code")
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.code)
			var ve *ga.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, v := range ve.Violations {
				fields = append(fields, v.Field)
				if v.Field == tc.field {
					assert.Equal(t, tc.code, v.Code)
				}
			}
			assert.Contains(t, fields, tc.field)
			assert.Contains(t, err.Error(), tc.field)
			assert.Contains(t, err.Error(), string(tc.code))
		})
	}
}

// sendRaw signs r's parameters as they are and sends them to the fake,
// returning the answer's Code ("" for success).
func sendRaw(t *testing.T, srv *gatest.Server, r *ga.CreateListenerRequest) string {
	params, err := ga.RequestParams(r, r.ClientToken)
	require.NoError(t, err)
	form := url.Values{"Action": {"CreateListener"}, "Version": {ga.APIVersion}, "Format": {"JSON"}, "AccessKeyId": {gatest.DefaultAccessKeyID},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {fmt.Sprint(time.Now().UnixNano())},
		"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}}
	for _, p := range params {
		if p.Value != "" {
			form.Set(p.Name, p.Value)
		}
	}
	form.Set("Signature", signing.AlibabaRPCSignature("POST", signing.ParamsFromValues(form), gatest.DefaultAccessKeySecret))
	resp, err := http.PostForm(srv.URL, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var answer struct{ Code string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
	return answer.Code
}

func TestWarnings_CertificatesOffHTTPS(t *testing.T) {
	r := validRequest()
	r.Certificates = []ga.Certificate{{ID: "449-cn-hangzhou"}}
	assert.Len(t, r.Warnings(), 1)
	r.Protocol, r.PortRanges = ga.ProtocolHTTPS, []ga.PortRange{{FromPort: 443, ToPort: 443}}
	assert.Empty(t, r.Warnings())
	assert.Empty(t, validRequest().Warnings())
}

func TestEmptyProtocolIsNotSent(t *testing.T) {
	params, err := ga.RequestParams(validRequest(), "tok")
	require.NoError(t, err)
	assert.Empty(t, params.Get("Protocol"))
	r := validRequest()
	r.Protocol = ga.ProtocolUDP
	params, err = ga.RequestParams(r, "tok")
	require.NoError(t, err)
	assert.Equal(t, "udp", params.Get("Protocol"))
}

func TestValidate_ReportsEveryViolationAtOnce(t *testing.T) {
	r := &ga.CreateListenerRequest{
		RegionID: "us-west-1", Name: "1", Protocol: "quic",
		PortRanges: []ga.PortRange{{0, 5}, {65500, 65501}},
	}
	var ve *ga.ValidationError
	require.ErrorAs(t, r.Validate(), &ve)
	assert.GreaterOrEqual(t, len(ve.Violations), 6)
	for _, code := range []ga.ErrorCode{ga.ErrInvalidParameter, ga.ErrMissingParameter, ga.ErrProtocalIllegalListener, ga.ErrPortRangeIllegalListener, ga.ErrSystemPortListener} {
		assert.ErrorIs(t, r.Validate(), code)
	}
	assert.False(t, errors.Is(r.Validate(), ga.ErrPortRangeIllegalUDP))
}

func TestValidate_NilRequest(t *testing.T) {
	var r *ga.CreateListenerRequest
	assert.ErrorIs(t, r.Validate(), ga.ErrMissingParameter)
}

func TestEnumValues(t *testing.T) {
	assert.Equal(t, []ga.Protocol{"tcp", "udp", "http", "https"}, ga.Protocol("").Values())
	assert.Equal(t, []ga.ClientAffinity{"SOURCE_IP"}, ga.ClientAffinity("").Values())
}

// https and http listeners, for the cases of the newer fields.
func asHTTPS(r *ga.CreateListenerRequest) {
	r.Protocol, r.PortRanges, r.Certificates = ga.ProtocolHTTPS, []ga.PortRange{{FromPort: 443, ToPort: 443}}, []ga.Certificate{{ID: "c"}}
}

func asHTTP(r *ga.CreateListenerRequest) {
	r.Protocol, r.PortRanges = ga.ProtocolHTTP, []ga.PortRange{{FromPort: 80, ToPort: 80}}
}

func weight(n int) *int { return &n }

// withGroup adds one endpoint group with one valid endpoint, then lets
// change alter it.
func withGroup(change func(g *ga.EndpointGroupConfiguration)) func(r *ga.CreateListenerRequest) {
	return func(r *ga.CreateListenerRequest) {
		g := ga.EndpointGroupConfiguration{EndpointGroupName: "group-1", EndpointGroupRegion: "cn-shanghai",
			EndpointConfigurations: []ga.EndpointConfiguration{{Endpoint: "47.0.0.1", Type: ga.EndpointTypeIP, Weight: weight(20)}}}
		change(&g)
		r.EndpointGroupConfigurations = append(r.EndpointGroupConfigurations, g)
	}
}

// newerFieldCases check the rules of the fields newer than the seed page,
// each named after the API reference's sentence (ga-20191120's
// CreateListenerRequest, see ga/fields.go).
func newerFieldCases() []struct {
	name   string
	mutate func(r *ga.CreateListenerRequest)
	field  string
	code   ga.ErrorCode
} {
	type tc = struct {
		name   string
		mutate func(r *ga.CreateListenerRequest)
		field  string
		code   ga.ErrorCode
	}
	both := func(fs ...func(r *ga.CreateListenerRequest)) func(r *ga.CreateListenerRequest) {
		return func(r *ga.CreateListenerRequest) {
			for _, f := range fs {
				f(r)
			}
		}
	}
	g0 := "EndpointGroupConfigurations[0]."
	return []tc{
		// Type: Standard (default) or CustomRouting.
		{"Type Standard", func(r *ga.CreateListenerRequest) { r.Type = ga.ListenerTypeStandard }, "", ""},
		{"Type CustomRouting", func(r *ga.CreateListenerRequest) { r.Type = ga.ListenerTypeCustomRouting }, "", ""},
		{"Type other", func(r *ga.CreateListenerRequest) { r.Type = "Smart" }, "Type", ga.ErrInvalidParameter},
		// SecurityPolicyId: five policies; "available only when you create an HTTPS listener".
		{"SecurityPolicyId on https", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.SecurityPolicyID = ga.SecurityPolicyTLS12StrictWith13 }), "", ""},
		{"SecurityPolicyId unknown", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.SecurityPolicyID = "tls_cipher_policy_1_3" }), "SecurityPolicyID", ga.ErrInvalidParameter},
		{"SecurityPolicyId on tcp", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.SecurityPolicyID = ga.ProtocolTCP, ga.SecurityPolicyTLS12
		}, "SecurityPolicyID", ga.ErrInvalidParameter},
		{"SecurityPolicyId on http", both(asHTTP, func(r *ga.CreateListenerRequest) { r.SecurityPolicyID = ga.SecurityPolicyTLS12 }), "SecurityPolicyID", ga.ErrInvalidParameter},
		// HttpVersion: http3, http2, http1.1; "Only HTTPS listeners support this parameter".
		{"HttpVersion http1.1 on https", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.HTTPVersion = ga.HTTPVersion11 }), "", ""},
		{"HttpVersion unknown", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.HTTPVersion = "http1.0" }), "HTTPVersion", ga.ErrInvalidParameter},
		{"HttpVersion on http", both(asHTTP, func(r *ga.CreateListenerRequest) { r.HTTPVersion = ga.HTTPVersion2 }), "HTTPVersion", ga.ErrInvalidParameter},
		// XForwardedForConfig: "available only when you create an HTTPS or HTTP listener".
		{"XForwardedForConfig on http", both(asHTTP, func(r *ga.CreateListenerRequest) {
			r.XForwardedForConfig = &ga.XForwardedForConfig{XRealIpEnabled: true, XForwardedForPortEnabled: true}
		}), "", ""},
		{"XForwardedForConfig all off on tcp (sent as five false)", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.XForwardedForConfig = ga.ProtocolTCP, &ga.XForwardedForConfig{}
		}, "XForwardedForConfig", ga.ErrInvalidParameter},
		{"XForwardedForConfig on udp", func(r *ga.CreateListenerRequest) {
			r.Protocol, r.XForwardedForConfig = ga.ProtocolUDP, &ga.XForwardedForConfig{XForwardedForGaIdEnabled: true}
		}, "XForwardedForConfig", ga.ErrInvalidParameter},
		// IdleTimeout: TCP 10-900, UDP 10-20, HTTP/HTTPS 1-60.
		{"IdleTimeout tcp 10", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolTCP, 10 }, "", ""},
		{"IdleTimeout tcp 900", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolTCP, 900 }, "", ""},
		{"IdleTimeout tcp 9", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolTCP, 9 }, "IdleTimeout", ga.ErrInvalidParameter},
		{"IdleTimeout tcp 901", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolTCP, 901 }, "IdleTimeout", ga.ErrInvalidParameter},
		{"IdleTimeout udp 20", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolUDP, 20 }, "", ""},
		{"IdleTimeout udp 21", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolUDP, 21 }, "IdleTimeout", ga.ErrInvalidParameter},
		{"IdleTimeout udp 9", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolUDP, 9 }, "IdleTimeout", ga.ErrInvalidParameter},
		{"IdleTimeout http 1", both(asHTTP, func(r *ga.CreateListenerRequest) { r.IdleTimeout = 1 }), "", ""},
		{"IdleTimeout https 60", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.IdleTimeout = 60 }), "", ""},
		{"IdleTimeout https 61", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.IdleTimeout = 61 }), "IdleTimeout", ga.ErrInvalidParameter},
		{"IdleTimeout negative", func(r *ga.CreateListenerRequest) { r.Protocol, r.IdleTimeout = ga.ProtocolTCP, -5 }, "IdleTimeout", ga.ErrInvalidParameter},
		// RequestTimeout: 1-180; "takes effect only for HTTP or HTTPS listeners" (a warning elsewhere).
		{"RequestTimeout 1", both(asHTTP, func(r *ga.CreateListenerRequest) { r.RequestTimeout = 1 }), "", ""},
		{"RequestTimeout 180", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.RequestTimeout = 180 }), "", ""},
		{"RequestTimeout 181", both(asHTTPS, func(r *ga.CreateListenerRequest) { r.RequestTimeout = 181 }), "RequestTimeout", ga.ErrInvalidParameter},
		{"RequestTimeout on tcp is accepted", func(r *ga.CreateListenerRequest) { r.Protocol, r.RequestTimeout = ga.ProtocolTCP, 30 }, "", ""},
		// EndpointGroupConfigurations: "up to 10"; "only if you set Type to Standard".
		{"one endpoint group", withGroup(func(*ga.EndpointGroupConfiguration) {}), "", ""},
		{"ten endpoint groups", func(r *ga.CreateListenerRequest) {
			for range 10 {
				withGroup(func(*ga.EndpointGroupConfiguration) {})(r)
			}
		}, "", ""},
		{"eleven endpoint groups", func(r *ga.CreateListenerRequest) {
			for range 11 {
				withGroup(func(*ga.EndpointGroupConfiguration) {})(r)
			}
		}, "EndpointGroupConfigurations", ga.ErrInvalidParameter},
		{"endpoint groups on CustomRouting", both(func(r *ga.CreateListenerRequest) { r.Type = ga.ListenerTypeCustomRouting },
			withGroup(func(*ga.EndpointGroupConfiguration) {})), "EndpointGroupConfigurations", ga.ErrInvalidParameter},
		// EndpointGroupName: the listener name's rule.
		{"group name 1 char", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupName = "g" }), g0 + "EndpointGroupName", ga.ErrInvalidParameter},
		{"group name starts with a digit", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupName = "1g" }), g0 + "EndpointGroupName", ga.ErrInvalidParameter},
		{"group name Chinese", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupName = "终端组-1" }), "", ""},
		// EndpointGroupDescription: "up to 256 characters" and "cannot contain http:// or https://".
		{"group description 256", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupDescription = strings.Repeat("描", 256) }), "", ""},
		{"group description 257", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupDescription = strings.Repeat("d", 257) }),
			g0 + "EndpointGroupDescription", ga.ErrInvalidParameter},
		{"group description with https://", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupDescription = "see https://x" }),
			g0 + "EndpointGroupDescription", ga.ErrInvalidParameter},
		{"group description with http://", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupDescription = "http://x" }),
			g0 + "EndpointGroupDescription", ga.ErrInvalidParameter},
		// EndpointGroupType: default or virtual; "Only HTTP ... and HTTPS ... listeners support virtual endpoint groups".
		{"virtual group on http", both(asHTTP, withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupType = ga.EndpointGroupTypeVirtual })), "", ""},
		{"virtual group on tcp", both(func(r *ga.CreateListenerRequest) { r.Protocol = ga.ProtocolTCP },
			withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupType = ga.EndpointGroupTypeVirtual })), g0 + "EndpointGroupType", ga.ErrInvalidParameter},
		{"group type unknown", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointGroupType = "physical" }), g0 + "EndpointGroupType", ga.ErrInvalidParameter},
		// EndpointRequestProtocol: HTTP or HTTPS, "only for HTTP and HTTPS ... listeners", "For an HTTP listener, the protocol must be HTTP".
		{"request protocol HTTPS on https", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointRequestProtocol = ga.EndpointRequestProtocolHTTPS
		})), "", ""},
		{"request protocol HTTPS on http", both(asHTTP, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointRequestProtocol = ga.EndpointRequestProtocolHTTPS
		})), g0 + "EndpointRequestProtocol", ga.ErrInvalidParameter},
		{"request protocol on tcp", both(func(r *ga.CreateListenerRequest) { r.Protocol = ga.ProtocolTCP }, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointRequestProtocol = ga.EndpointRequestProtocolHTTP
		})), g0 + "EndpointRequestProtocol", ga.ErrInvalidParameter},
		// EndpointProtocolVersion: HTTP1.1 or HTTP2, "only for HTTPS endpoint request protocol".
		{"protocol version with HTTPS endpoints", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointRequestProtocol, g.EndpointProtocolVersion = ga.EndpointRequestProtocolHTTPS, ga.EndpointProtocolVersionHTTP2
		})), "", ""},
		{"protocol version with HTTP endpoints", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointRequestProtocol, g.EndpointProtocolVersion = ga.EndpointRequestProtocolHTTP, ga.EndpointProtocolVersionHTTP2
		})), g0 + "EndpointProtocolVersion", ga.ErrInvalidParameter},
		// Health checks: port 1-65535, protocol tcp/http/https, ThresholdCount 2-10; TrafficPercentage 1-100.
		{"health check every field", withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.HealthCheckEnabled, g.HealthCheckIntervalSeconds, g.HealthCheckPath, g.HealthCheckPort = true, 3, "/healthz", 65535
			g.HealthCheckProtocol, g.ThresholdCount, g.TrafficPercentage = ga.HealthCheckProtocolHTTP, 10, 100
		}), "", ""},
		{"health check port 65536", withGroup(func(g *ga.EndpointGroupConfiguration) { g.HealthCheckPort = 65536 }), g0 + "HealthCheckPort", ga.ErrInvalidParameter},
		{"health check protocol udp", withGroup(func(g *ga.EndpointGroupConfiguration) { g.HealthCheckProtocol = "udp" }), g0 + "HealthCheckProtocol", ga.ErrInvalidParameter},
		{"threshold 2", withGroup(func(g *ga.EndpointGroupConfiguration) { g.ThresholdCount = 2 }), "", ""},
		{"threshold 1", withGroup(func(g *ga.EndpointGroupConfiguration) { g.ThresholdCount = 1 }), g0 + "ThresholdCount", ga.ErrInvalidParameter},
		{"threshold 11", withGroup(func(g *ga.EndpointGroupConfiguration) { g.ThresholdCount = 11 }), g0 + "ThresholdCount", ga.ErrInvalidParameter},
		{"traffic 1", withGroup(func(g *ga.EndpointGroupConfiguration) { g.TrafficPercentage = 1 }), "", ""},
		{"traffic 101", withGroup(func(g *ga.EndpointGroupConfiguration) { g.TrafficPercentage = 101 }), g0 + "TrafficPercentage", ga.ErrInvalidParameter},
		{"traffic negative", withGroup(func(g *ga.EndpointGroupConfiguration) { g.TrafficPercentage = -1 }), g0 + "TrafficPercentage", ga.ErrInvalidParameter},
		// EndpointConfigurations: "up to 100"; Endpoint, Type and Weight required; Weight 0-255.
		{"100 endpoints", withGroup(func(g *ga.EndpointGroupConfiguration) {
			for len(g.EndpointConfigurations) < 100 {
				g.EndpointConfigurations = append(g.EndpointConfigurations, g.EndpointConfigurations[0])
			}
		}), "", ""},
		{"101 endpoints", withGroup(func(g *ga.EndpointGroupConfiguration) {
			for len(g.EndpointConfigurations) < 101 {
				g.EndpointConfigurations = append(g.EndpointConfigurations, g.EndpointConfigurations[0])
			}
		}), g0 + "EndpointConfigurations", ga.ErrInvalidParameter},
		{"weight 0", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Weight = weight(0) }), "", ""},
		{"weight 255", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Weight = weight(255) }), "", ""},
		{"weight 256", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Weight = weight(256) }),
			g0 + "EndpointConfigurations[0].Weight", ga.ErrInvalidParameter},
		{"weight required", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Weight = nil }),
			g0 + "EndpointConfigurations[0].Weight", ga.ErrMissingParameter},
		{"endpoint required", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Endpoint = "" }),
			g0 + "EndpointConfigurations[0].Endpoint", ga.ErrMissingParameter},
		{"endpoint type required", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Type = "" }),
			g0 + "EndpointConfigurations[0].Type", ga.ErrMissingParameter},
		{"endpoint type unknown", withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].Type = "VPC" }),
			g0 + "EndpointConfigurations[0].Type", ga.ErrInvalidParameter},
		{"endpoint type ENI with SubAddress", withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.EndpointConfigurations[0].Type, g.EndpointConfigurations[0].SubAddress = ga.EndpointTypeENI, "172.16.0.2"
		}), "", ""},
		// PortOverrides: "up to five", "Only HTTP and HTTPS ... listeners support port mappings",
		// "The listener port in a port mapping must be the port that is used by the current listener".
		{"port override on https", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.PortOverrides = []ga.PortOverride{{ListenerPort: 443, EndpointPort: 8443}}
		})), "", ""},
		{"port override of another port", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.PortOverrides = []ga.PortOverride{{ListenerPort: 444, EndpointPort: 8443}}
		})), g0 + "PortOverrides[0].ListenerPort", ga.ErrInvalidParameter},
		{"port override without endpoint port", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.PortOverrides = []ga.PortOverride{{ListenerPort: 443}}
		})), g0 + "PortOverrides[0].EndpointPort", ga.ErrMissingParameter},
		{"port override on tcp", both(func(r *ga.CreateListenerRequest) { r.Protocol = ga.ProtocolTCP }, withGroup(func(g *ga.EndpointGroupConfiguration) {
			g.PortOverrides = []ga.PortOverride{{ListenerPort: 20, EndpointPort: 8080}}
		})), g0 + "PortOverrides", ga.ErrInvalidParameter},
		{"six port overrides", both(asHTTPS, withGroup(func(g *ga.EndpointGroupConfiguration) {
			for range 6 {
				g.PortOverrides = append(g.PortOverrides, ga.PortOverride{ListenerPort: 443, EndpointPort: 8443})
			}
		})), g0 + "PortOverrides", ga.ErrInvalidParameter},
	}
}

func TestWarnings_NewerFields(t *testing.T) {
	r := validRequest()
	r.Protocol, r.RequestTimeout = ga.ProtocolTCP, 30
	withGroup(func(g *ga.EndpointGroupConfiguration) { g.EndpointConfigurations[0].SubAddress = "10.0.0.2" })(r)
	w := r.Warnings()
	require.Len(t, w, 2)
	assert.Contains(t, w[0], "RequestTimeout")
	assert.Contains(t, w[1], "EndpointGroupConfigurations[0].EndpointConfigurations[0].SubAddress")
	require.NoError(t, r.Validate())

	asHTTP(r)
	r.EndpointGroupConfigurations[0].EndpointConfigurations[0].Type = ga.EndpointTypeENI
	assert.Empty(t, r.Warnings())
}

func TestEnumValues_NewerFields(t *testing.T) {
	assert.Equal(t, []ga.ListenerType{"Standard", "CustomRouting"}, ga.ListenerType("").Values())
	assert.Len(t, ga.SecurityPolicyID("").Values(), 5)
	assert.Equal(t, []ga.HTTPVersion{"http3", "http2", "http1.1"}, ga.HTTPVersion("").Values())
	assert.Equal(t, []ga.EndpointGroupType{"default", "virtual"}, ga.EndpointGroupType("").Values())
	assert.Equal(t, []ga.EndpointRequestProtocol{"HTTP", "HTTPS"}, ga.EndpointRequestProtocol("").Values())
	assert.Equal(t, []ga.EndpointProtocolVersion{"HTTP1.1", "HTTP2"}, ga.EndpointProtocolVersion("").Values())
	assert.Equal(t, []ga.HealthCheckProtocol{"tcp", "http", "https"}, ga.HealthCheckProtocol("").Values())
	assert.Len(t, ga.EndpointType("").Values(), 9)

	// Values is a copy: changing it changes nothing Validate checks against.
	values := ga.ListenerType("").Values()
	values[0] = "Smart"
	r := validRequest()
	r.Type = ga.ListenerTypeStandard
	assert.NoError(t, r.Validate())
	assert.Equal(t, ga.ListenerTypeStandard, ga.ListenerType("").Values()[0])
}
