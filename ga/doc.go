// Package ga creates listeners on Alibaba Cloud Global Accelerator with the
// CreateListener API (version 2019-11-20).
//
//	c, err := ga.NewClient() // credentials: signing.NewAlibabaDefaultCredentials
//	resp, err := c.CreateListener(ctx, &ga.CreateListenerRequest{
//		AcceleratorID: "ga-bp1odcab8tmno0hdq",
//		PortRanges:    []ga.PortRange{{FromPort: 80, ToPort: 80}},
//	})
//
// # Authentication
//
// Requests are signed with Alibaba Cloud RPC signature 1.0 (package
// signing), or with signature V3 (ACS3-HMAC-SHA256) given
// [WithSignatureV3]. Credentials come from [WithCredentials] or, by
// default, Alibaba Cloud's default chain (signing.NewAlibabaDefaultCredentials:
// the ALIBABA_CLOUD_* variables, OIDC, the CLI's and SDKs' files, the ECS
// instance role, a credentials URI), asked before every attempt.
//
// # Fields
//
// [CreateListenerRequest] has the seed page's fields and those the API has
// gained since: Type, SecurityPolicyID, XForwardedForConfig, IdleTimeout,
// RequestTimeout, HTTPVersion and EndpointGroupConfigurations (endpoint
// groups with their endpoints, port overrides and health checks, created
// with the listener). Enumerations are types with Values(); zero values are
// not sent; Weight is a *int because 0 is a weight. [Client.DescribeListener]
// reports the newer fields too.
//
// # Validation
//
// [CreateListenerRequest.Validate] checks every rule of the API page (and of
// the API reference, for the newer fields) before anything is sent and
// reports all violations at once in a [*ValidationError], each naming its
// field and documented [ErrorCode]. What the documentation says the service
// ignores is sent, and listed by [CreateListenerRequest.Warnings].
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
// retry is the SDK's own attempt, with a new signature nonce: nothing below
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
