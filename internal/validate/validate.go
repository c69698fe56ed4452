// Package validate collects field violations into one error that both
// providers return before anything is sent.
//
// Each violation names the field in Go syntax (PortRanges[1].ToPort) and
// carries the provider's documented error code as an error value, so that
// errors.Is(err, ga.ErrPortRangeIllegalUDP) holds for a local violation just
// as it does for the service's answer.
package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one violated rule.
type FieldError struct {
	// Field is the offending field in Go syntax, e.g. "Listeners[3].TimeOut".
	Field string
	// Code is the documented error code, as the provider's code value.
	Code error
	// Message says what is wrong and what is allowed.
	Message string
}

// Error is "Field: Code: Message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Code.Error() + ": " + e.Message }

// Unwrap returns the code, so errors.Is matches it.
func (e *FieldError) Unwrap() error { return e.Code }

// MaxViolations bounds the violations one error lists, so that a request
// with thousands of bad entries still gets a small error; Omitted counts
// the rest.
const MaxViolations = 50

// Error is every violation of one request, up to MaxViolations.
type Error struct {
	Service    string // "ga" or "bmlb"
	Request    string // the request type, e.g. "CreateListenerRequest"
	Violations []*FieldError
	// Omitted counts the violations found beyond MaxViolations, not listed.
	Omitted int
}

// Error lists every violation.
func (e *Error) Error() string {
	var b strings.Builder
	total := len(e.Violations) + e.Omitted
	fmt.Fprintf(&b, "%s: invalid %s (%d violation", e.Service, e.Request, total)
	if total != 1 {
		b.WriteByte('s')
	}
	b.WriteString("; nothing was sent)")
	for _, v := range e.Violations {
		b.WriteString("\n\t")
		b.WriteString(v.Error())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n\t... and %d more", e.Omitted)
	}
	return b.String()
}

// Unwrap returns the violations, so errors.Is and errors.As see each one
// and its code.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Violations))
	for i, v := range e.Violations {
		errs[i] = v
	}
	return errs
}

// Collector gathers violations while a validator walks a request. Past
// MaxViolations it only counts them.
type Collector struct {
	violations []*FieldError
	omitted    int
}

// Add records that field breaks the rule documented by code.
func (c *Collector) Add(field string, code error, format string, args ...any) {
	if len(c.violations) >= MaxViolations {
		c.omitted++
		return
	}
	c.violations = append(c.violations, &FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, or an *Error with everything.
func (c *Collector) Err(service, request string) error {
	if len(c.violations) == 0 {
		return nil
	}
	return &Error{Service: service, Request: request, Violations: c.violations, Omitted: c.omitted}
}

// Field names a field for a violation: Name alone, or List[Index].Name
// for a field of a list element. Its string is built only when a violation
// is recorded, so a valid request builds no names.
type Field struct {
	List  string // e.g. "Listeners"; empty for a top-level field
	Index int
	Name  string
}

// String is the field in Go syntax: "Name" or "List[Index].Name".
func (f Field) String() string {
	if f.List == "" {
		return f.Name
	}
	return f.List + "[" + strconv.Itoa(f.Index) + "]." + f.Name
}

// Range records a violation with code when value is outside lo..hi.
func (c *Collector) Range(field Field, code error, value, lo, hi int) {
	if value < lo || value > hi {
		c.Add(field.String(), code, "must be %d..%d, got %d", lo, hi, value)
	}
}

// OneOf records a violation with code when value is set (not the zero
// value) and not one of values.
func OneOf[T comparable](c *Collector, field Field, code error, value T, values []T) {
	var zero T
	if value != zero && !slices.Contains(values, value) {
		c.Add(field.String(), code, "must be one of %v, got %#v", values, value)
	}
}
