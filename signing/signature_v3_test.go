package signing_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Alibaba Cloud's published example of signature V3 ("Request syntax and
// signature method V3", quoted in issue 16): RunInstances on ECS, empty
// body, secret YourAccessKeySecret.
func v3DocRequest() signing.AlibabaV3Request {
	empty := signing.HexSHA256(nil)
	return signing.AlibabaV3Request{
		Method: "POST",
		Path:   "/",
		Query: signing.Params{
			{Name: "RegionId", Value: "cn-shanghai"},
			{Name: "ImageId", Value: "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
		},
		Headers: signing.Params{
			{Name: "x-acs-version", Value: "2014-05-26"},
			{Name: "host", Value: "ecs.cn-shanghai.aliyuncs.com"},
			{Name: "x-acs-action", Value: "RunInstances"},
			{Name: "x-acs-date", Value: "2023-10-26T09:01:01Z"},
			{Name: "x-acs-signature-nonce", Value: "d410180a5abf7fe235dd9b74aca91fc0"},
			{Name: "x-acs-content-sha256", Value: empty},
			{Name: "User-Agent", Value: "not signed"},
		},
		HashedPayload: empty,
	}
}

func TestAlibabaV3Signature_VendorExample(t *testing.T) {
	r := v3DocRequest()
	canonical, signed := signing.AlibabaV3CanonicalRequest(r)
	assert.Equal(t, "POST\n/\n"+
		"ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"+
		"host:ecs.cn-shanghai.aliyuncs.com\n"+
		"x-acs-action:RunInstances\n"+
		"x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"+
		"x-acs-date:2023-10-26T09:01:01Z\n"+
		"x-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\n"+
		"x-acs-version:2014-05-26\n"+
		"\n"+
		"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"+
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", canonical)
	assert.Equal(t, "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", signed)

	sig, _ := signing.AlibabaV3Signature(r, "YourAccessKeySecret")
	assert.Equal(t, "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804", sig)
	assert.Equal(t, "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders="+signed+",Signature="+sig,
		signing.AlibabaV3Authorization("YourAccessKeyId", signed, sig))

	// The same, computed with crypto/hmac from the string to sign.
	mac := hmac.New(sha256.New, []byte("YourAccessKeySecret"))
	mac.Write([]byte(signing.AlibabaV3StringToSign(canonical)))
	assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), sig)
}

func TestAlibabaV3Signature_HeaderCaseSpacesAndOrderDoNotMatter(t *testing.T) {
	r := v3DocRequest()
	want, _ := signing.AlibabaV3Signature(r, "YourAccessKeySecret")
	r.Headers[0] = signing.Param{Name: " X-ACS-Version ", Value: "  2014-05-26 "}
	r.Query[0], r.Query[1] = r.Query[1], r.Query[0]
	got, _ := signing.AlibabaV3Signature(r, "YourAccessKeySecret")
	assert.Equal(t, want, got)

	// Every signed part changes the signature.
	for _, change := range []func(*signing.AlibabaV3Request){
		func(r *signing.AlibabaV3Request) { r.Method = "GET" },
		func(r *signing.AlibabaV3Request) { r.Query[0].Value += "x" },
		func(r *signing.AlibabaV3Request) { r.Headers[2].Value = "StopInstances" },
		func(r *signing.AlibabaV3Request) { r.HashedPayload = signing.HexSHA256([]byte("a=b")) },
		func(r *signing.AlibabaV3Request) {
			r.Headers = append(r.Headers, signing.Param{Name: "content-type", Value: "application/x-www-form-urlencoded"})
		},
	} {
		r := v3DocRequest()
		change(&r)
		got, _ := signing.AlibabaV3Signature(r, "YourAccessKeySecret")
		assert.NotEqual(t, want, got)
	}
	// Unsigned headers do not.
	r = v3DocRequest()
	r.Headers = append(r.Headers, signing.Param{Name: "Accept", Value: "application/json"})
	got, _ = signing.AlibabaV3Signature(r, "YourAccessKeySecret")
	assert.Equal(t, want, got)
}
