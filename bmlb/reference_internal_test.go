package bmlb

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
	bw, zero := 5, 0
	every := Listener{LoadBalancerPort: 1234, Protocol: ProtocolTCP, ListenerName: "tcp test&=", SessionExpire: 900, HealthSwitch: true,
		TimeOut: 6, IntervalTime: 10, HealthNum: 8, UnhealthNum: 8, Bandwidth: &bw, CustomHealthSwitch: true, InputType: InputTypeText,
		LineSeparatorType: 3, HealthRequest: "GET / HTTP/1.1\\r\\nHost:a.com\\r\\n\\r\\n", HealthResponse: "HTTP/1.1 200 OK", ToaFlag: true}
	for name, r := range map[string]*CreateBmListenersRequest{
		"every field":       {LoadBalancerID: "lb-1", Listeners: []Listener{every, {LoadBalancerPort: 53, Protocol: ProtocolUDP, ListenerName: "dns", Bandwidth: &zero}}},
		"only the required": {LoadBalancerID: "lb-1", Listeners: []Listener{{LoadBalancerPort: 1, Protocol: ProtocolUDP, ListenerName: "n"}}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := r.params()
			require.NoError(t, err)
			want, err := query.Values(&wireParams{LoadBalancerID: r.LoadBalancerID, Listeners: r.Listeners})
			require.NoError(t, err)
			have := url.Values{}
			for _, p := range got {
				have.Add(p.Name, p.Value)
			}
			assert.Equal(t, want, have)
		})
	}
}
