package signing_test

import (
	"net/url"
	"testing"

	"github.com/listenerkit/listenerkit-go/signing"
)

// What a client signs, a service verifies after the parameters crossed the
// wire (form-encoded, decoded): for any name and value.
func FuzzSignaturesSurviveTheWire(f *testing.F) {
	f.Add("Name", "监听 a+b&c=d%~*")
	f.Add("listeners.0.healthRequest", "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n")
	f.Add("Placement_Zone", "")
	f.Fuzz(func(t *testing.T, name, value string) {
		if name == "" || name == "Signature" {
			t.Skip()
		}
		sent := url.Values{"Action": {"CreateListener"}, name: {value}}
		received, err := url.ParseQuery(sent.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := signing.AlibabaRPCSignature("POST", received, "secret"), signing.AlibabaRPCSignature("POST", sent, "secret"); got != want {
			t.Fatalf("Alibaba: verified %s, signed %s", got, want)
		}
		for _, m := range []string{signing.HmacSHA1, signing.HmacSHA256} {
			if got, want := signing.TencentV2Signature("GET", "h", "/p", received, "k", m), signing.TencentV2Signature("GET", "h", "/p", sent, "k", m); got != want {
				t.Fatalf("Tencent %s: verified %s, signed %s", m, got, want)
			}
		}
	})
}
