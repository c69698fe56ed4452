// Package ga creates listeners on Alibaba Cloud Global Accelerator with the
// CreateListener API (version 2019-11-20).
//
//	c, err := ga.NewClient() // ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET
//	resp, err := c.CreateListener(ctx, &ga.CreateListenerRequest{
//		AcceleratorID: "ga-bp1odcab8tmno0hdq",
//		PortRanges:    []ga.PortRange{{FromPort: 80, ToPort: 80}},
//	})
//
// # Authentication
//
// Requests are signed with Alibaba Cloud RPC signature 1.0 (package
// signing). Credentials come from [WithCredentials] or, by default, the
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_SECURITY_TOKEN environment variables, read before every
// attempt.
//
// # Validation
//
// [CreateListenerRequest.Validate] checks every rule of the API page before
// anything is sent and reports all violations at once in a
// [*ValidationError], each naming its field and documented [ErrorCode].
//
// # Errors
//
// Every error code of the API page and the common codes are [ErrorCode]
// constants; errors.Is(err, ga.ErrPortConflictListener) holds for the
// service's [*APIError] and for a local violation alike. A call that was
// attempted and failed returns an [*OperationError] that says how many
// attempts were made and whether the request may have been applied.
//
// # Retries
//
// An empty ClientToken is filled with a UUID once per call and kept across
// retries, so CreateListener is idempotent and is retried (3 attempts by
// default, exponential backoff with jitter, Retry-After honoured) on
// connection failures, HTTP 5xx and 429, Throttling* (whatever the HTTP
// status, 200 included) and ServiceUnavailable, and on nothing else. Each
// retry is the SDK's own attempt, with a new SignatureNonce: nothing below
// the SDK re-sends (not HTTP/2 after a stream reset, not a redirect, which
// is never followed). A call that fails reports its token in
// OperationError.IdempotencyToken: send the request again with that
// ClientToken to get the listener the failed call may have created, not a
// second one. Set ClientToken yourself to make retries across process
// restarts idempotent too.
//
// # Waiting for the result
//
// A listener is created asynchronously: it starts init and is usable only
// once active. [Client.CreateListenerAndWait] creates and waits in one
// call; [Client.WaitUntilListenerActive] waits for one already created;
// [Client.DescribeListener] and [Client.DescribeAccelerator] read the
// states. Waiters poll at once, then with backoff and jitter
// ([WithWaiterDelays]), within a maximum wait and the context; a wait that
// runs out or a listener that is gone is a [*WaitError] that says which
// ([ErrWaitTimedOut], [ErrNotExistListener]).
//
// GA takes one listener create per accelerator at a time, and refuses
// another with StateError.Accelerator while the accelerator is busy. A
// Client therefore lets one create at a time reach an accelerator (others
// queue, within their context), and sends a create refused that way again,
// with the same ClientToken, for up to [WithBusyAcceleratorWait] (default
// [DefaultBusyAcceleratorWait]). Creates on different accelerators run in
// parallel.
//
// # Testing
//
// Depend on [ListenerCreator] in your code. In tests, run the fake service
// in package gatest and point the client at it with [WithEndpoint], or use
// httpmock with a per-test mock transport through [WithHTTPClient].
package ga
