package transport

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrWaitTimedOut is matched (errors.Is) by a *WaitError whose maximum
// wait ran out before the awaited state was reached.
var ErrWaitTimedOut = errors.New("the maximum wait ran out")

// WaitError is a wait that ended without reaching its state: the maximum
// wait ran out (errors.Is(err, ErrWaitTimedOut)), the context ended, the
// resource is gone or failed (the provider's error, e.g. a NotExist code or
// a failed task), or a poll failed in a way that polling again cannot mend.
type WaitError struct {
	Service  string // "ga" or "bmlb"
	Resource string // what was awaited, e.g. "listener lsr-..."
	Want     string // the state waited for, e.g. "active"
	// LastState is the state the last successful poll saw, empty if none
	// succeeded.
	LastState string
	Polls     int           // polls made
	Waited    time.Duration // time spent
	// Err says why the wait ended: ErrWaitTimedOut (joined with the last
	// poll's error, if it failed), the context's error, or the error that
	// ended it.
	Err error
}

// Error says what was awaited, why the wait ended, and how it went.
func (e *WaitError) Error() string {
	last := ""
	if e.LastState != "" {
		last = ", last state " + e.LastState
	}
	return fmt.Sprintf("%s: waiting for %s to be %s: %v (%d polls in %v%s)",
		e.Service, e.Resource, e.Want, e.Err, e.Polls, e.Waited.Round(time.Millisecond), last)
}

// Unwrap returns why the wait ended.
func (e *WaitError) Unwrap() error { return e.Err }

// Waiter polls until a resource reaches a state, in the manner of
// aws-sdk-go-v2's waiters: the first poll at once, then exponential
// backoff with jitter from MinDelay to MaxDelay, never past MaxWait nor the
// context. A poll that fails transiently (a network failure, 5xx,
// throttling) is followed by another; any other error ends the wait.
type Waiter struct {
	Service, Resource, Want string
	MaxWait                 time.Duration
	MinDelay, MaxDelay      time.Duration
	// Poll looks once: the state it saw and whether that is the end (the
	// wanted state, or a final one it reports as err).
	Poll func(ctx context.Context) (state string, done bool, err error)
	// Transient reports the poll errors worth polling again after.
	Transient func(error) bool
}

// Wait polls until Poll reports done; it returns nil then, or a
// *WaitError.
func (w Waiter) Wait(ctx context.Context) error {
	start := time.Now()
	fail := func(polls int, state string, err error) error {
		return &WaitError{Service: w.Service, Resource: w.Resource, Want: w.Want, LastState: state, Polls: polls, Waited: time.Since(start), Err: err}
	}
	if ctx == nil {
		return fail(0, "", errors.New("nil context.Context"))
	}
	if w.MaxWait <= 0 {
		return fail(0, "", fmt.Errorf("maximum wait %v: must be positive", w.MaxWait))
	}
	deadline := start.Add(w.MaxWait)
	lastState := ""
	var lastErr error
	for polls := 1; ; polls++ {
		state, done, err := w.Poll(ctx)
		switch {
		case err == nil:
			lastState, lastErr = state, nil
			if done {
				return nil
			}
		case ctx.Err() != nil:
			return fail(polls, lastState, withContext(ctx.Err(), err))
		case w.Transient(err):
			lastErr = err
		default:
			if state != "" {
				lastState = state
			}
			return fail(polls, lastState, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fail(polls, lastState, &timedOut{last: lastErr})
		}
		if err := sleep(ctx, min(backoff(polls, w.MinDelay, w.MaxDelay), left)); err != nil {
			return fail(polls, lastState, withContext(err, lastErr))
		}
	}
}

// timedOut is a wait whose maximum ran out, with the last poll's error if
// it failed.
type timedOut struct{ last error }

func (e *timedOut) Error() string {
	if e.last == nil {
		return ErrWaitTimedOut.Error()
	}
	return ErrWaitTimedOut.Error() + "; the last poll failed: " + e.last.Error()
}
func (e *timedOut) Is(target error) bool { return target == ErrWaitTimedOut }
func (e *timedOut) Unwrap() error        { return e.last }
