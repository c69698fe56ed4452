package transport

import "github.com/listenerkit/listenerkit-go/internal/validate"

// Public turns the transport's error types into a provider's own, through
// every wrapper the transport makes, so that what a caller of ga or bmlb
// handles is a type of that package, documented there with its fields.
// Each function gets the error and its cause already turned.
type Public struct {
	Operation  func(e *OperationError, cause error) error
	Response   func(e *ResponseError, cause error) error
	Redirect   func(e *RedirectError) error
	Wait       func(e *WaitError, cause error) error
	Validation func(e *validate.Error) error
}

// Convert returns err with every transport type in its chain replaced by
// the provider's; other errors (the provider's own, the network's, the
// context's) are kept as they are.
func (p Public) Convert(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *OperationError:
		return p.Operation(e, p.Convert(e.Err))
	case *ResponseError:
		return p.Response(e, p.Convert(e.Err))
	case *RedirectError:
		return p.Redirect(e)
	case *WaitError:
		return p.Wait(e, p.Convert(e.Err))
	case *validate.Error:
		return p.Validation(e)
	case *contextEnded:
		return &contextEnded{ctx: e.ctx, last: p.Convert(e.last)}
	case *notRetried:
		return &notRetried{err: p.Convert(e.err), wait: e.wait}
	case *timedOut:
		return &timedOut{last: p.Convert(e.last)}
	}
	return err
}
