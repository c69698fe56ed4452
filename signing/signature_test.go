package signing_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/signing"
)

// The example of Alibaba Cloud's "Request syntax and signature method V2 for
// RPC APIs" page: DescribeRegions signed with AccessKey testid/testsecret.
func alibabaDocParams(timestampName string) signing.Params {
	return signing.ParamsFromValues(url.Values{
		"AccessKeyId":      {"testid"},
		"Action":           {"DescribeRegions"},
		"Format":           {"XML"},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureNonce":   {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"},
		timestampName:      {"2016-02-23T12:46:24Z"},
		"Version":          {"2014-05-26"},
	})
}

func TestAlibabaRPCSignature_VendorExample(t *testing.T) {
	p := alibabaDocParams("Timestamp")
	assert.Equal(t,
		"GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"+
			"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"+
			"%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
		signing.AlibabaRPCStringToSign("GET", p))
	assert.Equal(t, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signing.AlibabaRPCSignature("GET", p, "testsecret"))

	// The older Chinese page spells the parameter "TimeStamp" and publishes
	// CT9X0VtwR86fNWSnsc6v8YGOjuE= for it.
	assert.Equal(t, "CT9X0VtwR86fNWSnsc6v8YGOjuE=",
		signing.AlibabaRPCSignature("GET", alibabaDocParams("TimeStamp"), "testsecret"))
}

func TestAlibabaRPCSignature_IgnoresSignatureParam(t *testing.T) {
	p := alibabaDocParams("Timestamp")
	want := signing.AlibabaRPCSignature("GET", p, "testsecret")
	p = append(p, signing.Param{Name: "Signature", Value: "whatever"})
	assert.Equal(t, want, signing.AlibabaRPCSignature("GET", p, "testsecret"))
}

func TestAlibabaRPCStringToSign_Encoding(t *testing.T) {
	// Each value is encoded once in the canonical query (RFC 3986, upper-case
	// hex) and the canonical query is encoded again, so "%" becomes "%25".
	cases := []struct {
		name, value, canonical string
	}{
		{"space", "a b", "a%20b"},
		{"star", "a*b", "a%2Ab"},
		{"tilde stays", "a~b", "a~b"},
		{"plus", "a+b", "a%2Bb"},
		{"slash", "a/b", "a%2Fb"},
		{"percent", "100%", "100%25"},
		{"ampersand", "a&b", "a%26b"},
		{"equals", "a=b", "a%3Db"},
		{"unreserved", "Az09-_.~", "Az09-_.~"},
		{"chinese", "监听", "%E7%9B%91%E5%90%AC"},
		{"emoji", "😀", "%F0%9F%98%80"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := signing.AlibabaRPCStringToSign("POST", signing.Params{{Name: "Name", Value: tc.value}})
			want := "POST&%2F&" + strings.NewReplacer("%", "%25", "=", "%3D").Replace("Name="+tc.canonical)
			assert.Equal(t, want, got)
		})
	}
}

func TestAlibabaRPCStringToSign_SortsByByteOrder(t *testing.T) {
	// As text ("natural" order) PortRanges.2 comes before PortRanges.10, and
	// "a" before "B"; in byte order it is the other way round.
	p := signing.Params{
		{Name: "PortRanges.2.FromPort", Value: "2"},
		{Name: "PortRanges.10.FromPort", Value: "10"},
		{Name: "a", Value: "lower"},
		{Name: "B", Value: "upper"},
	}
	got := signing.AlibabaRPCStringToSign("POST", p)
	canonical, err := url.QueryUnescape(strings.TrimPrefix(got, "POST&%2F&"))
	require.NoError(t, err)
	assert.Equal(t, "B=upper&PortRanges.10.FromPort=10&PortRanges.2.FromPort=2&a=lower", canonical)
}

// The example of Tencent Cloud's API 2.0 "Signature" page: CVM
// DescribeInstances, SecretKey Gu5t9xGARNpq86cd98joQYCN3Cozk1qA.
func tencentDocParams(method string) signing.Params {
	return signing.ParamsFromValues(url.Values{
		"Action":          {"DescribeInstances"},
		"InstanceIds.0":   {"ins-09dx96dg"},
		"Nonce":           {"11886"},
		"Region":          {"ap-guangzhou"},
		"SecretId":        {"AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"},
		"SignatureMethod": {method},
		"Timestamp":       {"1465185768"},
	})
}

func TestTencentV2Signature_VendorExamples(t *testing.T) {
	const key = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"
	assert.Equal(t,
		"GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886"+
			"&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768",
		signing.TencentV2StringToSign("GET", "cvm.api.qcloud.com", "/v2/index.php", tencentDocParams(signing.HmacSHA256)))
	assert.Equal(t, "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=",
		signing.TencentV2Signature("GET", "cvm.api.qcloud.com", "/v2/index.php", tencentDocParams(signing.HmacSHA256), key, signing.HmacSHA256))
	assert.Equal(t, "nPVnY6njQmwQ8ciqbPl5Qe+Oru4=",
		signing.TencentV2Signature("GET", "cvm.api.qcloud.com", "/v2/index.php", tencentDocParams(signing.HmacSHA1), key, signing.HmacSHA1))
}

func TestTencentV2Signature_UnknownMethodIsSHA1(t *testing.T) {
	p := tencentDocParams(signing.HmacSHA1)
	assert.Equal(t,
		signing.TencentV2Signature("GET", "h", "/p", p, "k", signing.HmacSHA1),
		signing.TencentV2Signature("GET", "h", "/p", p, "k", ""))
}

func TestTencentV2StringToSign_Rules(t *testing.T) {
	p := signing.ParamsFromValues(url.Values{
		"Signature":                     {"ignored"},
		"listeners.0.healthRequest":     {"GET / HTTP/1.1\r\nHost:a.com\r\n\r\n"},
		"listeners.0.listenerName":      {"监听 a+b&c=d%"},
		"Placement_Zone":                {"CN_GUANGZHOU"},
		"loadBalancerId":                {"lb-1"},
		"Action":                        {"CreateBmListeners"},
		"listeners.10.loadBalancerPort": {"10"},
		"listeners.2.loadBalancerPort":  {"2"},
		"Empty":                         {""},
	})
	got := signing.TencentV2StringToSign("POST", "bmlb.api.qcloud.com", "/v2/index.php", p)
	// Byte order (capitals first, ".10" before ".2"), "_" to "." in names
	// only, raw values, Signature left out.
	assert.Equal(t, "POSTbmlb.api.qcloud.com/v2/index.php?Action=CreateBmListeners&Empty=&Placement.Zone=CN_GUANGZHOU"+
		"&listeners.0.healthRequest=GET / HTTP/1.1\r\nHost:a.com\r\n\r\n&listeners.0.listenerName=监听 a+b&c=d%"+
		"&listeners.10.loadBalancerPort=10&listeners.2.loadBalancerPort=2&loadBalancerId=lb-1", got)
}

func TestSignaturesAreDeterministic(t *testing.T) {
	p := tencentDocParams(signing.HmacSHA256)
	for i := 0; i < 20; i++ {
		assert.Equal(t, "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=",
			signing.TencentV2Signature("GET", "cvm.api.qcloud.com", "/v2/index.php", p, "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", signing.HmacSHA256))
		assert.Equal(t, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signing.AlibabaRPCSignature("GET", alibabaDocParams("Timestamp"), "testsecret"))
	}
}
