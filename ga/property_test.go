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
		return "APIError " + api.Code
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
