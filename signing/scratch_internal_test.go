package signing

import "testing"

// A string to sign holds the session token: its buffer is zeroed whole
// before it goes back to the pool.
func TestScratchIsZeroedBeforeReuse(t *testing.T) {
	p := getScratch(16)
	*p = append(*p, "token=secret"...)
	full := (*p)[:cap(*p)]
	putScratch(p)
	for i, c := range full {
		if c != 0 {
			t.Fatalf("byte %d is %q after putScratch", i, c)
		}
	}
}
