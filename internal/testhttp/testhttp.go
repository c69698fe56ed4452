// Package testhttp holds the HTTP helpers the module's tests share.
package testhttp

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// RoundTripFunc adapts a function to http.RoundTripper.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// LastAnswer is a RoundTripper over http.DefaultTransport that keeps the
// raw body of the last answer, for tests of a wire shape.
type LastAnswer struct {
	mu   sync.Mutex
	body []byte
}

// RoundTrip sends r and keeps a copy of the answer's body.
func (l *LastAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	l.mu.Lock()
	l.body = body
	l.mu.Unlock()
	return resp, nil
}

// Body is the last answer's body.
func (l *LastAnswer) Body() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.body
}
