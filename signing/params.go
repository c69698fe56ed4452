package signing

import (
	"net/url"
	"slices"
	"strings"
)

// Param is one request parameter.
type Param struct {
	Name, Value string
}

// Params is a request's parameters as a list, the form both signatures and
// the wire encoding read without a map or a copy per parameter. A list
// sorted by name (then value) is signed as it is; any other order is sorted
// on a copy first, so the order never changes a signature.
type Params []Param

// ParamsFromValues lists v's parameters sorted by name, then value, as a
// service does before checking a signature.
func ParamsFromValues(v url.Values) Params {
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	p := make(Params, 0, n)
	for name, vs := range v {
		for _, value := range vs {
			p = append(p, Param{name, value})
		}
	}
	slices.SortFunc(p, compareParams)
	return p
}

// Get returns the first value of name, or "".
func (p Params) Get(name string) string {
	for _, kv := range p {
		if kv.Name == name {
			return kv.Value
		}
	}
	return ""
}

// Values returns p as url.Values.
func (p Params) Values() url.Values {
	v := make(url.Values, len(p))
	for _, kv := range p {
		v[kv.Name] = append(v[kv.Name], kv.Value)
	}
	return v
}

// Sorted reports whether p is sorted by name, then value.
func (p Params) Sorted() bool { return slices.IsSortedFunc(p, compareParams) }

// Sort sorts p by name, then value, in place.
func (p Params) Sort() { slices.SortFunc(p, compareParams) }

// MergeSorted returns a new list with the parameters of a and b, both
// sorted, in sorted order: the cost of adding a few common parameters to a
// long, already sorted list stays linear.
func MergeSorted(a, b Params) Params { return AppendMerged(make(Params, 0, len(a)+len(b)), a, b) }

// AppendMerged is MergeSorted appending to out (which may come from a
// pool).
func AppendMerged(out, a, b Params) Params {
	out = slices.Grow(out, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compareParams(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// AppendQuery appends p to dst as name=value pairs joined by "&", in p's
// order, each name and value percent-encoded per RFC 3986 (what
// [url.ParseQuery] and every form parser decode). A parameter named
// Signature is left out: the caller appends it last.
func (p Params) AppendQuery(dst []byte) []byte {
	first := true
	for _, kv := range p {
		if kv.Name == signatureParam {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = AppendPercentEncoded(dst, kv.Name)
		dst = append(dst, '=')
		dst = AppendPercentEncoded(dst, kv.Value)
	}
	return dst
}

// EncodedLen estimates len(p.AppendQuery(nil)), for sizing a buffer once:
// the raw length and half again for escapes, which covers the names and
// numbers both services take without a second pass.
func (p Params) EncodedLen() int {
	n := 0
	for _, kv := range p {
		n += len(kv.Name) + len(kv.Value) + 2
	}
	return n + n/2
}

func compareParams(a, b Param) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

// AppendPercentEncoded appends s encoded per RFC 3986: A-Z a-z 0-9 - _ . ~
// stay, every other byte of its UTF-8 form becomes %XX with upper-case hex.
// This is the encoding of Alibaba's signature, and a valid form and query
// encoding (a space is %20, never "+").
func AppendPercentEncoded(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for len(s) > 0 {
		i := 0
		for i < len(s) && unreserved[s[i]] {
			i++
		}
		dst = append(dst, s[:i]...) // runs of unreserved bytes are copied whole
		if i == len(s) {
			break
		}
		c := s[i]
		dst = append(dst, '%', hex[c>>4], hex[c&0xF])
		s = s[i+1:]
	}
	return dst
}

// unreserved marks the bytes RFC 3986 leaves as they are: A-Z a-z 0-9 - _ . ~
var unreserved = func() (t [256]bool) {
	for c := range t {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()
