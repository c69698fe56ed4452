package transport

import (
	"bytes"
	"errors"
	"net/url"
	"strings"

	"github.com/listenerkit/listenerkit-go/signing"
)

// redactor removes one attempt's secrets from what the service or the
// network hands back, before it reaches an error or a log: the secret, the
// session token and the signature (raw and URL-encoded) become "REDACTED",
// the access key id its masked form. A service can echo these (Alibaba's
// SignatureDoesNotMatch message quotes the string it signed, with the
// AccessKeyId), and net/http's errors quote the request URL.
type redactor struct{ old, new []string }

// minSecretLen keeps very short values (test keys such as "k") from
// shredding unrelated text.
const minSecretLen = 6

func newRedactor(c signing.Credentials, signature string) redactor {
	var r redactor
	add := func(s, with string) {
		if len(s) >= minSecretLen {
			r.old = append(r.old, s)
			r.new = append(r.new, with)
		}
	}
	add(c.Secret, "REDACTED")
	add(c.SessionToken, "REDACTED")
	add(url.QueryEscape(c.SessionToken), "REDACTED")
	add(signature, "REDACTED")
	add(url.QueryEscape(signature), "REDACTED")
	add(c.ID, signing.MaskID(c.ID))
	return r
}

func (r redactor) string(s string) string {
	for i, old := range r.old {
		if strings.Contains(s, old) {
			s = strings.ReplaceAll(s, old, r.new[i])
		}
	}
	return s
}

func (r redactor) bytes(b []byte) []byte {
	for i, old := range r.old {
		if bytes.Contains(b, []byte(old)) {
			b = bytes.ReplaceAll(b, []byte(old), []byte(r.new[i]))
		}
	}
	return b
}

// error rewrites a network error so that neither the query string of the
// request URL nor any secret appears in its text, keeping the error chain
// (errors.Is(err, context.Canceled) and errors.As(err, **net.OpError) still
// hold).
func (r redactor) error(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		u := ue.URL
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i] + "?REDACTED"
		}
		return &redactedError{msg: r.string(ue.Op + " " + u + ": " + ue.Err.Error()), err: ue.Err}
	}
	return &redactedError{msg: r.string(err.Error()), err: err}
}

// redactedError has a cleaned message and the original chain underneath.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
