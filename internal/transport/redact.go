package transport

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/listenerkit/listenerkit-go/signing"
)

// redactor removes one attempt's secrets from what the service or the
// network hands back, before it reaches an error, a log or a decoded
// value: the secret, the session token and the signature become
// "REDACTED", the access key id its masked form.
//
// A service can echo these in many spellings (Alibaba's
// SignatureDoesNotMatch message quotes the string it signed, whose values
// are percent-encoded twice; a JSON encoder may write "/" as "\/" or any
// character as "\u00XX"), so a secret is found however each of its
// characters is written: raw, JSON-escaped, percent-encoded to any depth
// (either hex case), or a mix of these. Redacting the raw body this way
// also cleans every string decoded from it.
//
// It is a plain value and allocates only when it finds a secret.
type redactor struct {
	// secrets are the values to hide; masks[i] replaces secrets[i].
	secrets [4]string
	masks   [4]string
}

// minSecretLen keeps very short values (test keys such as "k") from
// shredding unrelated text.
const minSecretLen = 6

const redacted = "REDACTED"

func newRedactor(c signing.Credentials, signature string) redactor {
	return redactor{
		secrets: [4]string{c.Secret, c.SessionToken, signature, c.ID},
		masks:   [4]string{redacted, redacted, redacted, signing.MaskID(c.ID)},
	}
}

// span is a stretch of text that spells secret i.
type span struct{ start, end, secret int }

// find returns the spans of b that spell a secret, in order, not
// overlapping; nil when there are none (the common case, no allocation).
func find[T string | []byte](r *redactor, b T) []span {
	var spans []span
	for i := 0; i < len(b); i++ {
		for k, s := range r.secrets {
			if len(s) < minSecretLen {
				continue
			}
			if c := b[i]; c != s[0] && c != '\\' && c != '%' {
				continue
			}
			if end, ok := spells(b, i, s); ok {
				spans = append(spans, span{i, end, k})
				i = end - 1
				break
			}
		}
	}
	return spans
}

// spells reports whether b, from i, spells s, and where the spelling ends.
// At each character every reading is tried (raw, JSON-unescaped, each
// depth of percent-decoding): a secret holding '%' or '\\' can be spelled
// several ways there. Such branch points are bounded, so a hostile answer
// cannot make the search explode; secrets are base64 or alphanumeric, with
// none.
func spells[T string | []byte](b T, i int, s string) (end int, ok bool) {
	budget := 64
	return spellsFrom(b, i, s, 0, &budget)
}

func spellsFrom[T string | []byte](b T, i int, s string, k int, budget *int) (int, bool) {
	var buf [10]reading
	for ; k < len(s); k++ {
		if i >= len(b) {
			return 0, false
		}
		var matches [10]int // the ends of the readings that give s[k]
		n := 0
		for _, r := range readings(b, i, &buf) {
			if r.c == s[k] {
				matches[n] = r.next
				n++
			}
		}
		if n == 0 {
			return 0, false
		}
		for _, next := range matches[:n-1] { // more than one reading fits: try each
			if *budget <= 0 {
				return 0, false
			}
			*budget--
			if end, ok := spellsFrom(b, next, s, k+1, budget); ok {
				return end, true
			}
		}
		i = matches[n-1]
	}
	return i, true
}

// reading is one way to read a character: the byte and where it ends.
type reading struct {
	c    byte
	next int
}

// readings lists the ways b[i:] can be read as one character: the raw
// byte, through a JSON escape, and through each depth of percent-encoding
// on top of that (%2B, %252B, \u00252B...).
func readings[T string | []byte](b T, i int, out *[10]reading) []reading {
	out[0] = reading{b[i], i + 1}
	n := 1
	c, next := jsonUnit(b, i)
	if next != i+1 {
		out[n] = reading{c, next}
		n++
	}
	for depth := 0; c == '%' && n < len(out); depth++ {
		h1, n1 := jsonUnit(b, next)
		if n1 > len(b) || !isHex(h1) {
			break
		}
		h2, n2 := jsonUnit(b, n1)
		if n2 > len(b) || !isHex(h2) {
			break
		}
		c, next = unhex(h1)<<4|unhex(h2), n2
		out[n] = reading{c, next}
		n++
	}
	return out[:n]
}

// jsonUnit reads one byte at b[i], through a JSON escape if one starts
// there. Past the end it returns 0 and len(b)+1.
func jsonUnit[T string | []byte](b T, i int) (byte, int) {
	if i >= len(b) {
		return 0, len(b) + 1
	}
	if b[i] != '\\' || i+1 >= len(b) {
		return b[i], i + 1
	}
	switch e := b[i+1]; e {
	case '/', '\\', '"':
		return e, i + 2
	case 'u':
		if i+6 <= len(b) && b[i+2] == '0' && b[i+3] == '0' && isHex(b[i+4]) && isHex(b[i+5]) {
			return unhex(b[i+4])<<4 | unhex(b[i+5]), i + 6
		}
	}
	return b[i], i + 1
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// replace writes b with every span replaced by its mask.
func (r *redactor) replace(dst []byte, b []byte, spans []span) []byte {
	last := 0
	for _, s := range spans {
		dst = append(dst, b[last:s.start]...)
		dst = append(dst, r.masks[s.secret]...)
		last = s.end
	}
	return append(dst, b[last:]...)
}

// bytes returns b without secrets: b itself when it holds none.
func (r redactor) bytes(b []byte) []byte {
	spans := find(&r, b)
	if spans == nil {
		return b
	}
	return r.replace(make([]byte, 0, len(b)), b, spans)
}

// string returns s without secrets.
func (r redactor) string(s string) string {
	spans := find(&r, s)
	if spans == nil {
		return s
	}
	return string(r.replace(make([]byte, 0, len(s)), []byte(s), spans))
}

// error rewrites a network error so that no secret appears in its text and
// the text stays short, keeping the error chain (errors.Is(err,
// context.Canceled) and errors.As(err, **net.OpError) still hold). A
// *url.Error is written without quotes around the URL, which holds no
// parameters: every call is a POST to an endpoint that may not have a
// query.
func (r redactor) error(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redactedError{msg: Clip(r.string(ue.Op + " " + ue.URL + ": " + ue.Err.Error())), err: ue.Err}
	}
	return &redactedError{msg: Clip(r.string(err.Error())), err: err}
}

// redactedError has a cleaned message and the original chain underneath.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// MaxErrorText bounds every string from the service or the network that
// enters an error (a message, a header, an excerpt), so that an error
// stays a few KiB whatever the service answers.
const MaxErrorText = 512

// Clip returns s cut to at most MaxErrorText bytes on a rune boundary,
// invalid UTF-8 replaced, with a note of how much was cut. Redact before
// clipping: a secret cut in two is no longer recognised.
func Clip(s string) string {
	if len(s) <= MaxErrorText && utf8.ValidString(s) {
		return s
	}
	cut := len(s)
	if cut > MaxErrorText {
		cut = MaxErrorText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	out := strings.ToValidUTF8(s[:cut], "\uFFFD")
	if cut < len(s) {
		out += "…(" + strconv.Itoa(len(s)-cut) + " bytes cut)"
	}
	return out
}
