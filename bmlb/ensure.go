package bmlb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/transport"
)

// ListenerKey names a listener by what the service keeps unique on a load
// balancer: its protocol and port.
type ListenerKey struct {
	Protocol Protocol
	Port     int
}

// String is "tcp/80".
func (k ListenerKey) String() string { return string(k.Protocol) + "/" + strconv.Itoa(k.Port) }

// EnsuredListener is one requested listener after EnsureBmListeners.
type EnsuredListener struct {
	ListenerKey
	ListenerID string
	// Created is true when this call created it (its create succeeded,
	// or had an unknown outcome and the listener was then found), false
	// when it was there already or someone else's create made it first.
	Created bool
}

// EnsureBmListenersResult says, per requested listener and in the
// request's order, whether it was created or already there.
type EnsureBmListenersResult struct {
	Listeners []EnsuredListener
	// TaskIDs are the create tasks this call started and saw succeed.
	TaskIDs []int64
}

// ErrListenerConflict is matched (errors.Is) by a *ConflictError.
var ErrListenerConflict = errors.New("bmlb: a listener exists with other settings")

// ListenerConflict is a requested listener whose protocol and port are
// taken by a listener with other settings (or one whose creation failed).
type ListenerConflict struct {
	ListenerKey
	ListenerID string
	// Fields names what differs, e.g. "ListenerName", "TimeOut", "Status".
	Fields []string
}

// ConflictError lists the requested listeners that exist with other
// settings: EnsureBmListeners changes no existing listener.
type ConflictError struct{ Conflicts []ListenerConflict }

// Error names each conflict and what differs.
func (e *ConflictError) Error() string {
	parts := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		parts[i] = fmt.Sprintf("%s (%s differs in %s)", c.ListenerKey, c.ListenerID, strings.Join(c.Fields, ", "))
	}
	return "bmlb: listeners exist with other settings: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrListenerConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrListenerConflict }

// EnsureError is an EnsureBmListeners that did not finish. InDoubt lists
// the requested listeners that may or may not exist now (a create whose
// outcome is unknown); Present those known to exist. Every other requested
// listener is known not to exist.
type EnsureError struct {
	LoadBalancerID string
	Present        []EnsuredListener
	InDoubt        []ListenerKey
	Err            error
}

// Error says what is in doubt and why.
func (e *EnsureError) Error() string {
	doubt := "none in doubt"
	if len(e.InDoubt) > 0 {
		keys := make([]string, len(e.InDoubt))
		for i, k := range e.InDoubt {
			keys[i] = k.String()
		}
		doubt = "in doubt: " + strings.Join(keys, ", ")
	}
	return fmt.Sprintf("bmlb: ensuring listeners on %s (%d present, %s): %v", e.LoadBalancerID, len(e.Present), doubt, e.Err)
}

// Unwrap returns the cause.
func (e *EnsureError) Unwrap() error { return e.Err }

// DefaultEnsureWait bounds each wait of EnsureBmListeners (for a task, or
// for listeners still being created); the context bounds the whole call.
const DefaultEnsureWait = 10 * time.Minute

// ensureRounds bounds how often EnsureBmListeners lists and creates before
// it gives up with the listeners in doubt.
const ensureRounds = 5

// EnsureBmListeners makes every requested listener exist exactly once,
// although CreateBmListeners has no idempotency token:
//
//  1. It lists the load balancer's listeners (DescribeBmListeners),
//     waiting while a requested one is still being created.
//  2. A requested (protocol, port) that exists with the same settings is
//     "already there"; with other settings it is a *ConflictError (nothing
//     existing is changed). Settings compared: the name, the switches, and
//     every other field the request sets, unset numbers at their documented
//     defaults (Bandwidth only when set).
//  3. It creates only the missing ones, in one CreateBmListeners, and waits
//     for the task. A failed task created nothing.
//  4. When the create's outcome is unknown (MayHaveApplied), it never just
//     sends again: it goes back to 1, and creates only what is still
//     missing. A -12013 (VportIsDuplicate) answer means a listener is
//     already there, confirmed by listing in 1.
//
// The result says, per requested listener, whether it was created or
// already there, with its id. Any failure is an *EnsureError whose InDoubt
// lists the listeners that may or may not exist; the context bounds the
// whole call.
func (c *Client) EnsureBmListeners(ctx context.Context, req *CreateBmListenersRequest) (*EnsureBmListenersResult, error) {
	if c == nil || c.t == nil {
		return nil, errNotMade
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	e := ensure{c: c, req: req, ours: map[ListenerKey]bool{}, inDoubt: map[ListenerKey]bool{}}
	return e.run(ctx)
}

// ensure runs on the client's unconverted calls (so the shared layer's
// checks see its own error types) and converts once, in fail.
type ensure struct {
	c       *Client
	req     *CreateBmListenersRequest
	ours    map[ListenerKey]bool // sent in a create of this call that succeeded or may have
	inDoubt map[ListenerKey]bool // sent in a create whose outcome is unknown
	tasks   []int64
	present []EnsuredListener // as of the last listing
}

func keyOf(l *Listener) ListenerKey { return ListenerKey{l.Protocol, l.LoadBalancerPort} }

func (e *ensure) run(ctx context.Context) (*EnsureBmListenersResult, error) {
	for round := 1; ; round++ {
		missing, err := e.list(ctx)
		if err != nil {
			return nil, e.fail(err)
		}
		if len(missing) == 0 {
			return &EnsureBmListenersResult{Listeners: e.present, TaskIDs: e.tasks}, nil
		}
		if round > ensureRounds {
			return nil, e.fail(fmt.Errorf("%d listeners still missing after %d rounds of listing and creating", len(missing), ensureRounds))
		}
		if err := e.create(ctx, missing); err != nil {
			return nil, e.fail(err)
		}
	}
}

// list reads the load balancer's listeners, waiting while a requested one
// is being created; it fills e.present and returns the requested listeners
// that are missing.
func (e *ensure) list(ctx context.Context) ([]Listener, error) {
	var listed *DescribeBmListenersResponse
	w := e.c.t.Waiter("the listeners of "+e.req.LoadBalancerID, "created", DefaultEnsureWait)
	w.Transient = transientRead
	w.Poll = func(ctx context.Context) (string, bool, error) {
		d, err := e.c.describeBmListeners(ctx, &DescribeBmListenersRequest{LoadBalancerID: e.req.LoadBalancerID})
		if err != nil {
			return "", false, err
		}
		listed = d
		for _, l := range d.Listeners {
			if l.Status == ListenerCreating && e.requested(ListenerKey{l.Protocol, l.LoadBalancerPort}) {
				return "creating", false, nil
			}
		}
		return "listed", true, nil
	}
	if err := w.Wait(ctx); err != nil {
		return nil, err
	}
	byKey := map[ListenerKey]*DescribedListener{}
	for i := range listed.Listeners {
		l := &listed.Listeners[i]
		byKey[ListenerKey{l.Protocol, l.LoadBalancerPort}] = l
	}
	e.present = e.present[:0]
	var missing []Listener
	var conflicts []ListenerConflict
	for i := range e.req.Listeners {
		want := &e.req.Listeners[i]
		key := keyOf(want)
		have, ok := byKey[key]
		if !ok {
			missing = append(missing, *want)
			continue
		}
		if fields := differences(want, have); len(fields) > 0 {
			conflicts = append(conflicts, ListenerConflict{ListenerKey: key, ListenerID: have.ListenerID, Fields: fields})
			continue
		}
		delete(e.inDoubt, key)
		e.present = append(e.present, EnsuredListener{ListenerKey: key, ListenerID: have.ListenerID, Created: e.ours[key]})
	}
	if len(conflicts) > 0 {
		return nil, &ConflictError{Conflicts: conflicts}
	}
	return missing, nil
}

func (e *ensure) requested(k ListenerKey) bool {
	for i := range e.req.Listeners {
		if keyOf(&e.req.Listeners[i]) == k {
			return true
		}
	}
	return false
}

// create sends one CreateBmListeners for missing and waits for its task.
// An error it returns ends the call; nil means "list again".
func (e *ensure) create(ctx context.Context, missing []Listener) error {
	resp, err := e.c.createBmListeners(ctx, &CreateBmListenersRequest{LoadBalancerID: e.req.LoadBalancerID, Listeners: missing})
	var op *transport.OperationError
	switch {
	case err == nil:
		for i := range missing {
			e.inDoubt[keyOf(&missing[i])] = true // until the task's end is known
			e.ours[keyOf(&missing[i])] = true
		}
		werr := e.c.waitForTask(ctx, resp.TaskID, DefaultEnsureWait)
		switch {
		case werr == nil:
			e.tasks = append(e.tasks, resp.TaskID)
			return nil
		case errors.Is(werr, ErrTaskFailed):
			for i := range missing {
				delete(e.inDoubt, keyOf(&missing[i])) // a failed task created nothing
				delete(e.ours, keyOf(&missing[i]))
			}
			return werr
		case ctx.Err() != nil:
			return werr
		}
		return nil // the task's end is unknown: list again
	case errors.Is(err, ErrInvalidParameterVportIsDuplicate):
		return nil // one of them is there already: listing confirms which
	case errors.As(err, &op) && op.MayHaveApplied:
		for i := range missing {
			e.inDoubt[keyOf(&missing[i])] = true
			e.ours[keyOf(&missing[i])] = true
		}
		if ctx.Err() != nil {
			return err
		}
		return nil // never just send again: list, and create only what is still missing
	}
	return err
}

func (e *ensure) fail(err error) error {
	out := &EnsureError{LoadBalancerID: e.req.LoadBalancerID, Present: e.present, Err: public.Convert(err)}
	for i := range e.req.Listeners {
		if k := keyOf(&e.req.Listeners[i]); e.inDoubt[k] {
			out.InDoubt = append(out.InDoubt, k)
		}
	}
	return out
}

// differences names the settings in which an existing listener differs
// from a requested one: the name, the switches, and every field the
// request sets (unset numbers at their documented defaults).
func differences(want *Listener, have *DescribedListener) []string {
	var d []string
	differ := func(field string, same bool) {
		if !same {
			d = append(d, field)
		}
	}
	orDefault := func(n, dflt int) int {
		if n == 0 {
			return dflt
		}
		return n
	}
	differ("Status", have.Status == ListenerRunning || have.Status == ListenerCreating)
	differ("ListenerName", want.ListenerName == have.ListenerName)
	differ("SessionExpire", want.SessionExpire == have.SessionExpire)
	differ("HealthSwitch", want.HealthSwitch == have.HealthSwitch)
	differ("CustomHealthSwitch", want.CustomHealthSwitch == have.CustomHealthSwitch)
	differ("ToaFlag", want.ToaFlag == have.ToaFlag)
	differ("TimeOut", orDefault(want.TimeOut, defaultTimeOut) == orDefault(have.TimeOut, defaultTimeOut))
	differ("IntervalTime", orDefault(want.IntervalTime, defaultInterval) == orDefault(have.IntervalTime, defaultInterval))
	differ("HealthNum", orDefault(want.HealthNum, 3) == orDefault(have.HealthNum, 3))
	differ("UnhealthNum", orDefault(want.UnhealthNum, 3) == orDefault(have.UnhealthNum, 3))
	differ("Bandwidth", want.Bandwidth == nil || *want.Bandwidth == have.Bandwidth)
	differ("InputType", want.InputType == "" || want.InputType == have.InputType)
	differ("LineSeparatorType", want.LineSeparatorType == 0 || want.LineSeparatorType == have.LineSeparatorType)
	differ("HealthRequest", want.HealthRequest == "" || want.HealthRequest == have.HealthRequest)
	differ("HealthResponse", want.HealthResponse == "" || want.HealthResponse == have.HealthResponse)
	return d
}
