// Package livecheck is what the example programs share for -live: one check that
// lists, at once, every flag and every credentials source a real call still
// needs.
package livecheck

import (
	"context"
	"fmt"
	"io"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Credentials is one provider -live signs with, and what to call it.
type Credentials struct {
	Label    string // e.g. "Alibaba Cloud credentials"
	Provider signing.CredentialsProvider
}

// Ready asks each provider for credentials within ctx and reports on w,
// in one list, the missing flags (names such as "-accelerator", empty
// entries ignored) and every provider that has none, with the places it
// looked. It returns false when anything is missing: the program then
// exits 2 with nothing sent.
func Ready(ctx context.Context, w io.Writer, program string, missingFlags []string, creds ...Credentials) bool {
	var missing []string
	for _, f := range missingFlags {
		if f != "" {
			missing = append(missing, f)
		}
	}
	for _, c := range creds {
		if _, err := c.Provider.Retrieve(ctx); err != nil {
			missing = append(missing, c.Label+": "+err.Error())
		}
	}
	if len(missing) == 0 {
		return true
	}
	fmt.Fprintln(w, program+" -live needs these flags and credentials, which are missing:")
	for _, m := range missing {
		fmt.Fprintln(w, "  "+m)
	}
	return false
}

// Flag returns name when value is empty, else "": for Ready's list.
func Flag(name, value string) string {
	if value == "" {
		return name
	}
	return ""
}
