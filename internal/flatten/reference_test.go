package flatten_test

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/signing"
)

// asValues is a parameter list as url.Values, for comparing with
// go-querystring's.
func asValues(p signing.Params) url.Values {
	v := url.Values{}
	for _, x := range p {
		v.Add(x.Name, x.Value)
	}
	return v
}

// agreesWithReference fails t unless flatten and go-querystring encode v
// to the same parameters.
func agreesWithReference(t testing.TB, v any) {
	t.Helper()
	got, err := flatten.Values(v)
	require.NoError(t, err)
	want, err := query.Values(v)
	require.NoError(t, err)
	if g := asValues(got); len(want) != len(g) || want.Encode() != g.Encode() {
		t.Fatalf("flatten and go-querystring differ:\nflatten:       %s\ngo-querystring: %s", g.Encode(), want.Encode())
	}
}

func TestAgreesWithGoQuerystring(t *testing.T) {
	bw, zero := 5, 0
	for _, v := range []any{
		alibabaRequest{},
		alibabaRequest{Name: "监听 a+b", ProxyProtocol: true, PortRanges: []portRange{{20, 20}, {30, 40}}, Certificates: []certificate{{"c-1"}}},
		&alibabaRequest{Listeners: []tencentEntry{{Port: 80, Health: true, Toa: true, Bandwidth: &bw, Timeout: 2}, {Bandwidth: &zero}, {}}},
	} {
		agreesWithReference(t, v)
	}
}
