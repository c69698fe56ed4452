// Package replay is the nonce book both fake services keep: a nonce may be
// used once while a request carrying it could still pass the timestamp check.
package replay

import (
	"sync"
	"time"
)

// Guard remembers nonces for window. Safe for concurrent use.
type Guard struct {
	window time.Duration

	mu      sync.Mutex
	seen    map[string]time.Time
	inserts int
}

// NewGuard remembers each nonce for window: make it at least twice the
// service's allowed clock skew.
func NewGuard(window time.Duration) *Guard {
	return &Guard{window: window, seen: map[string]time.Time{}}
}

// Fresh records nonce as used at now and reports whether it was unused.
func (g *Guard) Fresh(nonce string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, used := g.seen[nonce]; used {
		return false
	}
	g.seen[nonce] = now
	if g.inserts++; g.inserts%256 == 0 { // prune now and then, not on every request
		for n, at := range g.seen {
			if now.Sub(at) > g.window {
				delete(g.seen, n)
			}
		}
	}
	return true
}
