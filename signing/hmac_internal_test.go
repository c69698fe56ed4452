package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// hmacSum is crypto/hmac's HMAC for keys shorter than, equal to and longer
// than the block size (64), and messages of many lengths.
func TestHMACSumMatchesCryptoHMAC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, newHash := range []func() hash.Hash{sha1.New, sha256.New} {
		for keyLen := 0; keyLen <= 200; keyLen++ {
			key := make([]byte, keyLen)
			for i := range key {
				key[i] = byte(rng.UintN(256))
			}
			msg := make([]byte, rng.IntN(5000))
			for i := range msg {
				msg[i] = byte(rng.UintN(256))
			}
			want := hmac.New(newHash, key)
			want.Write(msg)
			if !assert.Equal(t, want.Sum(nil), hmacSum(newHash, string(key), msg, nil), "key %d bytes, message %d", keyLen, len(msg)) {
				return
			}
		}
	}
}

// RFC 4231 test case 6: a 131-byte key, hashed first.
func TestHMACSumRFC4231LongKey(t *testing.T) {
	k := make([]byte, 131)
	for i := range k {
		k[i] = 0xaa
	}
	got := hmacSum(sha256.New, string(k), []byte("Test Using Larger Than Block-Size Key - Hash Key First"), nil)
	assert.Equal(t, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", hex.EncodeToString(got))
}
