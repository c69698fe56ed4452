package signing

import (
	"net/http"
	"time"
)

// WithClock sets the clock a chain reads expiries against.
func WithClock(now func() time.Time) ChainOption { return func(c *chainConfig) { c.now = now } }

// ProxyFor is the proxy a chain's default client uses for rawURL.
func (c *Chain) ProxyFor(rawURL string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	u, err := c.cfg.httpClient.Transport.(*http.Transport).Proxy(req)
	if u == nil {
		return "", err
	}
	return u.String(), err
}
