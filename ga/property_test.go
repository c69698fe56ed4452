package ga_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
)

// outcome is what one call returned, by its ClientToken.
type outcome struct {
	token      string
	listenerID string
	err        error
}

// errorKind names the typed error a failed call returned, or "" when the
// error is not one of the documented types.
func errorKind(err error) string {
	var op *ga.OperationError
	var api *ga.APIError
	var re *ga.ResponseError
	var netErr net.Error
	switch {
	case !errors.As(err, &op):
		return "" // every attempted call fails as an *OperationError
	case errors.As(err, &api):
		return "APIError " + string(api.Code)
	case errors.As(err, &re):
		return "ResponseError"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.As(err, &netErr):
		return "network"
	}
	return ""
}

// Issue 6: 1,000 calls (200 with -short) from 64 goroutines sharing one
// client, against a fake that injects a random fault of every kind into 30%
// of requests, resets after applying and slow answers included, with the
// default retry policy (3 attempts, the documented classification; only the
// backoff is shortened, which changes when, not whether, a call is retried).
//
// The calls spread over 16 accelerators: one client lets one create at a
// time reach an accelerator (the service refuses concurrent ones), so 64
// workers on one accelerator would only measure that queue.
//
// Every call succeeds or fails with a typed error; the fake holds exactly
// one listener per successful call (the one returned), none for calls that
// failed before the service applied them, and never two for a ClientToken.
func TestProperty_RandomFaultsNeitherLoseNorDuplicate(t *testing.T) {
	calls := 1000
	if testing.Short() {
		calls = 200
	}
	const workers = 64
	srv := gatest.NewServer(gatest.WithListenerQuota(1 << 20))
	defer srv.Close()
	const accelerators = 16
	for a := 0; a < accelerators; a++ {
		srv.AddAccelerator(fmt.Sprintf("ga-%d", a))
	}
	srv.SetRandomFaults(0.30, 20261123)
	srv.SetSlowDelay(time.Second) // longer than each call's deadline below
	c, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	results := make([]outcome, calls)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				token := fmt.Sprintf("prop-%04d", i)
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				resp, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: fmt.Sprintf("ga-%d", i%accelerators), ClientToken: token,
					PortRanges: []ga.PortRange{{FromPort: 1000 + i, ToPort: 1000 + i}}})
				cancel()
				results[i] = outcome{token: token, err: err}
				if err == nil {
					results[i].listenerID = resp.ListenerID
				}
			}
		}()
	}
	for i := 0; i < calls; i++ {
		next <- i
	}
	close(next)
	wg.Wait()

	// One snapshot: a listener whose call timed out on a Slow fault may be
	// created a moment after the call returned.
	var snapshot []gatest.Listener
	for a := 0; a < accelerators; a++ {
		snapshot = append(snapshot, srv.Listeners(fmt.Sprintf("ga-%d", a))...)
	}
	byToken := map[string][]gatest.Listener{}
	for _, l := range snapshot {
		byToken[l.ClientToken] = append(byToken[l.ClientToken], l)
	}
	succeeded, mayHaveApplied, duplicates := 0, 0, 0
	kinds := map[string]int{}
	for _, r := range results {
		held := byToken[r.token]
		if len(held) > 1 {
			duplicates++
		}
		if r.err == nil {
			succeeded++
			if assert.Len(t, held, 1, "call %s succeeded", r.token) {
				assert.Equal(t, r.listenerID, held[0].ID)
			}
			continue
		}
		kind := errorKind(r.err)
		assert.NotEmpty(t, kind, "call %s: untyped error %v", r.token, r.err)
		kinds[kind]++
		var op *ga.OperationError
		if errors.As(r.err, &op) && op.MayHaveApplied {
			mayHaveApplied++
			assert.LessOrEqual(t, len(held), 1)
		} else {
			assert.Empty(t, held, "call %s failed before applying (%v) but a listener exists", r.token, r.err)
		}
	}
	assert.Zero(t, duplicates, "two listeners for one ClientToken")
	called := map[string]bool{}
	for _, r := range results {
		called[r.token] = true
	}
	for token := range byToken {
		assert.True(t, called[token], "listener with token %q that no call sent", token)
	}
	assert.GreaterOrEqual(t, succeeded, calls/2, "most calls get through the faults")

	injected := srv.FaultsInjected()
	total := 0
	for _, n := range injected {
		total += n
	}
	for _, f := range []gatest.Fault{gatest.FaultResetBeforeApply, gatest.FaultResetAfterApply, gatest.FaultServerError,
		gatest.FaultThrottle, gatest.FaultSlow, gatest.FaultTruncated, gatest.FaultNotJSON} {
		assert.Positive(t, injected[f], "fault %v was never injected", f)
	}
	names := make([]string, 0, len(kinds))
	for k, n := range kinds {
		names = append(names, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(names)
	t.Logf("GA: %d calls, %d requests (%d retries), %d faults injected %v; %d succeeded, %d failed %v (%d may have applied); listeners %d; duplicates %d",
		calls, srv.Requests(), srv.Requests()-calls, total, injected, succeeded, calls-succeeded, names, mayHaveApplied,
		len(snapshot), duplicates)
}

// Issue 12: the same faults around CreateListenerAndWait, 1,000 calls (200
// with -short) from 32 workers over 16 accelerators that are busy for a
// moment after each create. Afterwards one listener per ClientToken at the
// most, and every call that succeeded returned an active listener that the
// fake holds under its token.
func TestProperty_CreateAndWaitOneListenerPerTokenEveryCallActive(t *testing.T) {
	calls := 1000
	if testing.Short() {
		calls = 200
	}
	const workers, accelerators = 32, 16
	srv := gatest.NewServer(gatest.WithListenerQuota(1<<20), gatest.WithActivationPolls(2), gatest.WithBusyWindow(2*time.Millisecond))
	defer srv.Close()
	for a := 0; a < accelerators; a++ {
		srv.AddAccelerator(fmt.Sprintf("ga-%d", a))
	}
	srv.SetRandomFaults(0.30, 20261124)
	srv.SetSlowDelay(time.Second)
	c, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithRetryBackoff(time.Millisecond, 5*time.Millisecond), ga.WithWaiterDelays(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	type result struct {
		listener *ga.DescribeListenerResponse
		err      error
	}
	results := make([]result, calls)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				l, err := c.CreateListenerAndWait(ctx, &ga.CreateListenerRequest{AcceleratorID: fmt.Sprintf("ga-%d", i%accelerators),
					ClientToken: fmt.Sprintf("wait-%04d", i), PortRanges: []ga.PortRange{{FromPort: 1000 + i, ToPort: 1000 + i}}}, time.Minute)
				cancel()
				results[i] = result{l, err}
			}
		}()
	}
	for i := 0; i < calls; i++ {
		next <- i
	}
	close(next)
	wg.Wait()

	byToken := map[string][]gatest.Listener{}
	for a := 0; a < accelerators; a++ {
		for _, l := range srv.Listeners(fmt.Sprintf("ga-%d", a)) {
			byToken[l.ClientToken] = append(byToken[l.ClientToken], l)
		}
	}
	succeeded := 0
	kinds := map[string]int{}
	for i, r := range results {
		token := fmt.Sprintf("wait-%04d", i)
		assert.LessOrEqual(t, len(byToken[token]), 1, "two listeners for %s", token)
		if r.err != nil {
			var w *ga.WaitError
			switch {
			case errors.As(r.err, &w):
				kinds["wait: "+errorKindOrDeadline(w.Err)]++
			default:
				kind := errorKind(r.err)
				assert.NotEmpty(t, kind, "call %d: untyped error %v", i, r.err)
				kinds[kind]++
			}
			continue
		}
		succeeded++
		assert.Equal(t, ga.ListenerStateActive, r.listener.State)
		if assert.Len(t, byToken[token], 1, "call %d succeeded", i) {
			assert.Equal(t, byToken[token][0].ID, r.listener.ListenerID)
		}
	}
	assert.GreaterOrEqual(t, succeeded, calls/2)
	names := make([]string, 0, len(kinds))
	for k, n := range kinds {
		names = append(names, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(names)
	t.Logf("GA create-and-wait: %d calls, %d requests, faults %v; %d succeeded, failures %v", calls, srv.Requests(), srv.FaultsInjected(), succeeded, names)
}

func errorKindOrDeadline(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "deadline"
	}
	if errors.Is(err, ga.ErrWaitTimedOut) {
		return "timed out"
	}
	return fmt.Sprintf("%T", err)
}
