package bmlb

import (
	"testing"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/signing"
)

// BenchmarkLocalWork is validate + flatten + sign + encode of 10 listeners
// with custom health checks, no network (issue 7's "local work alone"): the
// code CreateBmListeners runs before handing bytes to resty.
func BenchmarkLocalWork(b *testing.B) {
	ls := make([]Listener, 10)
	for i := range ls {
		ls[i] = Listener{LoadBalancerPort: 1000 + i, Protocol: ProtocolTCP, ListenerName: "bench", HealthSwitch: true,
			TimeOut: 2, IntervalTime: 5, HealthNum: 3, UnhealthNum: 3, CustomHealthSwitch: true, InputType: InputTypeText,
			LineSeparatorType: 3, HealthRequest: "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", HealthResponse: "HTTP/1.1 200 OK"}
	}
	req := &CreateBmListenersRequest{LoadBalancerID: "lb-abcdefgh", Listeners: ls}
	d := newDialect("bj", signing.HmacSHA256)
	a := &transport.Attempt{Credentials: signing.Credentials{ID: "AKIDBenchmarkSecretID", Secret: "benchmark-secret-value"},
		Method: "GET", Host: "bmlb.api.qcloud.com", Path: "/v2/index.php", Time: time.Now(), Nonce: 61431}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
		p, err := req.params()
		if err != nil {
			b.Fatal(err)
		}
		transport.SignedQuery(nil, d, "CreateBmListeners", p, a)
	}
}
