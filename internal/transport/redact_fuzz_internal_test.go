package transport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/listenerkit/listenerkit-go/signing"
)

// spell writes s with each character in one of the spellings a service may
// echo, chosen by the bytes of how: raw, percent-encoded (either hex case,
// once or twice), JSON-escaped (\u00XX, and \/ for "/").
func spell(s string, how []byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c, k := s[i], byte(0)
		if len(how) > 0 {
			k = how[i%len(how)] % 6
		}
		switch k {
		case 1:
			fmt.Fprintf(&b, "%%%02X", c)
		case 2:
			fmt.Fprintf(&b, "%%%02x", c)
		case 3:
			fmt.Fprintf(&b, "%%25%02X", c)
		case 4:
			fmt.Fprintf(&b, `\u%04x`, c)
		case 5:
			if c == '/' {
				b.WriteString(`\/`)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// decodeAll reads text through every layer the redactor knows, as a
// caller who unescapes and unquotes would see it.
func decodeAll(text string) string {
	var b strings.Builder
	var buf [10]reading
	for i := 0; i < len(text); {
		all := readings(text, i, &buf)
		deepest := all[len(all)-1] // through every layer: what a caller who unescapes and unquotes sees
		b.WriteByte(deepest.c)
		i = deepest.next
	}
	return b.String()
}

// However a secret is spelled, and whatever stands around it, no secret is
// left in what the redactor returns, in any of those spellings or decoded.
func FuzzRedactorLeavesNoSecret(f *testing.F) {
	f.Add("STS.tok/en+with=reserved", `{"Message":"`, `"}`, []byte{0, 1, 2, 3, 4, 5})
	f.Add("secret%2Fvalue", "a%", "%", []byte{3})
	f.Add("abcdef", "abcab", "defdef", []byte{1, 0})
	f.Add(`back\slash"quote`, `\`, `\u00`, []byte{4, 0, 5})
	f.Fuzz(func(t *testing.T, secret, before, after string, how []byte) {
		if len(secret) < minSecretLen || len(secret) > 200 || strings.ContainsFunc(secret, func(r rune) bool { return r < ' ' || r > '~' }) {
			t.Skip() // keys, tokens and signatures are printable ASCII
		}
		r := newRedactor(signing.Credentials{ID: "LTAIfuzzKeyID001", Secret: secret, SessionToken: "tok-" + secret}, "sig+/="+secret)
		text := before + spell(secret, how) + after
		out := r.string(text)
		// A mask stands apart: "REDACTED" followed by "00000" is no leak of a
		// secret "D00000".
		apart := strings.NewReplacer(redacted, "\x00", signing.MaskID("LTAIfuzzKeyID001"), "\x00").Replace(out)
		if strings.Contains(apart, secret) || strings.Contains(apart, spell(secret, how)) {
			t.Fatalf("secret left in %q (from %q)", out, text)
		}
		if strings.Contains(decodeAll(apart), secret) && !strings.Contains(decodeAll(before)+"\x00"+decodeAll(after), secret) {
			t.Fatalf("secret left once decoded: %q (from %q)", decodeAll(apart), text)
		}
		if string(r.bytes([]byte(text))) != out {
			t.Fatal("bytes and string disagree")
		}
	})
}
