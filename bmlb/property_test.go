package bmlb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
)

// errorKind names the typed error a failed call returned, or "" when the
// error is not one of the documented types.
func errorKind(err error) string {
	var op *bmlb.OperationError
	var api *bmlb.APIError
	var re *bmlb.ResponseError
	var netErr net.Error
	switch {
	case !errors.As(err, &op):
		return "" // every attempted call fails as an *OperationError, which says MayHaveApplied
	case errors.As(err, &api):
		return fmt.Sprintf("APIError %d", api.Code)
	case errors.As(err, &re):
		return "ResponseError"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.As(err, &netErr):
		return "network"
	}
	return ""
}

// Issue 6: 1,000 calls (200 with -short), one after the other so that each
// call's requests can be counted, against a fake that injects a random fault
// of every kind into 30% of requests, with the default retry policy (only
// the backoff is shortened).
//
// CreateBmListeners has no idempotency token, so no listener may ever be
// created twice: a call reaches the service more than once only after a
// 4400 rate-limit answer, which says it was not applied. Every call that
// did not succeed returns an *OperationError saying whether it may have
// been applied, and one that says "no" created nothing.
func TestProperty_RandomFaultsNeverCreateTwice(t *testing.T) {
	calls := 1000
	if testing.Short() {
		calls = 200
	}
	srv := bmlbtest.NewServer()
	defer srv.Close()
	lbOf := func(i int) string { return fmt.Sprintf("lb-%03d", i/bmlb.MaxListeners) }
	for i := 0; i < calls; i += bmlb.MaxListeners {
		srv.AddLoadBalancer(lbOf(i))
	}
	srv.SetRandomFaults(0.30, 20261123)
	srv.SetSlowDelay(time.Second) // longer than each call's deadline below
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	succeeded, mayHaveApplied, resent, duplicates := 0, 0, 0, 0
	kinds := map[string]int{}
	for i := 0; i < calls; i++ {
		port := 1000 + i
		requestsBefore, throttlesBefore := srv.Requests(), srv.FaultsInjected()[bmlbtest.FaultThrottle]
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		resp, err := c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: lbOf(i),
			Listeners: []bmlb.Listener{{LoadBalancerPort: port, Protocol: bmlb.ProtocolTCP, ListenerName: "p"}}})
		cancel()
		sent := srv.Requests() - requestsBefore
		throttled := srv.FaultsInjected()[bmlbtest.FaultThrottle] - throttlesBefore
		resent += sent - 1
		assert.LessOrEqual(t, sent, 1+throttled, "call %d reached the service %d times after %d rate-limit answers", i, sent, throttled)

		var held []bmlbtest.Listener
		for _, l := range srv.Listeners(lbOf(i)) {
			if l.Port == port {
				held = append(held, l)
			}
		}
		if len(held) > 1 {
			duplicates++
		}
		if errors.Is(err, bmlb.ErrInvalidParameterVportIsDuplicate) {
			duplicates++ // a re-send of a request the service had applied
		}
		if err == nil {
			succeeded++
			if assert.Len(t, held, 1, "call %d succeeded", i) {
				assert.Equal(t, resp.TaskID, held[0].TaskID)
			}
			continue
		}
		kind := errorKind(err)
		assert.NotEmpty(t, kind, "call %d: untyped error %v", i, err)
		kinds[kind]++
		var op *bmlb.OperationError
		if errors.As(err, &op) && op.MayHaveApplied {
			mayHaveApplied++
		} else {
			assert.Empty(t, held, "call %d failed before applying (%v) but created a listener", i, err)
		}
	}
	assert.Zero(t, duplicates)
	assert.GreaterOrEqual(t, succeeded, calls/2)

	injected := srv.FaultsInjected()
	total := 0
	for _, n := range injected {
		total += n
	}
	for _, f := range []bmlbtest.Fault{bmlbtest.FaultResetBeforeApply, bmlbtest.FaultResetAfterApply, bmlbtest.FaultServerError,
		bmlbtest.FaultThrottle, bmlbtest.FaultSlow, bmlbtest.FaultTruncated, bmlbtest.FaultNotJSON} {
		assert.Positive(t, injected[f], "fault %v was never injected", f)
	}
	names := make([]string, 0, len(kinds))
	for k, n := range kinds {
		names = append(names, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(names)
	listeners := 0
	for i := 0; i < calls; i += bmlb.MaxListeners {
		listeners += srv.ListenerCount(lbOf(i))
	}
	t.Logf("BMLB: %d calls, %d requests (%d re-sent, all after 4400), %d faults injected %v; %d succeeded, %d failed %v (%d may have applied); listeners %d; duplicates %d",
		calls, srv.Requests(), resent, total, injected, succeeded, calls-succeeded, names, mayHaveApplied, listeners, duplicates)
}

// Issue 6, concurrency: one client shared by 64 goroutines, with valid and
// invalid requests, service errors (a second listener on a port) and random
// faults, under -race in CI: every call succeeds or fails typed, and no
// listener exists twice.
func TestProperty_64GoroutinesShareOneClient(t *testing.T) {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	for g := 0; g < 64; g++ {
		srv.AddLoadBalancer(fmt.Sprintf("lb-g%02d", g))
	}
	srv.SetRandomFaults(0.30, 64, bmlbtest.FaultResetBeforeApply, bmlbtest.FaultResetAfterApply, bmlbtest.FaultThrottle,
		bmlbtest.FaultServerError, bmlbtest.FaultTruncated, bmlbtest.FaultNotJSON)
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	type result struct {
		call int
		err  error
	}
	results := make(chan result, 64*8)
	for g := 0; g < 64; g++ {
		go func() {
			lb := fmt.Sprintf("lb-g%02d", g)
			for call := 0; call < 8; call++ {
				port := 1000 + call%6 // calls 6 and 7 repeat ports 1000 and 1001: the service refuses them
				name := "web"
				if call == 3 && g%2 == 0 {
					name = "" // invalid: refused before sending
				}
				_, err := c.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{LoadBalancerID: lb,
					Listeners: []bmlb.Listener{{LoadBalancerPort: port, Protocol: bmlb.ProtocolTCP, ListenerName: name}}})
				results <- result{call, err}
			}
		}()
	}
	outcomes := map[string]int{}
	for i := 0; i < 64*8; i++ {
		r := <-results
		var invalid *bmlb.ValidationError
		switch {
		case r.err == nil:
			outcomes["ok"]++
		case errors.As(r.err, &invalid):
			outcomes["invalid"]++
		default:
			kind := errorKind(r.err)
			assert.NotEmpty(t, kind, "untyped error %v", r.err)
			outcomes[kind]++
		}
	}
	for g := 0; g < 64; g++ {
		seen := map[int]bool{}
		for _, l := range srv.Listeners(fmt.Sprintf("lb-g%02d", g)) {
			assert.False(t, seen[l.Port], "port %d twice on lb-g%02d", l.Port, g)
			seen[l.Port] = true
		}
	}
	assert.Positive(t, outcomes["ok"])
	assert.Equal(t, 32, outcomes["invalid"])
	assert.Positive(t, outcomes[fmt.Sprintf("APIError %d", int(bmlb.ErrInvalidRequest))], "the repeated ports were refused by the service")
	t.Logf("64 goroutines x 8 calls: %v", outcomes)
}
