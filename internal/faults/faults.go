// Package faults is the fault injection both fake services share: a plan of
// faults, scheduled for the next requests or drawn at a seeded random rate,
// and the code that acts each one out on an HTTP connection.
package faults

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// Kind is one way the network or the service misbehaves.
type Kind int

// The faults. "Before" faults happen before the service applies the request,
// "after" faults once it has.
const (
	// None: the request is served normally.
	None Kind = iota
	// ResetBeforeApply resets the connection before the request is applied.
	ResetBeforeApply
	// ResetAfterApply applies the request, then resets the connection
	// instead of answering: the dangerous case.
	ResetAfterApply
	// ServerError answers the service's 5xx error without applying.
	ServerError
	// Throttle answers the service's rate-limit error without applying.
	Throttle
	// Slow waits the plan's slow delay (or until the client gives up), then
	// applies and answers.
	Slow
	// Truncated applies, then sends half of the answer and closes.
	Truncated
	// NotJSON applies, then answers an HTML page instead of JSON, as a
	// proxy in the way would.
	NotJSON
)

// All lists every fault.
var All = []Kind{ResetBeforeApply, ResetAfterApply, ServerError, Throttle, Slow, Truncated, NotJSON}

var names = map[Kind]string{
	None: "None", ResetBeforeApply: "ResetBeforeApply", ResetAfterApply: "ResetAfterApply",
	ServerError: "ServerError", Throttle: "Throttle", Slow: "Slow", Truncated: "Truncated", NotJSON: "NotJSON",
}

// String names the fault.
func (k Kind) String() string {
	if n, ok := names[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Answers are the provider's own error answers.
type Answers struct {
	ServerError func(w http.ResponseWriter)
	Throttle    func(w http.ResponseWriter)
}

// Plan decides the fault of each request. Safe for concurrent use.
type Plan struct {
	answers Answers

	mu        sync.Mutex
	scheduled []Kind
	rate      float64
	kinds     []Kind
	rng       *rand.Rand
	slow      time.Duration
	injected  map[Kind]int
}

// DefaultSlowDelay is how long a Slow fault waits unless SetSlowDelay says
// otherwise.
const DefaultSlowDelay = 2 * time.Second

// NewPlan returns a plan that injects nothing until told to.
func NewPlan(a Answers) *Plan {
	return &Plan{answers: a, slow: DefaultSlowDelay, injected: map[Kind]int{}}
}

// Schedule makes the next n requests (after those already scheduled) fail
// with k.
func (p *Plan) Schedule(k Kind, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 0; i < n; i++ {
		p.scheduled = append(p.scheduled, k)
	}
}

// SetRandom makes each request not covered by a schedule fail with
// probability rate, with a fault drawn from kinds (all when empty), from a
// generator seeded with seed so that a run can be repeated.
func (p *Plan) SetRandom(rate float64, seed uint64, kinds ...Kind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(kinds) == 0 {
		kinds = All
	}
	p.rate, p.kinds = rate, append([]Kind(nil), kinds...)
	p.rng = rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
}

// SetSlowDelay sets how long a Slow fault waits.
func (p *Plan) SetSlowDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.slow = d
}

// Injected counts the faults injected so far, by kind.
func (p *Plan) Injected() map[Kind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Kind]int, len(p.injected))
	for k, n := range p.injected {
		out[k] = n
	}
	return out
}

// Next draws the fault for one request.
func (p *Plan) Next() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := None
	switch {
	case len(p.scheduled) > 0:
		k, p.scheduled = p.scheduled[0], p.scheduled[1:]
	case p.rng != nil && p.rng.Float64() < p.rate:
		k = p.kinds[p.rng.IntN(len(p.kinds))]
	}
	if k != None {
		p.injected[k]++
	}
	return Fault{Kind: k, plan: p, slow: p.slow}
}

// Fault is the fault drawn for one request.
type Fault struct {
	Kind Kind
	plan *Plan
	slow time.Duration
}

// Before acts out a fault that strikes before the request is applied and
// reports whether it answered (the handler must then stop).
func (f Fault) Before(w http.ResponseWriter, r *http.Request) bool {
	switch f.Kind {
	case ResetBeforeApply:
		reset(w)
		return true
	case ServerError:
		f.plan.answers.ServerError(w)
		return true
	case Throttle:
		f.plan.answers.Throttle(w)
		return true
	case Slow:
		t := time.NewTimer(f.slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done(): // the client gave up; the service goes on
		}
	}
	return false
}

// After acts out a fault that strikes once the request is applied, in place
// of the answer body, and reports whether it did.
func (f Fault) After(w http.ResponseWriter, body []byte) bool {
	switch f.Kind {
	case ResetAfterApply:
		reset(w)
		return true
	case Truncated:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		reset(w)
		return true
	case NotJSON:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><head><title>200 OK</title></head><body>Welcome to nginx!</body></html>"))
		return true
	}
	return false
}

// reset closes the connection with a TCP reset, without answering.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
