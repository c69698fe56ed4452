package ga

import "github.com/listenerkit/listenerkit-go/signing"

// RequestParams exposes the flattened parameters of a request, so tests can
// send what the client would refuse to the fake.
func RequestParams(r *CreateListenerRequest, token string) (signing.Params, error) {
	return r.params(token)
}
