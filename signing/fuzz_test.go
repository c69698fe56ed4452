package signing_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/listenerkit/listenerkit-go/signing"
)

// What a client signs, a service verifies after the parameters crossed the
// wire: the client sends p.AppendQuery (in whatever order it holds p), the
// service parses the form, lists it with ParamsFromValues and signs that.
// For any names and values, both vendors, both Tencent hashes.
func FuzzSignaturesSurviveTheWire(f *testing.F) {
	f.Add("Name", "监听 a+b&c=d%~*", "B", "x")
	f.Add("listeners.0.healthRequest", "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", "listeners.10.port", "1")
	f.Add("Placement_Zone", "", "Placement.Zone", "")
	f.Add("a-", "1", "a", "2")
	f.Add("~", "\x7f", "\x7f", "~")
	f.Fuzz(func(t *testing.T, name1, value1, name2, value2 string) {
		if name1 == "" || name2 == "" || name1 == "Signature" || name2 == "Signature" || name1 == name2 {
			t.Skip()
		}
		sent := signing.Params{{Name: name2, Value: value2}, {Name: "Action", Value: "CreateListener"}, {Name: name1, Value: value1}}
		form, err := url.ParseQuery(string(sent.AppendQuery(nil)))
		if err != nil {
			t.Fatalf("AppendQuery %q does not parse: %v", sent.AppendQuery(nil), err)
		}
		received := signing.ParamsFromValues(form)
		if len(received) != len(sent) {
			t.Fatalf("sent %q, received %q", sent, received)
		}
		if got, want := signing.AlibabaRPCSignature("POST", received, "secret"), signing.AlibabaRPCSignature("POST", sent, "secret"); got != want {
			t.Fatalf("Alibaba: verified %s, signed %s", got, want)
		}
		if got, want := signing.AlibabaRPCStringToSign("POST", sent), alibabaReference("POST", sent); got != want {
			t.Fatalf("Alibaba string to sign:\n got %q\nwant %q", got, want)
		}
		for _, m := range []string{signing.HmacSHA1, signing.HmacSHA256} {
			if got, want := signing.TencentV2Signature("GET", "h", "/p", received, "k", m), signing.TencentV2Signature("GET", "h", "/p", sent, "k", m); got != want {
				t.Fatalf("Tencent %s: verified %s, signed %s", m, got, want)
			}
		}
	})
}

// alibabaReference is the Alibaba string to sign built the slow, obvious
// way the vendor describes: encode every name and value, sort by encoded
// name (then value), join, encode again.
func alibabaReference(method string, p signing.Params) string {
	enc := func(s string) string { return string(signing.AppendPercentEncoded(nil, s)) }
	pairs := make([][2]string, 0, len(p))
	for _, kv := range p {
		pairs = append(pairs, [2]string{enc(kv.Name), enc(kv.Value)})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	joined := make([]string, len(pairs))
	for i, kv := range pairs {
		joined[i] = kv[0] + "=" + kv[1]
	}
	return method + "&%2F&" + enc(strings.Join(joined, "&"))
}
