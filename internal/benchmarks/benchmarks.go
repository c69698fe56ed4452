// Package benchmarks holds the SDK's performance benchmarks as pairs: each
// call of a client and the same call made bare (a plain net/http POST of the
// same, already-signed form to the same httptest handler, decoding the same
// JSON). The bare call is the baseline: the ratio client ÷ baseline is the
// SDK's own cost.
//
// Two ways to run them:
//
//	go run ./internal/benchmarks/ratio        # interleaved rounds: the figures README reports
//	go test -run '^$' -bench . -benchmem ./internal/benchmarks   # plain benchmarks, for profiling
//
// The ratio command runs client and baseline in shuffled order round after
// round and reports the median of the per-round ratios with their spread,
// so that the machine's drift lands in both sides of each ratio.
package benchmarks

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

// Pair is one call of a client and its bare baseline.
type Pair struct {
	Name string
	// Parallel pairs run with b.RunParallel at 64 goroutines.
	Parallel bool
	// Setup starts the pair's server and clients and returns the two
	// benchmark bodies and what stops the server.
	Setup func() (client, baseline func(*testing.B), stop func())
}

// Pairs are the benchmarks, in README's order.
func Pairs() []Pair {
	return []Pair{
		{Name: "GA CreateListener, 4 ranges", Setup: gaCreate},
		{Name: "BMLB CreateBmListeners, 10 listeners with custom checks", Setup: bmlbCreate},
		{Name: "GA CreateListener, 64 goroutines on one client", Parallel: true, Setup: gaCreateParallel},
		{Name: "GA DescribeListener (the waiter's poll)", Setup: gaDescribe},
		{Name: "BMLB DescribeBmLoadBalancersTaskResult (the waiter's poll)", Setup: bmlbTaskResult},
	}
}

const (
	secret      = "benchmark-secret-value"
	keyID       = "LTAI5tBenchmarkKeyID"
	gaSuccess   = `{"RequestId":"04F0F334-1335-436C-A1D7-6C044FE73368","ListenerId":"lsr-bp1bpn0kn908w4nbw"}`
	bmlbSuccess = `{"code":0,"message":"","codeDesc":"Success","requestId":100000}`
	gaDescribed = `{"RequestId":"6FEA0CF3-D3B9-43E5-A304-D217037876A8","ListenerId":"lsr-bp1bpn0kn908w4nbw0000",
 "AcceleratorId":"ga-bp1odcab8tmno0hdq0000","Name":"web","Description":"","State":"active",
 "CreateTime":"1577786252000","Protocol":"tcp","ClientAffinity":"SOURCE_IP","ProxyProtocol":false,
 "PortRanges":[{"FromPort":20,"ToPort":20}],"Certificates":[{"Id":"449****-cn-hangzhou","Type":"Server"}]}`
	taskDone = `{"code":0,"message":"","codeDesc":"Success","data":{"status":0}}`
)

// Server answers body to every request and counts the connections it
// accepted.
type Server struct {
	*httptest.Server
	Conns atomic.Int64
}

// NewServer starts a loopback server that reads each request and answers
// body.
func NewServer(body string) *Server {
	s := &Server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.Conns.Add(1)
		}
	}
	s.Start()
	return s
}

// HTTPClient is what both sides send through: net/http's default
// transport with the SDK's default idle-connection limit.
func HTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}

// Credentials are the benchmark's static keys.
func Credentials() signing.CredentialsProvider {
	return signing.NewStaticCredentials(keyID, secret, "")
}

// GARequest is a CreateListener of 4 ranges.
func GARequest() *ga.CreateListenerRequest {
	return &ga.CreateListenerRequest{AcceleratorID: "ga-bp1odcab8tmno0hdq", Name: "bench", ClientToken: "123e4567-e89b-12d3-a456-426655440000",
		Protocol:   ga.ProtocolTCP,
		PortRanges: []ga.PortRange{{FromPort: 10, ToPort: 10}, {FromPort: 20, ToPort: 30}, {FromPort: 40, ToPort: 40}, {FromPort: 50, ToPort: 60}}}
}

// BMLBRequest is a CreateBmListeners of 10 listeners with custom checks.
func BMLBRequest() *bmlb.CreateBmListenersRequest {
	ls := make([]bmlb.Listener, 10)
	for i := range ls {
		ls[i] = bmlb.Listener{LoadBalancerPort: 1000 + i, Protocol: bmlb.ProtocolTCP, ListenerName: "bench", HealthSwitch: true,
			TimeOut: 2, IntervalTime: 5, HealthNum: 3, UnhealthNum: 3, CustomHealthSwitch: true, InputType: bmlb.InputTypeText,
			LineSeparatorType: 3, HealthRequest: "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n", HealthResponse: "HTTP/1.1 200 OK"}
	}
	return &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-abcdefgh", Listeners: ls}
}

// gaForm signs p (an Alibaba RPC call's own parameters) with the common
// parameters, once, for a baseline.
func gaForm(action string, p url.Values) string {
	for k, v := range map[string]string{"Action": action, "Version": ga.APIVersion, "Format": "JSON", "AccessKeyId": keyID,
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": "1234567890123",
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z")} {
		p.Set(k, v)
	}
	p.Set("Signature", signing.AlibabaRPCSignature("POST", signing.ParamsFromValues(p), secret))
	return p.Encode()
}

// bmlbForm signs p (a Tencent 2.0 call's own parameters) for host, once.
func bmlbForm(action, host string, p url.Values) string {
	for k, v := range map[string]string{"Action": action, "Region": "bj", "Timestamp": "1507728683", "Nonce": "61431",
		"SecretId": keyID, "SignatureMethod": signing.HmacSHA256} {
		p.Set(k, v)
	}
	p.Set("Signature", signing.TencentV2Signature("POST", host, "/v2/index.php", signing.ParamsFromValues(p), secret, signing.HmacSHA256))
	return p.Encode()
}

// bare POSTs form to endpoint and decodes the answer into a new out().
func bare(hc *http.Client, endpoint, form string, out func() any) error {
	resp, err := hc.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	return json.Unmarshal(body, out())
}

// loop runs call b.N times (or in parallel), failing b on an error.
func loop(parallel bool, call func() error) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		if !parallel {
			for i := 0; i < b.N; i++ {
				if err := call(); err != nil {
					b.Fatal(err)
				}
			}
			return
		}
		b.SetParallelism(max(1, 64/max(1, runtime.GOMAXPROCS(0))))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
}

func gaCreate() (func(*testing.B), func(*testing.B), func()) {
	s := NewServer(gaSuccess)
	c, _ := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(Credentials()), ga.WithHTTPClient(HTTPClient()))
	req := GARequest()
	hc, form := HTTPClient(), gaForm("CreateListener", gaParams())
	return loop(false, func() error { _, err := c.CreateListener(context.Background(), req); return err }),
		loop(false, func() error { return bare(hc, s.URL+"/", form, func() any { return &ga.CreateListenerResponse{} }) }),
		s.Close
}

// gaParams are GARequest's own parameters.
func gaParams() url.Values {
	return url.Values{"RegionId": {"cn-hangzhou"}, "ClientToken": {"123e4567-e89b-12d3-a456-426655440000"},
		"AcceleratorId": {"ga-bp1odcab8tmno0hdq"}, "Name": {"bench"}, "Protocol": {"tcp"}, "ProxyProtocol": {"false"},
		"PortRanges.1.FromPort": {"10"}, "PortRanges.1.ToPort": {"10"}, "PortRanges.2.FromPort": {"20"}, "PortRanges.2.ToPort": {"30"},
		"PortRanges.3.FromPort": {"40"}, "PortRanges.3.ToPort": {"40"}, "PortRanges.4.FromPort": {"50"}, "PortRanges.4.ToPort": {"60"}}
}

func bmlbCreate() (func(*testing.B), func(*testing.B), func()) {
	s := NewServer(bmlbSuccess)
	c, _ := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(s.URL+"/v2/index.php"), bmlb.WithCredentials(Credentials()),
		bmlb.WithHTTPClient(HTTPClient()))
	req := BMLBRequest()
	p := url.Values{"loadBalancerId": {"lb-abcdefgh"}}
	for i := 0; i < 10; i++ {
		pre := "listeners." + strconv.Itoa(i) + "."
		for k, v := range map[string]string{"loadBalancerPort": strconv.Itoa(1000 + i), "protocol": "tcp", "listenerName": "bench",
			"healthSwitch": "1", "timeOut": "2", "intervalTime": "5", "healthNum": "3", "unhealthNum": "3", "customHealthSwitch": "1",
			"inputType": "text", "lineSeparatorType": "3", "healthRequest": "GET / HTTP/1.1\r\nHost:a.com\r\n\r\n",
			"healthResponse": "HTTP/1.1 200 OK"} {
			p.Set(pre+k, v)
		}
	}
	hc, form := HTTPClient(), bmlbForm("CreateBmListeners", strings.TrimPrefix(s.URL, "http://"), p)
	return loop(false, func() error { _, err := c.CreateBmListeners(context.Background(), req); return err }),
		loop(false, func() error {
			return bare(hc, s.URL+"/v2/index.php", form, func() any { return &bmlb.CreateBmListenersResponse{} })
		}),
		s.Close
}

// gaCreateParallel: 64 goroutines share one client, or one bare
// http.Client. Each call goes to one of 64 accelerators: a client lets one
// create at a time reach an accelerator (the service takes no more), so 64
// goroutines on one accelerator would measure that queue.
func gaCreateParallel() (func(*testing.B), func(*testing.B), func()) {
	s := NewServer(gaSuccess)
	c, _ := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(Credentials()), ga.WithHTTPClient(HTTPClient()))
	reqs := make([]*ga.CreateListenerRequest, 64)
	for i := range reqs {
		reqs[i] = GARequest()
		reqs[i].AcceleratorID = "ga-bench-" + strconv.Itoa(i)
	}
	var next atomic.Int64
	hc, form := HTTPClient(), gaForm("CreateListener", gaParams())
	return loop(true, func() error {
			_, err := c.CreateListener(context.Background(), reqs[next.Add(1)%64])
			return err
		}),
		loop(true, func() error { return bare(hc, s.URL+"/", form, func() any { return &ga.CreateListenerResponse{} }) }),
		s.Close
}

func gaDescribe() (func(*testing.B), func(*testing.B), func()) {
	s := NewServer(gaDescribed)
	c, _ := ga.NewClient(ga.WithEndpoint(s.URL), ga.WithCredentials(Credentials()), ga.WithHTTPClient(HTTPClient()))
	req := &ga.DescribeListenerRequest{ListenerID: "lsr-bp1bpn0kn908w4nbw0000"}
	hc, form := HTTPClient(), gaForm("DescribeListener", url.Values{"RegionId": {"cn-hangzhou"}, "ListenerId": {"lsr-bp1bpn0kn908w4nbw0000"}})
	return loop(false, func() error { _, err := c.DescribeListener(context.Background(), req); return err }),
		loop(false, func() error { return bare(hc, s.URL+"/", form, func() any { return &ga.DescribeListenerResponse{} }) }),
		s.Close
}

func bmlbTaskResult() (func(*testing.B), func(*testing.B), func()) {
	s := NewServer(taskDone)
	c, _ := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(s.URL+"/v2/index.php"), bmlb.WithCredentials(Credentials()),
		bmlb.WithHTTPClient(HTTPClient()))
	hc, form := HTTPClient(), bmlbForm("DescribeBmLoadBalancersTaskResult", strings.TrimPrefix(s.URL, "http://"), url.Values{"requestId": {"100000"}})
	type answer struct {
		Data struct {
			Status int `json:"status"`
		} `json:"data"`
	}
	return loop(false, func() error { _, err := c.DescribeBmLoadBalancersTaskResult(context.Background(), 100000); return err }),
		loop(false, func() error { return bare(hc, s.URL+"/v2/index.php", form, func() any { return &answer{} }) }),
		s.Close
}
