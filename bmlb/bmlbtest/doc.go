// Package bmlbtest is an in-process fake of the BMLB CreateBmListeners
// service (API 2.0) for your tests: real HTTP on loopback, real signature
// checks (HmacSHA1 and HmacSHA256), the service's JSON shapes.
//
// # Behaviour
//
// The fake verifies the signature over the host and path used, the
// Timestamp, Nonce replay (4500) and a missing Region; it applies the API
// page's rules itself, and what only the service knows: unknown load
// balancers, their status, the 50-listener limit counting existing
// listeners, ports already used by a listener of the same protocol. It
// returns increasing task ids.
//
// # Tasks and listings
//
// Each create starts a task that runs for [WithTaskDuration] and then
// succeeds, or fails ([Server.FailNextTasks], [Server.SetRandomTaskFailures]),
// removing its listeners: a failed task creates nothing. Listeners report
// status creating while their task runs, then running.
// DescribeBmListeners and DescribeBmLoadBalancersTaskResult answer in the
// documented shapes. [Server.Accepted] returns every request the fake
// accepted with all its parameters, and [Server.Listeners] every field
// each listener was created with.
//
// # Faults
//
// [Server.InjectFault] and [Server.SetRandomFaults] inject resets (before or
// after the listeners are created), 5xx pages, rate-limit answers, slow,
// truncated or non-JSON answers.
package bmlbtest
