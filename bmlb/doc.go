// Package bmlb creates layer-4 listeners on Tencent Cloud black-stone load
// balancers with the CreateBmListeners API (legacy API 2.0).
//
//	c, err := bmlb.NewClient(bmlb.WithRegion("bj")) // TENCENTCLOUD_SECRET_ID / _KEY
//	resp, err := c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{
//		LoadBalancerID: "lb-abcdefgh",
//		Listeners: []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"}},
//	})
//
// # Authentication
//
// Requests are signed with the API 2.0 signature, HmacSHA256 by default or
// HmacSHA1 ([WithSignatureMethod]). Credentials come from [WithCredentials]
// or the TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and
// TENCENTCLOUD_SECURITY_TOKEN environment variables, read before every
// attempt.
//
// # Validation
//
// [CreateBmListenersRequest.Validate] checks every rule of the API page
// before anything is sent, all violations at once, each with its field
// (Listeners[3].TimeOut) and [ErrorCode].
//
// # Errors
//
// The page's codes and the common 2.0 codes are [ErrorCode] values matched
// with errors.Is. The service answers errors with HTTP 200 and a non-zero
// code, decoded whether it is a number or a string, into an [*APIError].
// A call that was attempted and failed returns an [*OperationError]; its
// MayHaveApplied says whether the listeners may exist.
//
// # Retries
//
// CreateBmListeners has no idempotency token, so a request that may have
// reached the service is never sent again: only attempts that net/http
// reports wrote nothing to a connection (no connection: refused, DNS, TLS
// handshake) and rate-limit refusals (code 4400, HTTP 429) are retried, each
// attempt with a new Nonce. Nothing below the SDK re-sends either: the
// request reaches net/http without GetBody, so HTTP/2 cannot replay it after
// a stream reset or GOAWAY; HTTP/1.1 never replays a POST; redirects are
// never followed. A RoundTripper that does not report through
// net/http/httptrace (a mock) cannot prove a request unsent, so its
// failures are never retried. The request is a POST form (the API page
// shows GET; the service takes both).
//
// # Waiting for the result, and exactly once
//
// A create returns a task id ([CreateBmListenersResponse.TaskID]);
// [Client.WaitForTask] polls [Client.DescribeBmLoadBalancersTaskResult]
// until the task succeeded, failed ([ErrTaskFailed]: it created nothing) or
// the wait ran out ([ErrWaitTimedOut]). [Client.DescribeBmListeners] lists
// a load balancer's listeners with their status.
//
// CreateBmListeners has no idempotency token, so after a failure that may
// have been applied (OperationError.MayHaveApplied) sending it again could
// create twice. [Client.EnsureBmListeners] finishes such a create exactly
// once: it lists, creates only the (protocol, port) pairs that are missing,
// waits for the task, and after an unknown outcome lists again instead of
// resending. Its result says per listener whether it was created or
// already there; a failure is an [*EnsureError] naming the listeners in
// doubt.
//
// # Testing
//
// Depend on [ListenerCreator]. In tests, run the fake in package bmlbtest,
// or use httpmock with a per-test mock transport through [WithHTTPClient].
package bmlb
