// Package faults is the HTTP front both fake services share: it counts
// requests, draws each one's fault from a plan (scheduled for the next
// requests or at a seeded random rate), acts out the fault around the
// provider's handler, and writes the provider's answer.
package faults

import (
	"bytes"
	"fmt"
	"io"
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

// Answer is a fake service's reply to one request.
type Answer struct {
	Status      int
	ContentType string // application/json when empty
	Body        []byte
	// Applied is true when the service changed its state for the request:
	// only then can a fault strike after applying.
	Applied bool
}

func (a Answer) write(w http.ResponseWriter) {
	ct := a.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// Answers are the provider's own error answers.
type Answers struct {
	ServerError func() Answer
	Throttle    func() Answer
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
	requests  int
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

// Requests is how many requests the plan has served.
func (p *Plan) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// maxBody bounds what Serve reads of a request (net/http's own form limit).
const maxBody = 10 << 20

// Serve answers one request: it draws the request's fault, acts out what
// strikes before the service, lets handle answer, and acts out what strikes
// once a request was applied.
func (p *Plan) Serve(w http.ResponseWriter, r *http.Request, handle func(*http.Request) Answer) {
	// Read the form first, as the service would: net/http notices a client
	// that hangs up (and cancels r.Context, which ends a Slow fault) only
	// once the request body has been read.
	// The body is kept for handle, which may hash it (signature V3).
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body = io.NopCloser(bytes.NewReader(body))
	_ = r.ParseForm()
	r.Body = io.NopCloser(bytes.NewReader(body))
	f := p.next()
	if f.before(w, r) {
		return
	}
	a := handle(r)
	if a.Applied && f.after(w, a.Body) {
		return
	}
	a.write(w)
}

// next counts a request and draws its fault.
func (p *Plan) next() fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
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
	return fault{Kind: k, answers: p.answers, slow: p.slow}
}

// fault is the fault drawn for one request.
type fault struct {
	Kind    Kind
	answers Answers
	slow    time.Duration
}

// before acts out a fault that strikes before the request is applied and
// reports whether it answered.
func (f fault) before(w http.ResponseWriter, r *http.Request) bool {
	switch f.Kind {
	case ResetBeforeApply:
		reset(w)
		return true
	case ServerError:
		f.answers.ServerError().write(w)
		return true
	case Throttle:
		f.answers.Throttle().write(w)
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

// after acts out a fault that strikes once the request is applied, in place
// of the answer body, and reports whether it did.
func (f fault) after(w http.ResponseWriter, body []byte) bool {
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
