package replay

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGuard_OnceWithinTheWindow(t *testing.T) {
	g := NewGuard(time.Minute)
	now := time.Unix(1_700_000_000, 0)
	assert.True(t, g.Fresh("1", now))
	assert.False(t, g.Fresh("1", now), "a reused nonce is a replay")
	assert.False(t, g.Fresh("1", now.Add(30*time.Second)))
	assert.True(t, g.Fresh("2", now))
}

func TestGuard_ForgetsOldNonces(t *testing.T) {
	g := NewGuard(time.Minute)
	now := time.Unix(1_700_000_000, 0)
	g.Fresh("old", now)
	later := now.Add(2 * time.Minute)
	for i := 0; i < 256; i++ {
		g.Fresh(strconv.Itoa(i), later)
	}
	g.mu.Lock()
	_, kept := g.seen["old"]
	g.mu.Unlock()
	assert.False(t, kept, "nonces past the window are pruned, so the book stays bounded")
}
