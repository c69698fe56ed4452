// Package hostile serves, on loopback, what a misbehaving endpoint or a
// broken network does to a request after reading it whole: an HTTP/2 stream
// reset or GOAWAY, a corrupt TLS record. The SDK's own tests use it to prove
// that nothing below the SDK sends a request again; it is not part of the
// public API.
package hostile

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// H2Action is what the HTTP/2 server does once a request's body has
// arrived whole.
type H2Action int

const (
	// ResetStream answers RST_STREAM with REFUSED_STREAM, the code after
	// which net/http's HTTP/2 transport re-sends a request it can rewind.
	ResetStream H2Action = iota
	// GoAway answers GOAWAY with last stream 0 (as if the stream had not
	// been processed) and closes the connection.
	GoAway
)

// Server records the body of every request it read whole.
type Server struct {
	// URL is the server's https address.
	URL string
	// Client trusts the server's certificate (and, for the HTTP/2 server,
	// speaks HTTP/2).
	Client *http.Client

	ln     net.Listener
	mu     sync.Mutex
	bodies []string
	wg     sync.WaitGroup
}

// Bodies returns the bodies received so far, one per request.
func (s *Server) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func (s *Server) record(body []byte) {
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	s.mu.Unlock()
}

// testCertificate borrows httptest's loopback certificate and a pool that
// trusts it.
func testCertificate(t testing.TB) ([]tls.Certificate, *x509.CertPool) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	defer ts.Close()
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return ts.TLS.Certificates, pool
}

func (s *Server) serve(t testing.TB, nextProtos []string, handle func(net.Conn)) {
	certs, pool := testCertificate(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certs, NextProtos: nextProtos})
	if err != nil {
		t.Fatal(err)
	}
	s.ln, s.URL = ln, "https://"+ln.Addr().String()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	s.Client = &http.Client{Transport: tr}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() { _ = conn.Close() }()
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // bounded, whatever the client does
				handle(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		tr.CloseIdleConnections()
		s.wg.Wait()
	})
}

// NewH2Server starts an HTTP/2 server over TLS (ALPN h2) that reads each
// request whole, records its body and then does action instead of
// answering. It stops when the test ends.
func NewH2Server(t testing.TB, action H2Action) *Server {
	s := &Server{}
	s.serve(t, []string{"h2"}, func(conn net.Conn) { s.h2(conn, action) })
	return s
}

func (s *Server) h2(conn net.Conn, action H2Action) {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(conn, conn)
	if fr.WriteSettings() != nil {
		return
	}
	bodies := map[uint32]*bytes.Buffer{}
	done := func(id uint32) error {
		s.record(bodies[id].Bytes())
		delete(bodies, id)
		if action == GoAway {
			if err := fr.WriteGoAway(0, http2.ErrCodeNo, nil); err != nil {
				return err
			}
			return io.EOF // close the connection
		}
		return fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				err = fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				err = fr.WritePing(true, f.Data)
			}
		case *http2.HeadersFrame:
			bodies[f.StreamID] = &bytes.Buffer{}
			if f.StreamEnded() {
				err = done(f.StreamID)
			}
		case *http2.DataFrame:
			if b := bodies[f.StreamID]; b != nil {
				b.Write(f.Data())
				if f.StreamEnded() {
					err = done(f.StreamID)
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// NewBadRecordServer starts an HTTP/1.1 server over TLS that reads each
// request whole, records its body, and then writes a TLS record with a
// wrong version, which the client reads as a tls.RecordHeaderError: the
// TLS layer fails after the request was delivered.
func NewBadRecordServer(t testing.TB) *Server {
	s := &Server{}
	s.serve(t, []string{"http/1.1"}, func(conn net.Conn) {
		tc := conn.(*tls.Conn)
		req, err := http.ReadRequest(bufio.NewReader(tc))
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		s.record(body)
		// Application data claiming TLS 1.0 on a TLS 1.3 connection,
		// written under the TLS layer.
		_, _ = tc.NetConn().Write([]byte{23, 3, 1, 0, 5, 'h', 'e', 'l', 'l', 'o'})
	})
	return s
}
