package ga

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// go-querystring, the slow and obviously right reference, encodes every
// field of a request to exactly the parameters the fast flattener makes.
func TestParamsAgreeWithGoQuerystring(t *testing.T) {
	for name, r := range map[string]*CreateListenerRequest{
		"every field": {RegionID: DefaultRegionID, ClientToken: "tok", AcceleratorID: "ga-1", Name: "监听 a+b&c", Description: "d=e;f",
			ClientAffinity: ClientAffinitySourceIP, Protocol: ProtocolHTTPS, ProxyProtocol: true,
			PortRanges:   []PortRange{{FromPort: 443, ToPort: 443}, {FromPort: 8000, ToPort: 8010}},
			Certificates: []Certificate{{ID: "449-cn-hangzhou"}, {ID: "450"}}},
		"only the required": {AcceleratorID: "ga-1", PortRanges: []PortRange{{FromPort: 1, ToPort: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := r.params(r.ClientToken)
			require.NoError(t, err)
			w := r.wire(r.ClientToken)
			want, err := query.Values(&w)
			require.NoError(t, err)
			have := url.Values{}
			for _, p := range got {
				have.Add(p.Name, p.Value)
			}
			assert.Equal(t, want, have)
		})
	}
}
