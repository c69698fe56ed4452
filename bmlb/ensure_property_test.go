package bmlb_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
)

// Issue 12: 1,000 EnsureBmListeners calls (200 with -short) from 16
// workers against a fake that injects a random fault of every kind into
// 30% of requests and fails 10% of create tasks. Every request is ensured
// twice: 500 distinct requests, then the same 500 again.
//
// Afterwards no (load balancer, protocol, port) exists twice; every call
// that succeeded has all its listeners, with the ids it returned; every
// call that failed returned an *EnsureError, and each of its listeners
// that exists after the first round is one the error names as present or
// in doubt (so "not named" means "not there").
func TestProperty_EnsureBmListenersExactlyOnce(t *testing.T) {
	calls := 1000
	if testing.Short() {
		calls = 200
	}
	const workers, loadBalancers = 16, 50
	srv := bmlbtest.NewServer(bmlbtest.WithTaskDuration(3 * time.Millisecond))
	defer srv.Close()
	for lb := 0; lb < loadBalancers; lb++ {
		srv.AddLoadBalancer(fmt.Sprintf("lb-%02d", lb))
	}
	srv.SetRandomFaults(0.30, 20261123)
	srv.SetRandomTaskFailures(0.10, 20261123)
	srv.SetSlowDelay(time.Second) // longer than each call's deadline below
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithRetryBackoff(time.Millisecond, 5*time.Millisecond), quickWaits)
	require.NoError(t, err)

	distinct := calls / 2
	request := func(r int) *bmlb.CreateBmListenersRequest {
		port := 1000 + 2*r
		return &bmlb.CreateBmListenersRequest{LoadBalancerID: fmt.Sprintf("lb-%02d", r%loadBalancers), Listeners: []bmlb.Listener{
			{LoadBalancerPort: port, Protocol: bmlb.ProtocolTCP, ListenerName: fmt.Sprintf("t%d", port), HealthSwitch: true},
			{LoadBalancerPort: port + 1, Protocol: bmlb.ProtocolUDP, ListenerName: fmt.Sprintf("u%d", port+1)},
		}}
	}
	type result struct {
		res *bmlb.EnsureBmListenersResult
		err error
	}
	runPhase := func() []result {
		results := make([]result, distinct)
		next := make(chan int)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range next {
					ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
					res, err := c.EnsureBmListeners(ctx, request(r))
					cancel()
					results[r] = result{res, err}
				}
			}()
		}
		for r := 0; r < distinct; r++ {
			next <- r
		}
		close(next)
		wg.Wait()
		time.Sleep(20 * time.Millisecond) // let the last tasks end
		return results
	}
	// held indexes the fake's listeners, and counts duplicates.
	held := func() (map[string]bmlbtest.Listener, int) {
		byKey, duplicates := map[string]bmlbtest.Listener{}, 0
		for lb := 0; lb < loadBalancers; lb++ {
			for _, l := range srv.Listeners(fmt.Sprintf("lb-%02d", lb)) {
				key := fmt.Sprintf("%s %s/%d", l.LoadBalancerID, l.Protocol, l.Port)
				if _, dup := byKey[key]; dup {
					duplicates++
				}
				byKey[key] = l
			}
		}
		return byKey, duplicates
	}
	keyOf := func(r int, l bmlb.Listener) string {
		return fmt.Sprintf("%s %s/%d", request(r).LoadBalancerID, l.Protocol, l.LoadBalancerPort)
	}
	check := func(phase string, results []result, firstPhase bool) (succeeded int, kinds map[string]int) {
		byKey, duplicates := held()
		assert.Zero(t, duplicates, "%s: a listener exists twice", phase)
		kinds = map[string]int{}
		for r, out := range results {
			if out.err == nil {
				succeeded++
				require.Len(t, out.res.Listeners, 2)
				for i, l := range request(r).Listeners {
					have, ok := byKey[keyOf(r, l)]
					if assert.True(t, ok, "%s: call %d succeeded without %s", phase, r, keyOf(r, l)) {
						assert.Equal(t, have.ListenerID, out.res.Listeners[i].ListenerID)
					}
				}
				continue
			}
			var e *bmlb.EnsureError
			if !assert.ErrorAs(t, out.err, &e, "%s: call %d: untyped %v", phase, r, out.err) {
				continue
			}
			kinds[failureKind(e)]++
			for _, k := range e.InDoubt {
				assert.Contains(t, e.Error(), k.String(), "the error names what is in doubt")
			}
			if !firstPhase {
				continue // an earlier round may have made these
			}
			named := map[string]bool{}
			for _, k := range e.InDoubt {
				named[fmt.Sprintf("%s %s/%d", e.LoadBalancerID, k.Protocol, k.Port)] = true
			}
			for _, p := range e.Present {
				named[fmt.Sprintf("%s %s/%d", e.LoadBalancerID, p.Protocol, p.Port)] = true
			}
			for _, l := range request(r).Listeners {
				if _, exists := byKey[keyOf(r, l)]; exists {
					assert.True(t, named[keyOf(r, l)], "%s: call %d failed (%v) and %s exists but is not named", phase, r, out.err, keyOf(r, l))
				}
			}
		}
		return succeeded, kinds
	}

	first := runPhase()
	ok1, kinds1 := check("first round", first, true)
	second := runPhase()
	ok2, kinds2 := check("second round", second, false)
	for r := range second {
		if first[r].err == nil && second[r].err == nil {
			for _, l := range second[r].res.Listeners {
				assert.False(t, l.Created, "call %d: ensured before, so not created again", r)
			}
		}
	}
	assert.GreaterOrEqual(t, ok1+ok2, calls/2, "most calls get through the faults")
	byKey, _ := held()
	injected := srv.FaultsInjected()
	t.Logf("EnsureBmListeners: %d calls, %d requests, faults %v; first round %d/%d succeeded %v, second %d/%d %v; %d listeners held, no duplicates",
		calls, srv.Requests(), injected, ok1, distinct, sortedKinds(kinds1), ok2, distinct, sortedKinds(kinds2), len(byKey))
	for _, f := range []bmlbtest.Fault{bmlbtest.FaultResetBeforeApply, bmlbtest.FaultResetAfterApply, bmlbtest.FaultServerError,
		bmlbtest.FaultThrottle, bmlbtest.FaultSlow, bmlbtest.FaultTruncated, bmlbtest.FaultNotJSON} {
		assert.Positive(t, injected[f], "fault %v was never injected", f)
	}
}

func failureKind(e *bmlb.EnsureError) string {
	switch {
	case errors.Is(e, bmlb.ErrTaskFailed):
		return "task failed"
	case errors.Is(e, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(e, bmlb.ErrWaitTimedOut):
		return "wait timed out"
	}
	var api *bmlb.APIError
	if errors.As(e, &api) {
		return fmt.Sprintf("APIError %d", api.Code)
	}
	var op *bmlb.OperationError
	if errors.As(e, &op) {
		return "OperationError"
	}
	return "other: " + e.Err.Error()
}

func sortedKinds(kinds map[string]int) []string {
	out := make([]string, 0, len(kinds))
	for k, n := range kinds {
		out = append(out, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(out)
	return out
}
