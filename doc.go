// Package listenerkit is the root of listenerkit-go, a typed Go client for
// creating network listeners on two clouds:
//
//   - [github.com/listenerkit/listenerkit-go/ga]: Alibaba Cloud Global
//     Accelerator, CreateListener (API 2019-11-20), with the fake service
//     [github.com/listenerkit/listenerkit-go/ga/gatest].
//   - [github.com/listenerkit/listenerkit-go/bmlb]: Tencent Cloud
//     black-stone load balancer, CreateBmListeners (API 2.0), with the fake
//     service [github.com/listenerkit/listenerkit-go/bmlb/bmlbtest].
//   - [github.com/listenerkit/listenerkit-go/signing]: credentials and the
//     two signature algorithms.
//
// # Quick start
//
// From a clone, with no cloud account:
//
//	go run ./examples/quickstart
//	go test ./...
//
// This package holds only the module's [Version].
package listenerkit

//go:generate go run ./internal/gen

// Version is this module's version. Both clients send it in their
// User-Agent ("listenerkit-go/<Version> (<Go version>; <os>/<arch>)"),
// which ga.WithUserAgent and bmlb.WithUserAgent extend with an
// application's own name.
const Version = "0.2.0"
