// Package gatest is an in-process fake of the GA CreateListener service for
// your tests: real HTTP on loopback, real signature checks, the service's
// JSON shapes and HTTP statuses.
//
// # Behaviour
//
// The fake verifies either signature: RPC 1.0 (query or form body, GET or
// POST) and V3 (ACS3-HMAC-SHA256: the Authorization header, the signed
// headers and the body's SHA-256); the time (15 minutes of skew), nonce
// reuse, Action and Version. It applies the API page's rules itself, and
// the API reference's for the newer fields (reporting their documented
// defaults in DescribeListener), and what only the service knows:
// unknown or inactive accelerators, the listener quota, port conflicts with
// existing listeners (tcp, http and https share ports; udp is separate), one
// listener of more than 300 ports per protocol, and ClientToken idempotency.
//
// # Outcomes
//
// Listeners start init and become active after [WithActivationDelay] (or
// on their [WithActivationPolls]-th DescribeListener); DescribeListener and
// DescribeAccelerator answer as the service does. [WithBusyWindow] makes an
// accelerator refuse creates with StateError.Accelerator for a while after
// each one, and [Server.SetListenersNeverActive] creates listeners that
// never become active. [Server.Accepted] returns every request the fake
// accepted with all its parameters, and [Server.Listeners] every field of
// each listener, so tests can assert on what their code sent.
//
// # Faults
//
// [Server.InjectFault] and [Server.SetRandomFaults] make requests fail the
// ways networks and services do: resets before or after the listener is
// created, 5xx, throttling, slow, truncated or non-JSON answers.
package gatest
