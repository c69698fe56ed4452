package signing_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"github.com/listenerkit/listenerkit-go/signing"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// world is one test's machine: no variables, an empty home, a metadata
// address nothing listens on, a fake clock and a captured log.
type world struct {
	t     *testing.T
	home  string
	clock *fakeClock
	log   *bytes.Buffer
	opts  []signing.ChainOption
}

func isolate(t *testing.T, opts ...signing.ChainOption) *world {
	base, home := credtest.Isolate(t)
	w := &world{t: t, home: home, clock: newFakeClock(), log: &bytes.Buffer{}}
	w.opts = append(base,
		signing.WithMetadataTimeout(signing.DefaultMetadataTimeout),
		signing.WithClock(w.clock.Now),
		signing.WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{w: w.log}, nil))))
	w.opts = append(w.opts, opts...)
	return w
}

func (w *world) alibaba(extra ...signing.ChainOption) *signing.Chain {
	return signing.NewAlibabaDefaultCredentials(append(append([]signing.ChainOption{}, w.opts...), extra...)...)
}

func (w *world) tencent(extra ...signing.ChainOption) *signing.Chain {
	return signing.NewTencentDefaultCredentials(append(append([]signing.ChainOption{}, w.opts...), extra...)...)
}

// file writes a file under home with owner-only permissions and returns its
// path.
func (w *world) file(rel, content string) string {
	path := filepath.Join(w.home, rel)
	require.NoError(w.t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(w.t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// silentAddress is a loopback URL that accepts connections and never
// answers, like an address that drops packets.
func silentAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func retrieve(t *testing.T, p signing.CredentialsProvider) (signing.Credentials, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.Retrieve(ctx)
}

// orderStep is one source of a chain: the id it gives, and how to remove it.
type orderStep struct {
	want   string
	remove func()
}

// walkInOrder checks a chain's order with every source configured: each
// walk answers with the first one left, then that one is removed; with
// none left, one NoCredentialsError lists every place looked, in order
// (looked: a piece of each entry).
func walkInOrder(t *testing.T, chain func() *signing.Chain, steps []orderStep, looked ...string) {
	t.Helper()
	for _, s := range steps {
		c, err := retrieve(t, chain())
		require.NoError(t, err, s.want)
		assert.Equal(t, s.want, c.ID)
		s.remove()
	}
	_, err := retrieve(t, chain())
	var none *signing.NoCredentialsError
	require.ErrorAs(t, err, &none)
	assert.ErrorIs(t, err, signing.ErrMissingCredentials)
	require.Len(t, none.Looked, len(looked), err.Error())
	for i, want := range looked {
		assert.Contains(t, none.Looked[i], want)
	}
}
