package signing

import "time"

// WithClock sets the clock a chain reads expiries against.
func WithClock(now func() time.Time) ChainOption { return func(c *chainConfig) { c.now = now } }
