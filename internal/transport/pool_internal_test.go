package transport

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/signing"
)

// A pooled body goes back, zeroed, only when both holders let go: the
// call, and the transport's first Close (a second Close changes nothing).
func TestPooledBodyGoesBackZeroedOnlyWhenBothAreDone(t *testing.T) {
	b := newPooledBody()
	b.buf = append(b.buf, "Signature=secret&Token=tok"...)
	closer := &closeReleases{ReadCloser: io.NopCloser(bytes.NewReader(nil)), body: b}
	require.NoError(t, closer.Close())
	require.NoError(t, closer.Close())
	assert.Equal(t, "Signature=secret&Token=tok", string(b.buf), "the call still holds it")
	b.release()
	assert.Empty(t, b.buf)
	assert.Equal(t, make([]byte, cap(b.buf)), b.buf[:cap(b.buf)], "zeroed whole before going back")
}

func TestPutParamsClearsTheList(t *testing.T) {
	p := GetParams()
	*p = append(*p, signing.Param{Name: "SecurityToken", Value: "tok"})
	full := (*p)[:1]
	PutParams(p)
	assert.Equal(t, signing.Param{}, full[0], "no value is left in the pool")
}

// A read is sent again after an unusable answer; a write whose dialect
// says no is not.
func TestDoReadRetriesWhatDoDoesNot(t *testing.T) {
	s := newServer(t, reply(200, `<html>proxy</html>`), reply(200, `{"id":"x"}`))
	c := newTestClient(t, s.URL, testDialect(never))
	require.NoError(t, c.DoRead(context.Background(), "Describe", nil, &testOut{}))
	assert.Equal(t, 2, s.count())

	s2 := newServer(t, reply(200, `<html>proxy</html>`), reply(200, `{"id":"x"}`))
	c2 := newTestClient(t, s2.URL, testDialect(never))
	assert.Error(t, c2.Do(context.Background(), "Create", nil, &testOut{}))
	assert.Equal(t, 1, s2.count())
}
