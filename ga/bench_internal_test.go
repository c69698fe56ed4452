package ga

import (
	"testing"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/signing"
)

// BenchmarkLocalWork is validate + flatten + sign + encode of a 4-range
// request, no network (issue 7's "local work alone"): the code
// CreateListener runs before handing bytes to resty.
func BenchmarkLocalWork(b *testing.B) {
	req := &CreateListenerRequest{AcceleratorID: "ga-bp1odcab8tmno0hdq", Name: "bench", ClientToken: "123e4567-e89b-12d3-a456-426655440000",
		PortRanges: []PortRange{{10, 10}, {20, 30}, {40, 40}, {50, 60}}}
	a := &transport.Attempt{Credentials: signing.Credentials{ID: "LTAI5tBenchmarkKeyID", Secret: "benchmark-secret-value"},
		Method: "POST", Host: "ga.cn-hangzhou.aliyuncs.com", Path: "/", Time: time.Now(), Nonce: 1234567890123}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
		p, err := req.params(req.ClientToken)
		if err != nil {
			b.Fatal(err)
		}
		transport.SignedQuery(nil, dialect, "CreateListener", p, a)
	}
}
