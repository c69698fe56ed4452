package e2e_test

// Issue 6's properties that hold for both providers: cancellation, no
// goroutine left behind, no secret in anything the module produces.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

// provider is one client and its fake, driven the same way.
type provider struct {
	name     string
	requests func() int
	inject   func(fault string, n int) // a name of faultNames
	create   func(ctx context.Context) error
	close    func()
}

// faultNames are the faults both fakes inject, by the names the tests use;
// "retryable" is the answer each client retries (GA: a 5xx, BMLB: 4400).
var faultNames = []string{"slow", "retryable", "reset-before", "reset-after", "server-error", "throttle", "truncated", "not-json"}

func newGA(t *testing.T, hc *http.Client, creds signing.CredentialsProvider, opts ...ga.Option) *provider {
	srv := gatest.NewServer(gatest.WithListenerQuota(1 << 20))
	srv.AddAccelerator("ga-1")
	srv.SetSlowDelay(time.Hour) // until the client gives up
	if creds == nil {
		creds = srv.Credentials()
	}
	c, err := ga.NewClient(append([]ga.Option{ga.WithEndpoint(srv.URL), ga.WithCredentials(creds), ga.WithHTTPClient(hc),
		ga.WithRetryBackoff(time.Hour, time.Hour)}, opts...)...)
	require.NoError(t, err)
	port := 0
	var mu sync.Mutex
	return &provider{
		name:     "GA",
		requests: srv.Requests,
		inject: func(kind string, n int) {
			srv.InjectFault(map[string]gatest.Fault{"slow": gatest.FaultSlow, "retryable": gatest.FaultServerError,
				"reset-before": gatest.FaultResetBeforeApply, "reset-after": gatest.FaultResetAfterApply, "server-error": gatest.FaultServerError,
				"throttle": gatest.FaultThrottle, "truncated": gatest.FaultTruncated, "not-json": gatest.FaultNotJSON}[kind], n)
		},
		create: func(ctx context.Context) error {
			mu.Lock()
			port++
			p := port
			mu.Unlock()
			_, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: p, ToPort: p}}})
			return err
		},
		close: srv.Close,
	}
}

func newBMLB(t *testing.T, hc *http.Client, creds signing.CredentialsProvider, opts ...bmlb.Option) *provider {
	srv := bmlbtest.NewServer()
	srv.SetSlowDelay(time.Hour)
	if creds == nil {
		creds = srv.Credentials()
	}
	c, err := bmlb.NewClient(append([]bmlb.Option{bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(creds),
		bmlb.WithHTTPClient(hc), bmlb.WithRetryBackoff(time.Hour, time.Hour)}, opts...)...)
	require.NoError(t, err)
	n := 0
	var mu sync.Mutex
	return &provider{
		name:     "BMLB",
		requests: srv.Requests,
		inject: func(kind string, count int) {
			srv.InjectFault(map[string]bmlbtest.Fault{"slow": bmlbtest.FaultSlow, "retryable": bmlbtest.FaultThrottle,
				"reset-before": bmlbtest.FaultResetBeforeApply, "reset-after": bmlbtest.FaultResetAfterApply, "server-error": bmlbtest.FaultServerError,
				"throttle": bmlbtest.FaultThrottle, "truncated": bmlbtest.FaultTruncated, "not-json": bmlbtest.FaultNotJSON}[kind], count)
		},
		create: func(ctx context.Context) error {
			mu.Lock()
			n++
			lb := fmt.Sprintf("lb-%d", n)
			mu.Unlock()
			srv.AddLoadBalancer(lb)
			_, err := c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: lb,
				Listeners: []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"}}})
			return err
		},
		close: srv.Close,
	}
}

// settledGoroutines waits up to two seconds for the goroutine count to fall
// to want (connection goroutines end asynchronously) and returns the last
// count.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(2 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// A cancelled call returns the context's error within 50 ms, whether it is
// waiting on the network (the fake holds the answer) or between retries (an
// hour of backoff), and leaves no goroutine behind. The 50 ms bound is
// checked on the best of three tries, so a loaded machine's scheduling
// pause cannot fail it; each try must still end within a second, where a
// missed cancellation would wait an hour.
func TestCancellationIsPromptAndLeavesNoGoroutine(t *testing.T) {
	constructors := map[string]func(*testing.T, *http.Client) *provider{
		"GA":   func(t *testing.T, hc *http.Client) *provider { return newGA(t, hc, nil) },
		"BMLB": func(t *testing.T, hc *http.Client) *provider { return newBMLB(t, hc, nil) },
	}
	for name, construct := range constructors {
		for _, phase := range []string{"slow", "retryable"} {
			t.Run(name+"/"+map[string]string{"slow": "waiting on the network", "retryable": "between retries"}[phase], func(t *testing.T) {
				before := runtime.NumGoroutine()
				transport := http.DefaultTransport.(*http.Transport).Clone()
				p := construct(t, &http.Client{Transport: transport})
				best := time.Hour
				for try := 0; try < 3; try++ {
					p.inject(phase, 1)
					sent := p.requests()
					ctx, cancel := context.WithCancel(context.Background())
					done := make(chan error, 1)
					go func() { done <- p.create(ctx) }()
					for p.requests() == sent {
						time.Sleep(time.Millisecond)
					}
					time.Sleep(20 * time.Millisecond) // into the wait: the answer held, or the backoff begun
					start := time.Now()
					cancel()
					select {
					case err := <-done:
						elapsed := time.Since(start)
						assert.ErrorIs(t, err, context.Canceled)
						best = min(best, elapsed)
					case <-time.After(time.Second):
						t.Fatal("a cancelled call did not return within a second")
					}
				}
				assert.Less(t, best, 50*time.Millisecond, "best of three")
				t.Logf("%s %s: returned %v after cancel (best of 3)", name, phase, best)
				p.close()
				transport.CloseIdleConnections()
				assert.LessOrEqual(t, settledGoroutines(before), before, "goroutines left behind")
			})
		}
	}
}

// recordSignatures wraps a transport and keeps the Signature of every
// request it sends.
type recordSignatures struct {
	next http.RoundTripper
	mu   sync.Mutex
	sigs []string
}

func (r *recordSignatures) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if form, err := url.ParseQuery(string(b)); err == nil && form.Get("Signature") != "" {
			r.mu.Lock()
			r.sigs = append(r.sigs, form.Get("Signature"))
			r.mu.Unlock()
		}
		copied := *req
		copied.Body = io.NopCloser(bytes.NewReader(b))
		req = &copied
	}
	return r.next.RoundTrip(req)
}

// With debug logging on, every success and failure path of both clients
// leaves the secret, the session token and every signature out of all the
// module produces: log records, err.Error(), %+v and %#v of errors, and the
// request and credentials printed every way.
func TestNoSecretInAnythingProduced(t *testing.T) {
	const token = "STS.NUgYrLnoC37mZZCNnAbez2bJb3sYAvHLYVFdRh6BU4YFDgFvFa2hmQHKSd6ibHrwgVj4ZpHGGQTbTg"
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var produced []string
	record := func(v ...any) {
		for _, x := range v {
			produced = append(produced, fmt.Sprint(x), fmt.Sprintf("%v", x), fmt.Sprintf("%+v", x), fmt.Sprintf("%#v", x))
		}
	}
	rec := &recordSignatures{next: http.DefaultTransport}
	hc := &http.Client{Transport: rec}

	gaCreds := signing.NewStaticCredentials(gatest.DefaultAccessKeyID, gatest.DefaultAccessKeySecret, token)
	bmCreds := signing.NewStaticCredentials(bmlbtest.DefaultSecretID, bmlbtest.DefaultSecretKey, token)
	wrongGA := signing.NewStaticCredentials(gatest.DefaultAccessKeyID, "wrong-secret-for-the-scan", token)
	wrongBM := signing.NewStaticCredentials(bmlbtest.DefaultSecretID, "wrong-secret-for-the-scan", token)
	providers := []*provider{
		newGA(t, hc, gaCreds, ga.WithLogger(logger), ga.WithRetryBackoff(time.Millisecond, time.Millisecond)),
		newBMLB(t, hc, bmCreds, bmlb.WithLogger(logger), bmlb.WithRetryBackoff(time.Millisecond, time.Millisecond)),
		newGA(t, hc, wrongGA, ga.WithLogger(logger), ga.WithRetryBackoff(time.Millisecond, time.Millisecond)), // SignatureDoesNotMatch quotes the string it signed
		newBMLB(t, hc, wrongBM, bmlb.WithLogger(logger), bmlb.WithRetryBackoff(time.Millisecond, time.Millisecond)),
	}
	for _, p := range providers {
		record(p.create(context.Background())) // success, or the wrong-secret rejection
		for _, fault := range faultNames {
			p.inject(fault, 1)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond) // ends "slow"
			record(p.create(ctx))
			cancel()
		}
		p.close()
		record(p.create(context.Background())) // connection refused
	}
	gaClient, err := ga.NewClient(ga.WithCredentials(gaCreds), ga.WithLogger(logger))
	require.NoError(t, err)
	_, err = gaClient.CreateListener(context.Background(), &ga.CreateListenerRequest{Name: "1"})
	record(err, gaCreds, bmCreds, wrongGA)
	creds, _ := gaCreds.Retrieve(context.Background())
	record(creds, &creds)

	everything := logs.String() + strings.Join(produced, "\n")
	assert.Contains(t, everything, "attempt failed", "the failures were logged")
	assert.Contains(t, everything, "SignatureDoesNotMatch", "the echoing rejection was produced")
	require.NotEmpty(t, rec.sigs)
	for _, secret := range append([]string{gatest.DefaultAccessKeySecret, bmlbtest.DefaultSecretKey, "wrong-secret-for-the-scan",
		token, url.QueryEscape(token), string(signing.AppendPercentEncoded(nil, token))}, rec.sigs...) {
		if !assert.NotContains(t, everything, secret) {
			break
		}
		assert.NotContains(t, everything, string(signing.AppendPercentEncoded(nil, secret)))
	}
	t.Logf("scanned %d bytes of logs and %d printed values against %d signatures", logs.Len(), len(produced), len(rec.sigs))
}
