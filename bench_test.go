package listenerkit_test

// Benchmarks of issue 7: each client against a bare net/http baseline that
// sends the same, already-signed request to the same handler, in one run:
//
//	go test -run '^$' -bench . -benchmem -count 5 .
//
// ratio = BenchmarkGA/client ns/op ÷ BenchmarkGA/baseline ns/op, and so on.

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/signing"
)

const (
	gaSuccess   = `{"RequestId":"04F0F334-1335-436C-A1D7-6C044FE73368","ListenerId":"lsr-bp1bpn0kn908w4nbw"}`
	bmlbSuccess = `{"code":0,"message":"","codeDesc":"Success","requestId":100000}`
)

// handler answers the documented success body, and counts connections.
func newBenchServer(tb testing.TB, body string) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s, &conns
}

func benchTransport() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64 // the same as the SDK's default client
	return &http.Client{Transport: t}
}

func gaRequest() *ga.CreateListenerRequest {
	return &ga.CreateListenerRequest{AcceleratorID: "ga-bp1odcab8tmno0hdq", Name: "bench", ClientToken: "123e4567-e89b-12d3-a456-426655440000",
		PortRanges: []ga.PortRange{{FromPort: 10, ToPort: 10}, {FromPort: 20, ToPort: 30}, {FromPort: 40, ToPort: 40}, {FromPort: 50, ToPort: 60}}}
}

func bmlbRequest() *bmlb.CreateBmListenersRequest {
	ls := make([]bmlb.Listener, 10)
	for i := range ls {
		ls[i] = bmlb.Listener{LoadBalancerPort: 1000 + i, Protocol: bmlb.ProtocolTCP, ListenerName: "bench", HealthSwitch: true,
			TimeOut: 2, IntervalTime: 5, HealthNum: 3, UnhealthNum: 3, CustomHealthSwitch: true, InputType: bmlb.InputTypeText,
			LineSeparatorType: 3, HealthRequest: "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", HealthResponse: "HTTP/1.1 200 OK"}
	}
	return &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-abcdefgh", Listeners: ls}
}

func creds() signing.CredentialsProvider {
	return signing.NewStaticCredentials("LTAI5tBenchmarkKeyID", "benchmark-secret-value", "")
}

// signedGAForm is the request the client sends, signed once for the baseline.
func signedGAForm() string {
	p := url.Values{"Action": {"CreateListener"}, "Version": {"2019-11-20"}, "Format": {"JSON"}, "AccessKeyId": {"LTAI5tBenchmarkKeyID"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {"1234567890123"},
		"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}, "RegionId": {"cn-hangzhou"},
		"ClientToken": {"123e4567-e89b-12d3-a456-426655440000"}, "AcceleratorId": {"ga-bp1odcab8tmno0hdq"}, "Name": {"bench"},
		"Protocol": {"tcp"}, "ProxyProtocol": {"false"},
		"PortRanges.1.FromPort": {"10"}, "PortRanges.1.ToPort": {"10"}, "PortRanges.2.FromPort": {"20"}, "PortRanges.2.ToPort": {"30"},
		"PortRanges.3.FromPort": {"40"}, "PortRanges.3.ToPort": {"40"}, "PortRanges.4.FromPort": {"50"}, "PortRanges.4.ToPort": {"60"}}
	p.Set("Signature", signing.AlibabaRPCSignature("POST", signing.ParamsFromValues(p), "benchmark-secret-value"))
	return p.Encode()
}

func signedBMLBForm(host string) string {
	p := url.Values{"Action": {"CreateBmListeners"}, "Region": {"bj"}, "Timestamp": {"1507728683"}, "Nonce": {"61431"},
		"SecretId": {"LTAI5tBenchmarkKeyID"}, "SignatureMethod": {"HmacSHA256"}, "loadBalancerId": {"lb-abcdefgh"}}
	for i := 0; i < 10; i++ {
		pre := "listeners." + itoa(i) + "."
		for k, v := range map[string]string{"loadBalancerPort": itoa(1000 + i), "protocol": "tcp", "listenerName": "bench", "healthSwitch": "1",
			"timeOut": "2", "intervalTime": "5", "healthNum": "3", "unhealthNum": "3", "customHealthSwitch": "1", "inputType": "text",
			"lineSeparatorType": "3", "healthRequest": "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", "healthResponse": "HTTP/1.1 200 OK"} {
			p.Set(pre+k, v)
		}
	}
	p.Set("Signature", signing.TencentV2Signature("POST", host, "/v2/index.php", signing.ParamsFromValues(p), "benchmark-secret-value", signing.HmacSHA256))
	return p.Encode()
}

func itoa(n int) string { return strconv.Itoa(n) }

func runtimeGOMAXPROCS() int { return runtime.GOMAXPROCS(0) }

func BenchmarkGA(b *testing.B) {
	s, _ := newBenchServer(b, gaSuccess)
	b.Run("client", func(b *testing.B) {
		c, err := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(creds()), ga.WithHTTPClient(benchTransport()))
		if err != nil {
			b.Fatal(err)
		}
		req := gaRequest()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.CreateListener(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		hc, form := benchTransport(), signedGAForm()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			resp, err := hc.Post(s.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			var out ga.CreateListenerResponse
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkBMLB(b *testing.B) {
	s, _ := newBenchServer(b, bmlbSuccess)
	b.Run("client", func(b *testing.B) {
		c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(s.URL+"/v2/index.php"), bmlb.WithCredentials(creds()), bmlb.WithHTTPClient(benchTransport()))
		if err != nil {
			b.Fatal(err)
		}
		req := bmlbRequest()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.CreateBmListeners(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		hc, form := benchTransport(), signedBMLBForm(strings.TrimPrefix(s.URL, "http://"))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			resp, err := hc.Post(s.URL+"/v2/index.php", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			var out bmlb.CreateBmListenersResponse
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// 64 goroutines (SetParallelism(32) on this 2-core machine) share one client,
// or one bare http.Client. Each goroutine creates on its own accelerator:
// GA takes one create per accelerator at a time, and the client queues
// creates on one accelerator, so 64 goroutines on one accelerator would
// measure that queue, not the client.
func BenchmarkGAParallel64(b *testing.B) {
	s, _ := newBenchServer(b, gaSuccess)
	b.Run("client", func(b *testing.B) {
		c, _ := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(creds()), ga.WithHTTPClient(benchTransport()))
		var goroutines atomic.Int64
		b.SetParallelism(64 / max(1, runtimeGOMAXPROCS()))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			req := gaRequest()
			req.AcceleratorID = "ga-bench-" + itoa(int(goroutines.Add(1)))
			for pb.Next() {
				if _, err := c.CreateListener(context.Background(), req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("baseline", func(b *testing.B) {
		hc, form := benchTransport(), signedGAForm()
		b.SetParallelism(64 / max(1, runtimeGOMAXPROCS()))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := hc.Post(s.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(form))
				if err != nil {
					b.Error(err)
					return
				}
				var out ga.CreateListenerResponse
				body, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				_ = json.Unmarshal(body, &out)
			}
		})
	})
}

// benchPair runs a call of the client against the same call made bare:
// form, already signed, POSTed to path and its answer decoded into out.
func benchPair(b *testing.B, client func() error, path, form string, out func() any) {
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := client(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		hc := benchTransport()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			resp, err := hc.Post(path, "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err := json.Unmarshal(body, out()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

const gaDescribeAnswer = `{"RequestId":"6FEA0CF3-D3B9-43E5-A304-D217037876A8","ListenerId":"lsr-bp1bpn0kn908w4nbw0000",
 "AcceleratorId":"ga-bp1odcab8tmno0hdq0000","Name":"web","Description":"","State":"active",
 "CreateTime":"1577786252000","Protocol":"tcp","ClientAffinity":"SOURCE_IP","ProxyProtocol":false,
 "PortRanges":[{"FromPort":20,"ToPort":20}],"Certificates":[{"Id":"449****-cn-hangzhou","Type":"Server"}]}`

// DescribeListener, the GA waiters' poll, against the same call made bare.
func BenchmarkGADescribeListener(b *testing.B) {
	s, _ := newBenchServer(b, gaDescribeAnswer)
	c, err := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(creds()), ga.WithHTTPClient(benchTransport()))
	if err != nil {
		b.Fatal(err)
	}
	p := url.Values{"Action": {"DescribeListener"}, "Version": {"2019-11-20"}, "Format": {"JSON"}, "AccessKeyId": {"LTAI5tBenchmarkKeyID"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {"1234567890123"},
		"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}, "RegionId": {"cn-hangzhou"}, "ListenerId": {"lsr-bp1bpn0kn908w4nbw0000"}}
	p.Set("Signature", signing.AlibabaRPCSignature("POST", signing.ParamsFromValues(p), "benchmark-secret-value"))
	req := &ga.DescribeListenerRequest{ListenerID: "lsr-bp1bpn0kn908w4nbw0000"}
	benchPair(b, func() error { _, err := c.DescribeListener(context.Background(), req); return err },
		s.URL+"/", p.Encode(), func() any { return &ga.DescribeListenerResponse{} })
}

// DescribeBmLoadBalancersTaskResult, the BMLB task waiter's poll.
func BenchmarkBMLBTaskResult(b *testing.B) {
	const answer = `{"code":0,"message":"","codeDesc":"Success","data":{"status":0}}`
	s, _ := newBenchServer(b, answer)
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(s.URL+"/v2/index.php"), bmlb.WithCredentials(creds()), bmlb.WithHTTPClient(benchTransport()))
	if err != nil {
		b.Fatal(err)
	}
	p := url.Values{"Action": {"DescribeBmLoadBalancersTaskResult"}, "Region": {"bj"}, "Timestamp": {"1507728683"}, "Nonce": {"61431"},
		"SecretId": {"LTAI5tBenchmarkKeyID"}, "SignatureMethod": {"HmacSHA256"}, "requestId": {"100000"}}
	p.Set("Signature", signing.TencentV2Signature("POST", strings.TrimPrefix(s.URL, "http://"), "/v2/index.php", signing.ParamsFromValues(p), "benchmark-secret-value", signing.HmacSHA256))
	benchPair(b, func() error { _, err := c.DescribeBmLoadBalancersTaskResult(context.Background(), 100000); return err },
		s.URL+"/v2/index.php", p.Encode(), func() any { return &map[string]any{} })
}

// 1,000 sequential calls reuse one TCP connection.
func TestConnectionReuse(t *testing.T) {
	gs, gaConns := newBenchServer(t, gaSuccess)
	bs, bmConns := newBenchServer(t, bmlbSuccess)
	gc, err := ga.NewClient(ga.WithEndpoint(gs.URL), ga.WithCredentials(creds()))
	if err != nil {
		t.Fatal(err)
	}
	bc, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(bs.URL+"/v2/index.php"), bmlb.WithCredentials(creds()))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := gc.CreateListener(context.Background(), gaRequest()); err != nil {
			t.Fatal(err)
		}
		if _, err := bc.CreateBmListeners(context.Background(), bmlbRequest()); err != nil {
			t.Fatal(err)
		}
	}
	if n := gaConns.Load(); n != 1 {
		t.Errorf("GA: 1,000 calls opened %d connections, want 1", n)
	}
	if n := bmConns.Load(); n != 1 {
		t.Errorf("BMLB: 1,000 calls opened %d connections, want 1", n)
	}
}
