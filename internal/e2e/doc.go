// Package e2e holds the tests that drive both providers the same way
// (cancellation, goroutines left behind, secrets in anything the module
// produces). It has no code of its own.
package e2e
