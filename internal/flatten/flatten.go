// Package flatten turns typed request structs into the flat parameter lists
// both services take, with go-querystring and its Encoder interface.
//
// Struct fields carry `url:"Name,omitempty"` tags. Lists of structs use
// [OneBased] (Alibaba: PortRanges.1.FromPort) or [ZeroBased] (Tencent:
// listeners.0.loadBalancerPort); both run through one function, so the only
// difference between the providers is the first index. Booleans are
// "true"/"false", or "1"/"0" with the tag option "int"; optional fields use
// omitempty, and a pointer where zero is a valid value (a nil pointer is left
// out, a pointer to 0 sends "0").
package flatten

import (
	"net/url"
	"strconv"

	"github.com/google/go-querystring/query"
)

// Values flattens a struct (or a pointer to one) into parameters.
func Values(v any) (url.Values, error) { return query.Values(v) }

// OneBased is a list of structs flattened as key.1.Field, key.2.Field, ...
type OneBased[T any] []T

// EncodeValues implements query.Encoder.
func (s OneBased[T]) EncodeValues(key string, v *url.Values) error {
	return encodeIndexed(key, 1, s, v)
}

// ZeroBased is a list of structs flattened as key.0.field, key.1.field, ...
type ZeroBased[T any] []T

// EncodeValues implements query.Encoder.
func (s ZeroBased[T]) EncodeValues(key string, v *url.Values) error {
	return encodeIndexed(key, 0, s, v)
}

func encodeIndexed[T any](key string, first int, items []T, v *url.Values) error {
	for i := range items {
		fields, err := query.Values(items[i])
		if err != nil {
			return err
		}
		prefix := key + "." + strconv.Itoa(first+i) + "."
		for name, values := range fields {
			(*v)[prefix+name] = values
		}
	}
	return nil
}
