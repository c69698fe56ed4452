package signing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Defaults of the credential chains.
const (
	// DefaultMetadataTimeout bounds each request to an instance metadata
	// service. Off an instance the address does not answer; after this long
	// the link is treated as absent.
	DefaultMetadataTimeout = time.Second
	// DefaultSTSTimeout bounds each request to an STS endpoint or a
	// credentials URI (the caller's context may end it sooner).
	DefaultSTSTimeout = 10 * time.Second
	// FileRereadInterval is how long long-lived keys read from a file are
	// used before the chain is walked again, so an edited file is picked up.
	FileRereadInterval = time.Minute
	// AlibabaRefreshMargin and TencentRefreshMargin are how long before
	// their expiry temporary credentials are refreshed (the vendors' own
	// margins: 180 s for Alibaba Cloud, 300 s for Tencent Cloud).
	AlibabaRefreshMargin = 180 * time.Second
	TencentRefreshMargin = 300 * time.Second
	// retryAfterFailedRefresh is how long a failed refresh is not tried
	// again while the previous temporary credentials are still valid.
	retryAfterFailedRefresh = 10 * time.Second
	// maxCredentialAnswer bounds every answer a credentials source reads.
	maxCredentialAnswer = 64 << 10
)

// ChainOption changes where a default chain looks. The defaults are the
// vendors' (their environment variables override them where the vendors'
// tools have one); options exist so that tests and unusual setups can point
// every link at a file or server of their own.
type ChainOption func(*chainConfig)

// WithHomeDir replaces the user's home directory when the chain looks for
// the vendors' files (~/.aliyun/config.json, ~/.alibabacloud/credentials,
// ~/.tencentcloud/credentials). Their environment variables still win.
func WithHomeDir(dir string) ChainOption { return func(c *chainConfig) { c.home = dir } }

// WithMetadataEndpoint replaces the instance metadata service's base URL:
// http://100.100.100.200 (Alibaba Cloud ECS) or
// http://metadata.tencentyun.com (Tencent Cloud CVM).
func WithMetadataEndpoint(baseURL string) ChainOption {
	return func(c *chainConfig) { c.metadataURL = baseURL }
}

// WithMetadataTimeout replaces DefaultMetadataTimeout.
func WithMetadataTimeout(d time.Duration) ChainOption {
	return func(c *chainConfig) { c.metadataTimeout = d }
}

// WithSTSEndpoint replaces the STS base URL: https://sts.aliyuncs.com (or
// the one ALIBABA_CLOUD_STS_REGION selects) for Alibaba Cloud,
// https://sts.tencentcloudapi.com for Tencent Cloud.
func WithSTSEndpoint(baseURL string) ChainOption {
	return func(c *chainConfig) { c.stsURL = baseURL }
}

// WithHTTPClient replaces the HTTP client of every link that makes
// requests. Redirects are never followed whatever the client says: a
// redirected credentials request could carry a token to another host.
func WithHTTPClient(hc *http.Client) ChainOption { return func(c *chainConfig) { c.httpClient = hc } }

// WithLogger sets where the chain writes its warnings (a file readable by
// others than its owner; a failed refresh while the previous credentials
// are still used). Default slog.Default(). Secrets are never logged.
func WithLogger(l *slog.Logger) ChainOption { return func(c *chainConfig) { c.logger = l } }

type chainConfig struct {
	home            string
	metadataURL     string
	metadataTimeout time.Duration
	stsURL          string // empty: the chain's default, which may depend on variables
	httpClient      *http.Client
	logger          *slog.Logger
	now             func() time.Time // a test's clock
	warned          *sync.Map        // files already warned about: once per chain, not at every reread
}

// firstWarning says whether path has not been warned about yet.
func (c *chainConfig) firstWarning(path string) bool {
	_, seen := c.warned.LoadOrStore(path, true)
	return !seen
}

// Chain is a vendor's default credentials chain: a list of sources tried in
// order. NewAlibabaDefaultCredentials and NewTencentDefaultCredentials make
// one; it is safe for concurrent use and is what the clients use unless
// given other credentials.
//
// # When it looks
//
// The environment variables are read at every Retrieve, as
// NewAlibabaEnvCredentials and NewTencentEnvCredentials do. When they are
// not set, the other links are walked from the top, and the first link that
// is configured here answers. The credentials it gives are kept, and the
// chain walks again from the top (so a file written or a variable set
// later is found, and a link that stopped working is left) when:
//
//   - temporary credentials come within the refresh margin of their expiry
//     (AlibabaRefreshMargin, TencentRefreshMargin; or half their remaining
//     life, if that is shorter);
//   - long-lived keys read from a file are FileRereadInterval old;
//   - the previous walk failed (the next Retrieve walks again).
//
// One caller walks at a time; the others wait for it and share its answer
// (its credentials, or its error when it failed), or, while the previous
// temporary credentials are still valid, use those. A walk that
// fails while they are valid keeps them (a warning is logged, and the next
// walk is not tried for 10 seconds); once they expire, its error is
// returned.
//
// # Absent and broken links
//
// A link that is not configured here (no variable, no file, no answer from
// instance metadata within the metadata timeout) is skipped. A link that is
// configured but does not work (a file without a key, a profile mode this
// SDK does not support, a role the metadata service or STS refuses) stops
// the walk with a *SourceError naming the file, variable or endpoint: a
// broken setup is never silently replaced by the next source. When no link
// is configured, the error is a *NoCredentialsError that lists every place
// looked at.
type Chain struct {
	name    string
	cfg     chainConfig
	env     link
	links   []link
	margin  time.Duration
	walking chan struct{} // a one-slot lock: whoever holds it walks
	state   atomic.Pointer[cachedCredentials]
	// walks counts finished walks; failed holds the last one's error if it
	// failed, so that callers who waited for it share its answer instead
	// of each walking again.
	walks  atomic.Uint64
	failed atomic.Pointer[walkFailure]
}

type walkFailure struct {
	walk uint64
	err  error
}

// link is one source of a chain: it returns *absentError when the source
// is not configured here, *SourceError when it is but failed.
type link func(ctx context.Context, cfg *chainConfig) (found, error)

// found is what a link answered.
type found struct {
	creds   Credentials
	source  string    // where exactly: a file and profile, an endpoint and role
	expires time.Time // zero: long-lived keys from a file, read again after FileRereadInterval
}

type cachedCredentials struct {
	found
	refreshAt time.Time // zero: never (the environment link is not cached)
}

func (c *cachedCredentials) validAt(now time.Time) bool {
	return !c.expires.IsZero() && now.Before(c.expires)
}

func newChain(name string, margin time.Duration, env link, links []link, defaultMetadata string, opts []ChainOption) *Chain {
	cfg := chainConfig{metadataTimeout: DefaultMetadataTimeout, now: time.Now, warned: &sync.Map{}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.home == "" {
		cfg.home, _ = os.UserHomeDir() // no home: the file links are absent
	}
	if cfg.metadataURL == "" {
		cfg.metadataURL = defaultMetadata
	}
	if cfg.metadataTimeout <= 0 {
		cfg.metadataTimeout = DefaultMetadataTimeout
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	cfg.httpClient = credentialsClient(cfg.httpClient, cfg.metadataURL)
	return &Chain{name: name, cfg: cfg, env: env, links: links, margin: margin, walking: make(chan struct{}, 1)}
}

// credentialsClient returns a copy of hc, or of a default client, that does not
// follow redirects. The default client honours the proxy variables
// (HTTPS_PROXY...) for STS and credentials URIs but never for instance
// metadata, which only the instance itself can reach.
func credentialsClient(hc *http.Client, metadataURL string) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		metadataHost := ""
		if u, err := url.Parse(metadataURL); err == nil {
			metadataHost = u.Host
		}
		proxy := httpproxy.FromEnvironment().ProxyFunc() // read when the chain is made, like net/http's once per process
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = func(r *http.Request) (*url.URL, error) {
			if r.URL.Host == metadataHost {
				return nil, nil
			}
			return proxy(r.URL)
		}
		c.Transport = t
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// String names the chain; it never prints credentials.
func (c *Chain) String() string { return c.name }

// GoString is String, so that %#v cannot reach the cached credentials.
func (c *Chain) GoString() string { return c.name }

// Retrieve returns the credentials of the first configured source; see
// Chain for when it looks again.
func (c *Chain) Retrieve(ctx context.Context) (Credentials, error) {
	if ctx == nil {
		return Credentials{}, errors.New("signing: Retrieve called with a nil context")
	}
	f, err := c.env(ctx, &c.cfg)
	if err == nil {
		return f.creds, nil
	}
	var absent *absentError
	if !errors.As(err, &absent) {
		return Credentials{}, err
	}
	now := c.cfg.now()
	s := c.state.Load()
	if s != nil && now.Before(s.refreshAt) {
		return s.creds, nil
	}
	// Someone must walk. While the old credentials are valid, a caller that
	// finds another walking uses them instead of waiting.
	seen := c.walks.Load()
	select {
	case c.walking <- struct{}{}:
	default:
		if s != nil && s.validAt(now) {
			return s.creds, nil
		}
		select {
		case c.walking <- struct{}{}:
		case <-ctx.Done():
			return Credentials{}, fmt.Errorf("signing: waiting for %s to be walked: %w", c.name, ctx.Err())
		}
	}
	defer func() { <-c.walking }()
	now = c.cfg.now()
	if s = c.state.Load(); s != nil && now.Before(s.refreshAt) {
		return s.creds, nil // refreshed while this caller waited
	}
	if fail := c.failed.Load(); fail != nil && fail.walk != seen && fail.walk == c.walks.Load() {
		return Credentials{}, fail.err // the walk this caller waited for failed: its answer is this caller's too
	}
	f, err = c.walk(ctx, absent)
	now = c.cfg.now()
	walk := c.walks.Add(1)
	if err != nil {
		c.failed.Store(&walkFailure{walk: walk, err: err})
	} else {
		c.failed.Store(nil)
	}
	if err != nil {
		if s != nil && s.validAt(now) {
			c.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "signing: refreshing credentials failed; the previous ones are used until they expire",
				slog.String("chain", c.name), slog.String("source", s.source), slog.Time("expires", s.expires), slog.String("error", err.Error()))
			next := *s
			next.refreshAt = minTime(now.Add(retryAfterFailedRefresh), s.expires)
			c.state.Store(&next)
			return s.creds, nil
		}
		c.state.Store(nil)
		return Credentials{}, err
	}
	c.state.Store(&cachedCredentials{found: f, refreshAt: c.refreshAt(f, now)})
	return f.creds, nil
}

func (c *Chain) refreshAt(f found, now time.Time) time.Time {
	if f.expires.IsZero() {
		return now.Add(FileRereadInterval)
	}
	at := f.expires.Add(-c.margin)
	if half := now.Add(f.expires.Sub(now) / 2); at.Before(half) {
		at = half // short-lived credentials: refresh at half their life, not at once
	}
	return at
}

// walk tries the links after the environment in order.
func (c *Chain) walk(ctx context.Context, envAbsent *absentError) (found, error) {
	looked := []string{envAbsent.Error()}
	for _, l := range c.links {
		f, err := l(ctx, &c.cfg)
		var absent *absentError
		switch {
		case err == nil:
			return f, nil
		case errors.As(err, &absent):
			looked = append(looked, absent.Error())
		default:
			return found{}, err
		}
		if ctx.Err() != nil {
			return found{}, fmt.Errorf("signing: walking %s: %w", c.name, ctx.Err())
		}
	}
	return found{}, &NoCredentialsError{Chain: c.name, Looked: looked}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// absentError says a link is not configured here, and where it looked.
type absentError struct{ where, why string }

func (e *absentError) Error() string { return e.where + ": " + e.why }

func absent(where, why string) error { return &absentError{where, why} }

// SourceError says a credentials source that is configured here did not
// give usable credentials. Source names it (an environment variable, a file
// and profile, an endpoint and role); Err says why. It never holds a secret.
type SourceError struct {
	Source string
	Err    error
}

// Error names the source and the reason.
func (e *SourceError) Error() string {
	return "signing: credentials from " + e.Source + ": " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *SourceError) Unwrap() error { return e.Err }

func broken(source string, format string, args ...any) error {
	return &SourceError{Source: source, Err: fmt.Errorf(format, args...)}
}

// NoCredentialsError says no source of a chain is configured here. Looked
// lists every place the chain looked and why it was skipped, in order.
// errors.Is(err, ErrMissingCredentials) holds.
type NoCredentialsError struct {
	Chain  string
	Looked []string
}

// Error lists every place looked at.
func (e *NoCredentialsError) Error() string {
	return "signing: no credentials found by " + e.Chain + "; looked at: " + strings.Join(e.Looked, "; ")
}

// Is makes errors.Is(err, ErrMissingCredentials) hold.
func (e *NoCredentialsError) Is(target error) bool { return target == ErrMissingCredentials }

// envLink reads an id and a secret (a group: absent when neither is set,
// broken when one is set without the other) and an optional token.
func envLink(idVar, secretVar, tokenVar string) link {
	return func(context.Context, *chainConfig) (found, error) {
		v, err := requireAll("environment", idVar, secretVar)
		if err != nil {
			return found{}, err
		}
		return found{creds: Credentials{ID: v[0], Secret: v[1], SessionToken: os.Getenv(tokenVar)}, source: "environment"}, nil
	}
}

// requireAll reads a group of variables that configure one link together:
// absent when none is set, broken (naming the missing ones) when some are.
func requireAll(source string, names ...string) ([]string, error) {
	values := make([]string, len(names))
	var missing []string
	for i, n := range names {
		if values[i] = os.Getenv(n); values[i] == "" {
			missing = append(missing, n)
		}
	}
	switch len(missing) {
	case 0:
		return values, nil
	case len(names):
		return nil, absent(source, strings.Join(names, ", ")+" not set")
	}
	return nil, broken(source, "%s not set (the others of %s are)", strings.Join(missing, ", "), strings.Join(names, ", "))
}

func envTrue(name string) bool { return strings.EqualFold(os.Getenv(name), "true") }

// filePath is the file a link reads: the variable's value when set, else
// rel under the home directory. explicit says the variable named it.
func (c *chainConfig) filePath(variable, rel string) (path string, explicit bool) {
	if p := os.Getenv(variable); p != "" {
		return p, true
	}
	if c.home == "" {
		return "", false
	}
	return filepath.Join(c.home, rel), false
}

// readFile reads a credentials file: absent when it does not exist (and
// its variable did not name it), broken when it cannot be read. A file
// others may read is worth a warning: the vendors' tools write 0600.
func (c *chainConfig) readFile(ctx context.Context, variable, rel string) (data []byte, path string, err error) {
	path, explicit := c.filePath(variable, rel)
	if path == "" {
		return nil, "", absent("~/"+filepath.ToSlash(rel), "no home directory")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil, path, absent(path, "no such file")
	} else if err != nil {
		return nil, path, broken(path, "%v", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 && c.firstWarning(path) {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "signing: a credentials file is readable by others than its owner; chmod 600 it",
			slog.String("file", path), slog.String("mode", fi.Mode().Perm().String()))
	}
	data, err = io.ReadAll(io.LimitReader(f, maxCredentialAnswer+1))
	if err != nil {
		return nil, path, broken(path, "%v", err)
	}
	if len(data) > maxCredentialAnswer {
		return nil, path, broken(path, "larger than %d bytes", maxCredentialAnswer)
	}
	return data, path, nil
}

// answer is one HTTP exchange of a credentials source.
type answer struct {
	status int
	body   []byte
}

// send makes one request bounded by timeout and the context and reads at
// most maxCredentialAnswer bytes of the answer. The error is the transport's
// (no answer) or a body too large.
func (c *chainConfig) send(ctx context.Context, timeout time.Duration, method, rawURL string, header http.Header, body string) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, r)
	if err != nil {
		return answer{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named by the caller; the Op is noise
		}
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCredentialAnswer+1))
	if err != nil {
		return answer{}, err
	}
	if len(data) > maxCredentialAnswer {
		return answer{}, fmt.Errorf("answer larger than %d bytes", maxCredentialAnswer)
	}
	return answer{status: resp.StatusCode, body: data}, nil
}

// serviceText makes a string a service sent fit for an error: the secrets
// given (and anything that looks like them) replaced, control characters
// quoted, at most 200 bytes.
func serviceText(s string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		// As sent (a form's RFC 3986 or a query's encoding) or as decoded.
		for _, spelling := range []string{secret, string(AppendPercentEncoded(nil, secret)), url.QueryEscape(secret)} {
			s = strings.ReplaceAll(s, spelling, "REDACTED")
		}
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strings.Trim(fmt.Sprintf("%q", s), `"`)
}

// expiryAfter parses an expiry and refuses one already past.
func expiryAfter(now time.Time, rfc3339 string, unix int64) (time.Time, error) {
	var t time.Time
	switch {
	case unix > 0:
		t = time.Unix(unix, 0)
	case rfc3339 != "":
		var err error
		if t, err = time.Parse(time.RFC3339, rfc3339); err != nil {
			return time.Time{}, fmt.Errorf("expiration %q is not an RFC 3339 time", serviceText(rfc3339))
		}
	default:
		return time.Time{}, errors.New("the answer has no expiration")
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("the credentials expired at %s", t.UTC().Format(time.RFC3339))
	}
	return t, nil
}

// temporary checks the three parts of temporary credentials.
func temporary(id, secret, token string) (Credentials, error) {
	c := Credentials{ID: id, Secret: secret, SessionToken: token}
	switch {
	case id == "":
		return c, errors.New("the answer has no access key id")
	case secret == "":
		return c, errors.New("the answer has no secret")
	case token == "":
		return c, errors.New("the answer has no security token")
	}
	return c, nil
}

// temporaryFound checks temporary credentials and their expiry.
func temporaryFound(cfg *chainConfig, where, id, secret, token, expiration string, expiredUnix int64) (found, error) {
	creds, err := temporary(id, secret, token)
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	expires, err := expiryAfter(cfg.now(), expiration, expiredUnix)
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	return found{creds: creds, source: where, expires: expires}, nil
}

// sessionName is the role session name given, or one naming this SDK.
func sessionName(name string) string {
	if name != "" {
		return name
	}
	return "listenerkit-go-" + strconv.FormatInt(time.Now().Unix(), 10)
}
