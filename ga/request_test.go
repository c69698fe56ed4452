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
