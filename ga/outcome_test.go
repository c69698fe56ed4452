package ga_test

// Issue 12: knowing the outcome of a GA create.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
)

// quickWaits keeps the waiters' pauses short for tests.
var quickWaits = ga.WithWaiterDelays(time.Millisecond, 5*time.Millisecond)

// The wire-facts example of DescribeListener, and the spellings the
// service is known to use: upper-case protocol and state, numbers as
// strings, ClientAffinity NONE, fields the SDK does not model.
func TestDescribeListener_DecodesTheWireLeniently(t *testing.T) {
	cases := map[string]string{
		"wire-facts example": `{"RequestId":"6FEA0CF3-D3B9-43E5-A304-D217037876A8","ListenerId":"lsr-bp1bpn0kn908w4nbw0000",
 "AcceleratorId":"ga-bp1odcab8tmno0hdq0000","Name":"web","Description":"","State":"active",
 "CreateTime":"1577786252000","Protocol":"tcp","ClientAffinity":"SOURCE_IP","ProxyProtocol":false,
 "PortRanges":[{"FromPort":20,"ToPort":20}],"Certificates":[{"Id":"449****-cn-hangzhou","Type":"Server"}]}`,
		"other spellings": `{"RequestId":"6FEA0CF3-D3B9-43E5-A304-D217037876A8","ListenerId":"lsr-bp1bpn0kn908w4nbw0000",
 "AcceleratorId":"ga-bp1odcab8tmno0hdq0000","Name":"web","State":"ACTIVE","CreateTime":1577786252000,"Protocol":"TCP",
 "ClientAffinity":"SOURCE_IP","ProxyProtocol":"false","PortRanges":[{"FromPort":"20","ToPort":"20"}],
 "Certificates":[{"Id":"449****-cn-hangzhou","Type":"Server"}],"Type":"Standard","XForwardedForConfig":{"XRealIpEnabled":true},
 "BackendPorts":[{"FromPort":"80","ToPort":"80"}],"RelatedAcls":[]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c, mock := newMockClient(t)
			var form url.Values
			mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				form, _ = url.ParseQuery(string(b))
				return httpmock.NewStringResponse(200, body), nil
			})
			d, err := c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{ListenerID: "lsr-bp1bpn0kn908w4nbw0000"})
			require.NoError(t, err)
			assert.Equal(t, "DescribeListener", form.Get("Action"))
			assert.Equal(t, "lsr-bp1bpn0kn908w4nbw0000", form.Get("ListenerId"))
			assert.Equal(t, "cn-hangzhou", form.Get("RegionId"))
			if name == "other spellings" { // newer fields: read (fields_test.go has them all), then set aside
				assert.Equal(t, ga.ListenerTypeStandard, d.Type)
				assert.Equal(t, &ga.XForwardedForConfig{XRealIpEnabled: true}, d.XForwardedForConfig)
				d.Type, d.XForwardedForConfig = "", nil
			}
			assert.Equal(t, ga.DescribeListenerResponse{
				RequestID: "6FEA0CF3-D3B9-43E5-A304-D217037876A8", ListenerID: "lsr-bp1bpn0kn908w4nbw0000",
				AcceleratorID: "ga-bp1odcab8tmno0hdq0000", Name: "web", State: ga.ListenerStateActive,
				CreateTime: time.Date(2019, 12, 31, 9, 57, 32, 0, time.UTC), Protocol: ga.ProtocolTCP,
				ClientAffinity: ga.ClientAffinitySourceIP, PortRanges: []ga.PortRange{{FromPort: 20, ToPort: 20}},
				Certificates: []ga.ListenerCertificate{{ID: "449****-cn-hangzhou", Type: "Server"}},
			}, *d)
		})
	}
}

func TestDescribeListener_NoneAffinityAndMissingIDs(t *testing.T) {
	c, mock := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/",
		httpmock.NewStringResponder(200, `{"ListenerId":"lsr-1","State":"init","ClientAffinity":"NONE"}`))
	d, err := c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{ListenerID: "lsr-1"})
	require.NoError(t, err)
	assert.Empty(t, d.ClientAffinity)
	assert.True(t, d.CreateTime.IsZero())

	_, err = c.DescribeListener(context.Background(), &ga.DescribeListenerRequest{})
	assert.ErrorIs(t, err, ga.ErrMissingParameter)
	_, err = c.DescribeAccelerator(context.Background(), nil)
	assert.ErrorIs(t, err, ga.ErrMissingParameter)
	assert.Equal(t, 1, mock.GetTotalCallCount(), "invalid describes send nothing")
}

func TestStateEnums(t *testing.T) {
	assert.Equal(t, []ga.ListenerState{"init", "active", "configuring", "updating", "deleting"}, ga.ListenerState("").Values())
	assert.Contains(t, ga.AcceleratorState("").Values(), ga.AcceleratorState("finacialLocked"), "the wire's spelling")
}

func TestDescribeAccelerator_StateAndNotExist(t *testing.T) {
	srv := gatest.NewServer(gatest.WithBusyWindow(time.Hour))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, ga.WithBusyAcceleratorWait(0))
	ctx := context.Background()
	d, err := c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Equal(t, ga.AcceleratorStateActive, d.State)
	_, err = c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80, 80}}})
	require.NoError(t, err)
	d, err = c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Equal(t, ga.AcceleratorStateConfiguring, d.State, "busy after a create")
	_, err = c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-none"})
	assert.ErrorIs(t, err, ga.ErrNotExistAccelerator)

	mc, mock := newMockClient(t)
	mock.RegisterResponder(http.MethodPost, mockEndpoint+"/", httpmock.NewStringResponder(200, `{"AcceleratorId":"ga-1","State":"FinacialLocked"}`))
	d, err = mc.DescribeAccelerator(ctx, &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Equal(t, ga.AcceleratorStateFinancialLocked, d.State)
}

func TestWaitUntilListenerActive_PollsUntilActive(t *testing.T) {
	srv := gatest.NewServer(gatest.WithActivationPolls(3))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, quickWaits)
	created, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80, 80}}})
	require.NoError(t, err)
	assert.Equal(t, ga.ListenerStateInit, srv.Listeners("ga-1")[0].State)
	d, err := c.WaitUntilListenerActive(context.Background(), created.ListenerID, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ga.ListenerStateActive, d.State)
	assert.Equal(t, created.ListenerID, d.ListenerID)
	describes := 0
	for _, a := range srv.Accepted() {
		if a.Action == "DescribeListener" {
			describes++
		}
	}
	assert.Equal(t, 3, describes)
}

func TestWaitUntilListenerActive_TypedEnds(t *testing.T) {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, quickWaits)
	ctx := context.Background()

	t.Run("runs out", func(t *testing.T) {
		srv.SetListenersNeverActive(true)
		defer srv.SetListenersNeverActive(false)
		created, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{81, 81}}})
		require.NoError(t, err)
		_, err = c.WaitUntilListenerActive(ctx, created.ListenerID, 50*time.Millisecond)
		var w *ga.WaitError
		require.ErrorAs(t, err, &w)
		assert.ErrorIs(t, err, ga.ErrWaitTimedOut)
		assert.NotErrorIs(t, err, ga.ErrNotExistListener)
		assert.Equal(t, "init", w.LastState)
		assert.Greater(t, w.Polls, 1)
		assert.Contains(t, err.Error(), created.ListenerID)
	})
	t.Run("gone", func(t *testing.T) {
		_, err := c.WaitUntilListenerActive(ctx, "lsr-never-was", time.Minute)
		var w *ga.WaitError
		require.ErrorAs(t, err, &w)
		assert.ErrorIs(t, err, ga.ErrNotExistListener)
		assert.NotErrorIs(t, err, ga.ErrWaitTimedOut)
		assert.Equal(t, 1, w.Polls, "a final answer ends the wait at once")
	})
	t.Run("context", func(t *testing.T) {
		srv.SetListenersNeverActive(true)
		defer srv.SetListenersNeverActive(false)
		created, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{82, 82}}})
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = c.WaitUntilListenerActive(cctx, created.ListenerID, time.Hour)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), time.Second)
	})
	t.Run("bad input", func(t *testing.T) {
		_, err := c.WaitUntilListenerActive(ctx, "", time.Minute)
		assert.ErrorIs(t, err, ga.ErrMissingParameter)
		_, err = c.WaitUntilListenerActive(ctx, "lsr-x", 0)
		assert.ErrorContains(t, err, "must be positive")
	})
}

// Failed polls (more of them in a row than one call's attempts) are
// followed by more polls, and polling creates nothing.
func TestWaitUntilListenerActive_TransientPollFailuresArePolledThrough(t *testing.T) {
	srv := gatest.NewServer(gatest.WithActivationPolls(1))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, quickWaits)
	created, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80, 80}}})
	require.NoError(t, err)
	srv.InjectFault(gatest.FaultServerError, 4)
	srv.InjectFault(gatest.FaultThrottle, 2)
	srv.InjectFault(gatest.FaultResetAfterApply, 1)
	d, err := c.WaitUntilListenerActive(context.Background(), created.ListenerID, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, ga.ListenerStateActive, d.State)
	assert.Equal(t, 1, srv.ListenerCount("ga-1"), "a poll never creates anything")
}

func TestCreateListenerAndWait(t *testing.T) {
	srv := gatest.NewServer(gatest.WithBusyWindow(30 * time.Millisecond))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, quickWaits)
	for port := 80; port < 83; port++ { // the common loop: the accelerator is busy after each create
		d, err := c.CreateListenerAndWait(context.Background(),
			&ga.CreateListenerRequest{AcceleratorID: "ga-1", Name: fmt.Sprintf("web%d", port), PortRanges: []ga.PortRange{{port, port}}}, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, ga.ListenerStateActive, d.State)
		assert.Equal(t, fmt.Sprintf("web%d", port), d.Name)
	}
	assert.Equal(t, 3, srv.ListenerCount("ga-1"))
	_, err := c.CreateListenerAndWait(context.Background(), validRequest(), 0)
	assert.ErrorContains(t, err, "must be positive")
}

// StateError.Accelerator is sent again, with the same ClientToken, until
// the accelerator takes it.
func TestBusyAcceleratorIsRetriedWithTheSameToken(t *testing.T) {
	srv := gatest.NewServer(gatest.WithBusyWindow(80 * time.Millisecond))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	c := newFakeClient(t, srv, quickWaits)
	ctx := context.Background()
	_, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80, 80}}})
	require.NoError(t, err)
	before := srv.Requests()
	second, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{81, 81}}})
	require.NoError(t, err, "the busy window passed within the busy wait")
	assert.Greater(t, srv.Requests()-before, 1, "refused while busy, then sent again")
	assert.Equal(t, 2, srv.ListenerCount("ga-1"))
	assert.Equal(t, second.ClientToken, srv.Listeners("ga-1")[1].ClientToken)
}

// One client lets one create at a time reach an accelerator: the service
// refuses concurrent ones, so they queue in the client instead.
func TestCreatesOnOneAcceleratorAreSerialisedPerClient(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		_, _ = w.Write([]byte(`{"RequestId":"r","ListenerId":"lsr-` + fmt.Sprint(n) + `"}`))
	}))
	defer srv.Close()
	c := newFakeEndpointClient(t, srv.URL)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{80 + i, 80 + i}}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), most.Load(), "never two creates at once on one accelerator")

	// Different accelerators are not held back by each other.
	most.Store(0)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: fmt.Sprintf("ga-%d", i), PortRanges: []ga.PortRange{{80, 80}}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Greater(t, most.Load(), int32(1))
}

// A create waiting for its turn gives up with its context, sending nothing.
func TestWaitingForTheAcceleratorEndsWithTheContext(t *testing.T) {
	release := make(chan struct{})
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		<-release
		_, _ = w.Write([]byte(`{"RequestId":"r","ListenerId":"lsr-1"}`))
	}))
	defer srv.Close()
	defer close(release)
	c := newFakeEndpointClient(t, srv.URL)
	go func() { _, _ = c.CreateListener(context.Background(), validRequest()) }()
	require.Eventually(t, func() bool { return requests.Load() == 1 }, time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := c.CreateListener(ctx, validRequest())
	var op *ga.OperationError
	require.ErrorAs(t, err, &op)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Zero(t, op.Attempts)
	assert.NotEmpty(t, op.IdempotencyToken)
	assert.Equal(t, int32(1), requests.Load())
}
