package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Defaults shared by both providers.
const (
	DefaultMaxAttempts = 3
	DefaultBackoffBase = 200 * time.Millisecond
	DefaultBackoffMax  = 5 * time.Second
	// DefaultWaitMinDelay and DefaultWaitMaxDelay bound the pause between
	// a waiter's polls.
	DefaultWaitMinDelay = time.Second
	DefaultWaitMaxDelay = 15 * time.Second
	// MaxRetryAfter bounds how long a Retry-After header can make a call wait.
	MaxRetryAfter = 30 * time.Second
	// MaxResponseBytes bounds every response body.
	MaxResponseBytes = 1 << 20
)

// Config is what a provider's options set. The setters check their input so
// that both providers' options reject the same bad values the same way.
type Config struct {
	endpoint    *url.URL
	httpClient  *http.Client
	maxAttempts int
	logger      *slog.Logger
	credentials signing.CredentialsProvider
	backoffBase time.Duration
	backoffMax  time.Duration
	waitMin     time.Duration
	waitMax     time.Duration
	userAgent   string
}

// NewConfig returns the defaults for a provider whose service lives at
// endpoint and whose credentials come from creds unless an option says
// otherwise (nil: DefaultCredentials sets them after the options).
func NewConfig(endpoint string, creds signing.CredentialsProvider) *Config {
	c := &Config{
		maxAttempts: DefaultMaxAttempts,
		credentials: creds,
		backoffBase: DefaultBackoffBase,
		backoffMax:  DefaultBackoffMax,
		waitMin:     DefaultWaitMinDelay,
		waitMax:     DefaultWaitMaxDelay,
	}
	if err := c.SetEndpoint(endpoint); err != nil {
		panic("transport: bad default endpoint: " + err.Error()) // a programming error in this module
	}
	return c
}

// SetEndpoint sets the service address: an absolute http or https URL with a
// host, an optional path, and no query or fragment.
func (c *Config) SetEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid endpoint %q: %w", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("invalid endpoint %q: scheme must be https or http", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("invalid endpoint %q: no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("invalid endpoint %q: no query, fragment or user info allowed", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	c.endpoint = u
	return nil
}

// SetHTTPClient uses a copy of hc, so the caller's client is never changed.
func (c *Config) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("nil *http.Client")
	}
	copied := *hc
	c.httpClient = &copied
	return nil
}

// SetMaxAttempts sets how many attempts a call makes at most; 1 disables
// retries.
func (c *Config) SetMaxAttempts(n int) error {
	if n < 1 || n > 10 {
		return fmt.Errorf("max attempts %d out of range 1..10", n)
	}
	c.maxAttempts = n
	return nil
}

// SetLogger logs one record per attempt to l.
func (c *Config) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("nil *slog.Logger")
	}
	c.logger = l
	return nil
}

// SetCredentials sets the credentials provider.
func (c *Config) SetCredentials(p signing.CredentialsProvider) error {
	if p == nil {
		return errors.New("nil CredentialsProvider")
	}
	c.credentials = p
	return nil
}

// DefaultCredentials sets the credentials newDefault makes, given the
// logger an option set (nil if none), unless an option set credentials.
// Providers call it after their options, so that a default chain logs where
// the client logs.
func (c *Config) DefaultCredentials(newDefault func(logger *slog.Logger) signing.CredentialsProvider) {
	if c.credentials == nil {
		c.credentials = newDefault(c.logger)
	}
}

// SetBackoff sets the first retry delay and the cap of the exponential
// backoff.
func (c *Config) SetBackoff(base, maxDelay time.Duration) error {
	if base <= 0 || maxDelay < base {
		return fmt.Errorf("backoff base %v and max %v: need 0 < base <= max", base, maxDelay)
	}
	c.backoffBase, c.backoffMax = base, maxDelay
	return nil
}

// SetUserAgent appends app (an application's name and version, such as
// "billing/1.4") to the SDK's User-Agent: 1 to 128 printable ASCII
// characters.
func (c *Config) SetUserAgent(app string) error {
	if app == "" || len(app) > 128 {
		return fmt.Errorf("user agent %q: 1 to 128 characters", app)
	}
	for i := 0; i < len(app); i++ {
		if app[i] < ' ' || app[i] > '~' {
			return fmt.Errorf("user agent %q: printable ASCII only", app)
		}
	}
	c.userAgent = app
	return nil
}

// SetWaitDelays sets the shortest and longest pause between a waiter's
// polls.
func (c *Config) SetWaitDelays(minDelay, maxDelay time.Duration) error {
	if minDelay <= 0 || maxDelay < minDelay {
		return fmt.Errorf("wait delays %v and %v: need 0 < min <= max", minDelay, maxDelay)
	}
	c.waitMin, c.waitMax = minDelay, maxDelay
	return nil
}

// ParseEndpoint checks raw as SetEndpoint does and returns it parsed.
func ParseEndpoint(raw string) (*url.URL, error) {
	var c Config
	if err := c.SetEndpoint(raw); err != nil {
		return nil, err
	}
	return c.endpoint, nil
}

// defaultHTTPClient is used when the caller supplies none. Idle connections
// per host are raised from net/http's 2 so that concurrent callers reuse
// connections instead of opening new ones; Timeout is a backstop for callers
// whose context has no deadline.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

// ApplyOptions runs a provider's options on cfg in order. A nil option or a
// rejected value is an error prefixed with the service's name, so both
// providers' NewClient fail the same way.
func ApplyOptions[C any, O ~func(C) error](service string, cfg C, opts []O) error {
	for _, opt := range opts {
		if opt == nil {
			return errors.New(service + ": nil Option")
		}
		if err := opt(cfg); err != nil {
			return fmt.Errorf("%s: %w", service, err)
		}
	}
	return nil
}
