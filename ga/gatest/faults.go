package gatest

import (
	"time"

	"github.com/listenerkit/listenerkit-go/internal/faults"
)

// Fault is one way the network or the service misbehaves; see the Fault*
// constants.
type Fault int

// String names the fault ("ResetAfterApply").
func (f Fault) String() string { return faults.Kind(f).String() }

// The faults the fake can inject.
const (
	// FaultNone serves the request normally: schedule it to let requests
	// through before a fault (InjectFault(FaultNone, 2) then a fault
	// strikes the third).
	FaultNone Fault = Fault(faults.None)
	// FaultResetBeforeApply resets the connection before applying.
	FaultResetBeforeApply Fault = Fault(faults.ResetBeforeApply)
	// FaultResetAfterApply creates the listener, then resets the
	// connection instead of answering.
	FaultResetAfterApply Fault = Fault(faults.ResetAfterApply)
	// FaultServerError answers HTTP 500 InternalError without applying.
	FaultServerError Fault = Fault(faults.ServerError)
	// FaultThrottle answers Throttling.User without applying.
	FaultThrottle Fault = Fault(faults.Throttle)
	// FaultSlow waits (see SetSlowDelay) before applying and answering.
	FaultSlow Fault = Fault(faults.Slow)
	// FaultTruncated creates the listener and sends half of the answer.
	FaultTruncated Fault = Fault(faults.Truncated)
	// FaultNotJSON creates the listener and answers an HTML page.
	FaultNotJSON Fault = Fault(faults.NotJSON)
)

// InjectFault makes the next n requests fail with f, in order after faults
// already scheduled.
func (s *Server) InjectFault(f Fault, n int) { s.faults.Schedule(faults.Kind(f), n) }

// SetRandomFaults makes each unscheduled request fail with probability rate,
// with a fault drawn from kinds (every fault when none is given); seed makes
// the run repeatable.
func (s *Server) SetRandomFaults(rate float64, seed uint64, kinds ...Fault) {
	ks := make([]faults.Kind, len(kinds))
	for i, k := range kinds {
		ks[i] = faults.Kind(k)
	}
	s.faults.SetRandom(rate, seed, ks...)
}

// SetSlowDelay sets how long FaultSlow waits (default 2s).
func (s *Server) SetSlowDelay(d time.Duration) { s.faults.SetSlowDelay(d) }

// FaultsInjected counts the faults injected so far, by kind.
func (s *Server) FaultsInjected() map[Fault]int {
	out := map[Fault]int{}
	for k, n := range s.faults.Injected() {
		out[Fault(k)] = n
	}
	return out
}
