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
// session token and the signature (raw and percent-encoded) become
// "REDACTED", the access key id its masked form. A service can echo these
// (Alibaba's SignatureDoesNotMatch message quotes the string it signed, with
// the AccessKeyId), and net/http's errors quote the request URL.
//
// It is a plain value: the replacement list is built only when a secret is
// found, so the common case (an answer holding none) costs a search and no
// allocation.
type redactor struct {
	creds     signing.Credentials
	signature string
}

// minSecretLen keeps very short values (test keys such as "k") from
// shredding unrelated text.
const minSecretLen = 6

func newRedactor(c signing.Credentials, signature string) redactor {
	return redactor{creds: c, signature: signature}
}

// replacements lists each secret, raw and percent-encoded, with what
// replaces it.
func (r redactor) replacements() (old, new []string) {
	add := func(s, with string) {
		if len(s) < minSecretLen {
			return
		}
		old, new = append(old, s), append(new, with)
		if encoded := string(signing.AppendPercentEncoded(nil, s)); encoded != s {
			old, new = append(old, encoded), append(new, with)
		}
	}
	add(r.creds.Secret, "REDACTED")
	add(r.creds.SessionToken, "REDACTED")
	add(r.signature, "REDACTED")
	add(r.creds.ID, signing.MaskID(r.creds.ID))
	return old, new
}

func (r redactor) string(s string) string {
	old, new := r.replacements()
	for i := range old {
		if strings.Contains(s, old[i]) {
			s = strings.ReplaceAll(s, old[i], new[i])
		}
	}
	return s
}

// bytes returns b without secrets: b itself when it holds none.
func (r redactor) bytes(b []byte) []byte {
	if !r.anyIn(b) {
		return b
	}
	old, new := r.replacements()
	for i := range old {
		b = bytes.ReplaceAll(b, []byte(old[i]), []byte(new[i]))
	}
	return b
}

// anyIn reports whether b holds any secret, raw or percent-encoded. The
// searched forms are built in a stack buffer: no allocation for secrets of
// usual sizes.
func (r redactor) anyIn(b []byte) bool {
	var buf [192]byte
	for _, s := range [...]string{r.creds.Secret, r.creds.SessionToken, r.signature, r.creds.ID} {
		if len(s) < minSecretLen {
			continue
		}
		if bytes.Contains(b, append(buf[:0], s...)) || bytes.Contains(b, signing.AppendPercentEncoded(buf[:0], s)) {
			return true
		}
	}
	return false
}

// error rewrites a network error so that no secret appears in its text,
// keeping the error chain (errors.Is(err, context.Canceled) and
// errors.As(err, **net.OpError) still hold). A *url.Error is written without
// quotes around the URL, which holds no parameters: every call is a POST
// to an endpoint that may not have a query.
func (r redactor) error(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redactedError{msg: r.string(ue.Op + " " + ue.URL + ": " + ue.Err.Error()), err: ue.Err}
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
