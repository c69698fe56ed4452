package signing

import "sync"

// maxPooledScratch keeps one oversized request from pinning a large buffer
// in the pool for ever.
const maxPooledScratch = 64 << 10

// scratch holds byte buffers for strings to sign. They hold the request's
// values, the session token among them, so a buffer is zeroed whole before
// it goes back: no later reader of the pool can see one.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// getScratch returns an empty buffer of at least n bytes' capacity.
func getScratch(n int) *[]byte {
	p := scratch.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, n)
	}
	*p = (*p)[:0]
	return p
}

// putScratch zeroes p and returns it to the pool.
func putScratch(p *[]byte) {
	clear((*p)[:cap(*p)])
	*p = (*p)[:0]
	if cap(*p) <= maxPooledScratch {
		scratch.Put(p)
	}
}
