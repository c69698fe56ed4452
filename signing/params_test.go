package signing_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/listenerkit/listenerkit-go/signing"
)

func TestParamsFromValuesSortsByNameThenValue(t *testing.T) {
	got := signing.ParamsFromValues(url.Values{"b": {"2", "1"}, "B": {"x"}, "a.10": {""}, "a.2": {""}})
	assert.Equal(t, signing.Params{{"B", "x"}, {"a.10", ""}, {"a.2", ""}, {"b", "1"}, {"b", "2"}}, got)
	assert.True(t, got.Sorted())
	assert.Equal(t, url.Values{"b": {"1", "2"}, "B": {"x"}, "a.10": {""}, "a.2": {""}}, got.Values())
	assert.Equal(t, "1", got.Get("b"))
	assert.Equal(t, "", got.Get("missing"))
}

func TestMergeSortedKeepsOrderAndEveryParam(t *testing.T) {
	a := signing.Params{{"Action", "x"}, {"Nonce", "1"}, {"listeners.0.port", "80"}, {"listeners.1.port", "81"}}
	b := signing.Params{{"Region", "bj"}, {"SecretId", "id"}, {"Timestamp", "2"}}
	got := signing.MergeSorted(a, b)
	assert.True(t, got.Sorted())
	assert.Len(t, got, 7)
	assert.Equal(t, signing.Params{{"Action", "x"}, {"Nonce", "1"}, {"Region", "bj"}, {"SecretId", "id"}, {"Timestamp", "2"},
		{"listeners.0.port", "80"}, {"listeners.1.port", "81"}}, got)
	assert.Equal(t, a, signing.MergeSorted(a, nil))
	assert.Equal(t, b, signing.MergeSorted(nil, b))
}

func TestAppendQueryIsAFormThatParsesBack(t *testing.T) {
	p := signing.Params{{"Name", "监听 a+b&c=d%~*"}, {"Signature", "left out"}, {"x", ""}}
	q := string(p.AppendQuery(nil))
	assert.Equal(t, "Name=%E7%9B%91%E5%90%AC%20a%2Bb%26c%3Dd%25~%2A&x=", q)
	back, err := url.ParseQuery(q)
	assert.NoError(t, err)
	assert.Equal(t, url.Values{"Name": {"监听 a+b&c=d%~*"}, "x": {""}}, back)
	assert.LessOrEqual(t, len(q), p.EncodedLen())
}

// The signature does not depend on the order of the list, and signing does
// not reorder the caller's list.
func TestSignaturesIgnoreOrderAndLeaveTheListAlone(t *testing.T) {
	sorted := signing.Params{{"A", "1"}, {"B", "2"}, {"C", "3"}}
	shuffled := signing.Params{{"C", "3"}, {"A", "1"}, {"B", "2"}}
	before := append(signing.Params(nil), shuffled...)
	assert.Equal(t, signing.AlibabaRPCSignature("POST", sorted, "s"), signing.AlibabaRPCSignature("POST", shuffled, "s"))
	assert.Equal(t, signing.TencentV2Signature("GET", "h", "/", sorted, "s", signing.HmacSHA256),
		signing.TencentV2Signature("GET", "h", "/", shuffled, "s", signing.HmacSHA256))
	assert.Equal(t, before, shuffled)
}

// Alibaba sorts by the encoded names: "~" (kept) sorts after "\x7f"
// (encoded "%7F"), though in raw bytes it is before; "a-" after "a%2A".
func TestAlibabaSortsByEncodedName(t *testing.T) {
	got := signing.AlibabaRPCStringToSign("GET", signing.Params{{"~", "1"}, {"\x7f", "2"}, {"a-", "3"}, {"a*", "4"}})
	canonical, err := url.QueryUnescape(got[len("GET&%2F&"):])
	assert.NoError(t, err)
	assert.Equal(t, "%7F=2&a%2A=4&a-=3&~=1", canonical)
}
