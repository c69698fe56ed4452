package transport

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/listenerkit/listenerkit-go/signing"
)

var redactCreds = signing.Credentials{ID: "LTAI5tRedactKeyID01", Secret: "redact-secret/value+1", SessionToken: "STS.token/with+reserved=chars"}

const redactSignature = "ab+c/def=="

func TestRedactorReplacesRawAndEncodedForms(t *testing.T) {
	r := newRedactor(redactCreds, redactSignature+"xyz")
	body := []byte(`{"m":"redact-secret/value+1 redact-secret%2Fvalue%2B1 STS.token%2Fwith%2Breserved%3Dchars ` +
		`ab%2Bc%2Fdef%3D%3Dxyz ab+c/def==xyz LTAI5tRedactKeyID01"}`)
	got := string(r.bytes(body))
	for _, secret := range []string{"redact-secret", "STS.token", "ab+c", "ab%2Bc", "LTAI5tRedactKeyID01"} {
		assert.NotContains(t, got, secret)
	}
	assert.Contains(t, got, "REDACTED")
	assert.Contains(t, got, signing.MaskID(redactCreds.ID))
	assert.Equal(t, got, r.string(string(body)), "strings and bytes are cleaned alike")
	assert.NotContains(t, r.error(errors.New(string(body))).Error(), "redact-secret")
}

// The common case, an answer holding no secret, is returned as it is, with
// no allocation.
func TestRedactorCleanBodyIsFree(t *testing.T) {
	r := newRedactor(redactCreds, redactSignature)
	body := []byte(`{"RequestId":"04F0F334-1335-436C-A1D7-6C044FE73368","ListenerId":"lsr-bp1bpn0kn908w4nbw"}`)
	assert.Same(t, &body[0], &r.bytes(body)[0], "the same slice, not a copy")
	assert.Zero(t, testing.AllocsPerRun(100, func() { r.bytes(body) }))
}

// Values shorter than minSecretLen are left alone, so test keys such as
// "k" do not shred unrelated text.
func TestRedactorIgnoresTinyValues(t *testing.T) {
	r := newRedactor(signing.Credentials{ID: "id", Secret: "k"}, "")
	assert.Equal(t, "keep kind words", r.string("keep kind words"))
}
