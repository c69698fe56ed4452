// Package lenient decodes JSON values the way the services actually send
// them: numbers that arrive as strings, booleans as 0/1 or "true", enum
// values in either case. Both providers' decoders use it, so that a
// documented field never fails to decode for its spelling.
package lenient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Int is a JSON number, or a string holding one ("5100"). Set tells a
// present value from an absent or null one.
type Int struct {
	N   int64
	Set bool
}

// UnmarshalJSON reads a number, a quoted number, null or "".
func (i *Int) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", clip(b))
	}
	i.N, i.Set = n, true
	return nil
}

// Bool is true, false, 1, 0, or any of them quoted.
type Bool bool

// UnmarshalJSON reads true/false/1/0, quoted or not, and null as false.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch strings.ToLower(string(bytes.Trim(b, `"`))) {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return fmt.Errorf("not a boolean: %q", clip(b))
	}
	return nil
}

// Lower is a string decoded in lower case, for enum values the service may
// send in upper case (TCP for tcp).
type Lower string

// UnmarshalJSON reads a string (or a number, as its digits) and lowers it.
func (v *Lower) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("not a string: %q", clip(b))
		}
	}
	*v = Lower(strings.ToLower(s))
	return nil
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
