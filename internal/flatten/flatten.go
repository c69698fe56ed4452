// Package flatten turns typed request structs into the flat, sorted
// parameter lists both services take.
//
// Struct fields carry `url:"Name,omitempty"` tags (the syntax of
// go-querystring, which this package replaced on the request path: it
// reflected over every tag on every call, and built a map, a key string and
// a slice per parameter, which was most of a request's local cost).
// go-querystring stays as the reference the tests check this package
// against: the list types implement its query.Encoder. Lists of structs use
// [OneBased] (Alibaba: PortRanges.1.FromPort) or [ZeroBased] (Tencent:
// listeners.0.loadBalancerPort); the only difference between the providers
// is the first index.
//
// Field kinds: strings, integers, booleans ("true"/"false", or "1"/"0" with
// the tag option "int"), pointers to integers (nil is left out, a pointer to
// 0 sends "0": for fields where zero is a valid value), the two list types
// and [Dotted] (one struct as key.Field). Lists and structs nest: a list in
// a list element chains its indexes (Groups.1.Endpoints.2.Weight). A field without a tag, or tagged "-", is not sent; omitempty leaves
// out zero values.
//
// Each struct type is read once into a plan: its fields sorted by name, and
// for lists the parameter names of each index, built once and kept. Values
// then go straight into the list, in sorted order, so signing needs no sort.
package flatten

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/go-querystring/query"

	"github.com/listenerkit/listenerkit-go/signing"
)

// OneBased is a list of structs flattened as key.1.Field, key.2.Field, ...
type OneBased[T any] []T

// ZeroBased is a list of structs flattened as key.0.field, key.1.field, ...
type ZeroBased[T any] []T

// Dotted is one struct flattened as key.Field (GA's
// XForwardedForConfig.XRealIpEnabled); a nil V sends nothing.
type Dotted[T any] struct{ V *T }

// EncodeValues encodes the struct for go-querystring as key.field.
func (d Dotted[T]) EncodeValues(key string, v *url.Values) error {
	if d.V == nil {
		return nil
	}
	fields, err := query.Values(d.V)
	if err != nil {
		return err
	}
	for name, values := range fields {
		for _, value := range values {
			v.Add(key+"."+name, value)
		}
	}
	return nil
}

func (Dotted[T]) dotted() {}

// dottedStruct is what every Dotted has.
type dottedStruct interface{ dotted() }

var dottedType = reflect.TypeFor[dottedStruct]()

func (OneBased[T]) firstIndex() int  { return 1 }
func (ZeroBased[T]) firstIndex() int { return 0 }

// EncodeValues encodes the list for go-querystring (query.Encoder), which
// the tests use as the slow, obviously-right reference for this package:
// query.Values of a request must equal what Values makes of it.
func (l OneBased[T]) EncodeValues(key string, v *url.Values) error { return encodeList(key, 1, l, v) }

// EncodeValues is OneBased's, from index 0.
func (l ZeroBased[T]) EncodeValues(key string, v *url.Values) error { return encodeList(key, 0, l, v) }

// encodeList adds key.N.field for every field go-querystring encodes of
// each element, N counting from first.
func encodeList[T any](key string, first int, list []T, v *url.Values) error {
	for i, elem := range list {
		fields, err := query.Values(elem)
		if err != nil {
			return err
		}
		prefix := key + "." + strconv.Itoa(first+i) + "."
		for name, values := range fields {
			for _, value := range values {
				v.Add(prefix+name, value)
			}
		}
	}
	return nil
}

// indexed is what both list types share.
type indexed interface{ firstIndex() int }

var indexedType = reflect.TypeFor[indexed]()

// Append appends the parameters of v, a struct or a pointer to one, to dst
// in name order (byte order), and returns the extended list. It fails only
// for a field kind this package does not support: a programming error.
func Append(dst signing.Params, v any) (signing.Params, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	p, err := planOf(rv.Type())
	if err != nil {
		return dst, err
	}
	dst = slices.Grow(dst, p.count(rv))
	return p.append(dst, rv, p.names), nil
}

// Values is Append into a new list.
func Values(v any) (signing.Params, error) { return Append(nil, v) }

type fieldKind int

const (
	kindString fieldKind = iota
	kindInt
	kindUint
	kindBool
	kindBoolInt
	kindIntPointer
	kindList
	kindDotted
)

// field is one tagged struct field.
type field struct {
	index     int
	name      string
	kind      fieldKind
	omitEmpty bool
	list      *listPlan // for kindList
	sub       *plan     // for kindDotted: the struct's plan
	subNames  []string  // for kindDotted: its parameter names under name
}

// plan is a struct type's fields in the order their parameters sort, and
// their names.
type plan struct {
	fields []field
	names  []string
}

// listPlan flattens a OneBased or ZeroBased field.
type listPlan struct {
	name  string
	first int
	elem  *plan
	// names[i][j] is the parameter name of element i's field j (fields in
	// elem's order), built on first use. Copy-on-write under mu.
	names atomic.Pointer[[][]string]
	mu    sync.Mutex
}

// maxCachedIndexes bounds the names kept per list; longer lists build the
// rest per call.
const maxCachedIndexes = 1024

var plans sync.Map // reflect.Type → *plan

func planOf(t reflect.Type) (*plan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*plan), nil
	}
	p, err := buildPlan(t)
	if err != nil {
		return nil, err
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan), nil
}

func buildPlan(t reflect.Type) (*plan, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("flatten: %s is not a struct", t)
	}
	var p plan
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("url")
		if !ok || tag == "-" || !sf.IsExported() {
			continue
		}
		name, options, _ := strings.Cut(tag, ",")
		f := field{index: i, name: name}
		for _, o := range strings.Split(options, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "int":
				f.kind = kindBoolInt
			}
		}
		kind, err := kindOf(sf.Type, f.kind == kindBoolInt)
		if err != nil {
			return nil, fmt.Errorf("flatten: %s.%s: %w", t, sf.Name, err)
		}
		f.kind = kind
		if kind == kindDotted {
			sub, err := buildPlan(sf.Type.Field(0).Type.Elem())
			if err != nil {
				return nil, err
			}
			f.sub, f.subNames = sub, prefixed(name+".", sub)
		}
		if kind == kindList {
			elem, err := buildPlan(sf.Type.Elem())
			if err != nil {
				return nil, err
			}
			first := reflect.Zero(sf.Type).Interface().(indexed).firstIndex()
			f.list = &listPlan{name: name, first: first, elem: elem}
		}
		p.fields = append(p.fields, f)
	}
	// A list's parameters all start with "name.", so it sorts as that.
	slices.SortFunc(p.fields, func(a, b field) int { return strings.Compare(a.sortKey(), b.sortKey()) })
	for _, f := range p.fields {
		p.names = append(p.names, f.name)
	}
	return &p, nil
}

func (f field) sortKey() string {
	if f.kind == kindList || f.kind == kindDotted {
		return f.name + "."
	}
	return f.name
}

func kindOf(t reflect.Type, boolAsInt bool) (fieldKind, error) {
	switch {
	case t.Implements(dottedType):
		return kindDotted, nil
	case t.Implements(indexedType):
		if t.Elem().Kind() != reflect.Struct {
			return 0, fmt.Errorf("a list of %s, not of structs", t.Elem())
		}
		return kindList, nil
	case t.Kind() == reflect.String:
		return kindString, nil
	case t.Kind() == reflect.Bool && boolAsInt:
		return kindBoolInt, nil
	case t.Kind() == reflect.Bool:
		return kindBool, nil
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return kindInt, nil
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		return kindUint, nil
	case t.Kind() == reflect.Pointer && t.Elem().Kind() >= reflect.Int && t.Elem().Kind() <= reflect.Int64:
		return kindIntPointer, nil
	}
	return 0, fmt.Errorf("unsupported type %s", t)
}

// count is an upper bound of the parameters of v, to size the list once.
func (p *plan) count(v reflect.Value) int {
	n := 0
	for _, f := range p.fields {
		if f.kind == kindList {
			n += v.Field(f.index).Len() * len(f.list.elem.fields)
		} else if f.kind == kindDotted {
			if !v.Field(f.index).Field(0).IsNil() {
				n += len(f.sub.fields)
			}
		} else {
			n++
		}
	}
	return n
}

// append writes v's parameters under the names in names, one per field
// (p.names, or a list element's prefixed names).
func (p *plan) append(dst signing.Params, v reflect.Value, names []string) signing.Params {
	for j := range p.fields {
		f := &p.fields[j]
		fv := v.Field(f.index)
		switch f.kind {
		case kindList:
			dst = f.list.append(dst, fv, names[j])
			continue
		case kindDotted:
			ptr := fv.Field(0)
			if ptr.IsNil() {
				continue
			}
			subNames := f.subNames
			if names[j] != f.name { // inside a list element: under its prefix
				subNames = prefixed(names[j]+".", f.sub)
			}
			dst = f.sub.append(dst, ptr.Elem(), subNames)
			continue
		}
		if f.omitEmpty && fv.IsZero() {
			continue
		}
		var value string
		switch f.kind {
		case kindString:
			value = fv.String()
		case kindInt:
			value = strconv.FormatInt(fv.Int(), 10)
		case kindUint:
			value = strconv.FormatUint(fv.Uint(), 10)
		case kindBool:
			value = strconv.FormatBool(fv.Bool())
		case kindBoolInt:
			value = "0"
			if fv.Bool() {
				value = "1"
			}
		case kindIntPointer:
			if fv.IsNil() {
				continue
			}
			value = strconv.FormatInt(fv.Elem().Int(), 10)
		}
		dst = append(dst, signing.Param{Name: names[j], Value: value})
	}
	return dst
}

// prefixed is the parameter names of p's fields under prefix.
func prefixed(prefix string, p *plan) []string {
	names := make([]string, len(p.fields))
	for j, f := range p.fields {
		names[j] = prefix + f.name
	}
	return names
}

// append writes the elements in the byte order of their indexes
// (1, 10, 11, 2, ...), so the whole list stays sorted. name is the list's
// full parameter name: its own, or under a list element's or struct's
// prefix when nested (whose names are built per call, not kept).
func (l *listPlan) append(dst signing.Params, v reflect.Value, name string) signing.Params {
	n := v.Len()
	if n == 0 {
		return dst
	}
	if name != l.name {
		var buf [64]int
		for _, index := range inByteOrder(l.first, l.first+n-1, buf[:0]) {
			dst = l.elem.append(dst, v.Index(index-l.first), prefixed(name+"."+strconv.Itoa(index)+".", l.elem))
		}
		return dst
	}
	cached := l.namesFor(n)
	var buf [64]int
	for _, index := range inByteOrder(l.first, l.first+n-1, buf[:0]) {
		i := index - l.first
		var names []string
		if i < len(cached) {
			names = cached[i]
		} else {
			names = l.elementNames(index)
		}
		dst = l.elem.append(dst, v.Index(i), names)
	}
	return dst
}

// elementNames are the parameter names of the element at index.
func (l *listPlan) elementNames(index int) []string {
	return prefixed(l.name+"."+strconv.Itoa(index)+".", l.elem)
}

// namesFor returns the kept names for the first min(n, maxCachedIndexes)
// elements, building what is missing.
func (l *listPlan) namesFor(n int) [][]string {
	n = min(n, maxCachedIndexes)
	if names := l.names.Load(); names != nil && len(*names) >= n {
		return *names
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var names [][]string
	if old := l.names.Load(); old != nil {
		if len(*old) >= n {
			return *old
		}
		names = slices.Clone(*old)
	}
	for i := len(names); i < n; i++ {
		names = append(names, l.elementNames(l.first+i))
	}
	l.names.Store(&names)
	return names
}

// inByteOrder appends every integer in [lo, hi] to out in the order of their
// decimal strings (0, 1, 10, 100, 11, ..., 2, 20, ...): a pre-order walk of
// the decimal digit tree.
func inByteOrder(lo, hi int, out []int) []int {
	if lo == 0 {
		out = append(out, 0)
	}
	for d := 1; d <= 9 && d <= hi; d++ {
		out = walkDigits(d, lo, hi, out)
	}
	return out
}

func walkDigits(x, lo, hi int, out []int) []int {
	if x >= lo {
		out = append(out, x)
	}
	for d := 0; d <= 9; d++ {
		child := x*10 + d
		if child > hi {
			break
		}
		out = walkDigits(child, lo, hi, out)
	}
	return out
}
