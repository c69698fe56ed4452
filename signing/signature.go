package signing

import (
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"slices"
	"strings"
)

// Signature methods accepted by Tencent Cloud API 2.0 (the SignatureMethod
// common parameter). The service treats any other value as HmacSHA1.
const (
	HmacSHA1   = "HmacSHA1"
	HmacSHA256 = "HmacSHA256"
)

// signatureParam is never part of what is signed.
const signatureParam = "Signature"

// AlibabaRPCStringToSign builds the string to sign of Alibaba Cloud's RPC
// signature version 1.0:
//
//	HTTPMethod + "&" + enc("/") + "&" + enc(canonicalQuery)
//
// where canonicalQuery is every parameter but Signature, name and value
// percent-encoded (RFC 3986, upper-case hex), sorted by encoded name in byte
// order and joined as name=value with "&". Values are thus encoded twice.
func AlibabaRPCStringToSign(httpMethod string, params Params) string {
	return string(appendAlibabaStringToSign(nil, httpMethod, params))
}

// AlibabaRPCSignature returns Base64(HMAC-SHA1(accessKeySecret+"&",
// AlibabaRPCStringToSign(httpMethod, params))).
func AlibabaRPCSignature(httpMethod string, params Params, accessKeySecret string) string {
	buf := getScratch(len(httpMethod) + 8 + 3*params.EncodedLen()) // the canonical query is percent-encoded again
	defer putScratch(buf)
	*buf = appendAlibabaStringToSign(*buf, httpMethod, params)
	return hmacBase64(sha1.New, accessKeySecret+"&", *buf)
}

func appendAlibabaStringToSign(dst []byte, httpMethod string, params Params) []byte {
	// The canonical order is that of the encoded names and values; for the
	// names both services use (letters, digits, ".") it is plain byte order,
	// so a sorted list is only checked, not copied.
	if !slices.IsSortedFunc(params, compareEncodedParams) {
		params = slices.Clone(params)
		slices.SortFunc(params, compareEncodedParams)
	}
	dst = append(dst, httpMethod...)
	dst = append(dst, "&%2F&"...)
	first := true
	for _, kv := range params {
		if kv.Name == signatureParam {
			continue
		}
		if !first {
			dst = append(dst, "%26"...) // "&", encoded
		}
		first = false
		dst = appendEncodedTwice(dst, kv.Name)
		dst = append(dst, "%3D"...) // "=", encoded
		dst = appendEncodedTwice(dst, kv.Value)
	}
	return dst
}

// appendEncodedTwice is AppendPercentEncoded applied twice: the second pass
// only turns each "%" of the first into "%25".
func appendEncodedTwice(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', '2', '5', hex[c>>4], hex[c&0xF])
		}
	}
	return dst
}

func compareEncodedParams(a, b Param) int {
	if c := compareEncoded(a.Name, b.Name); c != 0 {
		return c
	}
	return compareEncoded(a.Value, b.Value)
}

// compareEncoded orders a and b as their percent-encoded forms would be,
// without encoding them: up to the first differing byte the encodings are
// equal; there, an encoded byte ("%XX") sorts before every unreserved one
// (all above "%"), two encoded bytes in the order of their values (upper-
// case hex keeps it), and two unreserved bytes as themselves.
func compareEncoded(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(encodedRank(a[i]), encodedRank(b[i]))
		}
	}
	return cmp.Compare(len(a), len(b))
}

func encodedRank(c byte) int {
	if unreserved[c] {
		return 256 + int(c)
	}
	return int(c)
}

// TencentV2StringToSign builds the string to sign of Tencent Cloud API 2.0
// (signature v1):
//
//	METHOD + host + path + "?" + name=value&...
//
// with every parameter but Signature sorted by name in byte order, "_"
// replaced by "." in each name (not in values), and values raw, not encoded.
func TencentV2StringToSign(httpMethod, host, path string, params Params) string {
	return string(appendTencentStringToSign(nil, httpMethod, host, path, params))
}

// TencentV2Signature returns Base64(HMAC(secretKey, TencentV2StringToSign(...)))
// with SHA-256 when signatureMethod is HmacSHA256 and SHA-1 otherwise, as the
// service does. The result is not URL-encoded; encode it once when sending.
func TencentV2Signature(httpMethod, host, path string, params Params, secretKey, signatureMethod string) string {
	h := sha1.New
	if signatureMethod == HmacSHA256 {
		h = sha256.New
	}
	size := len(httpMethod) + len(host) + len(path) + 1
	for _, kv := range params {
		size += len(kv.Name) + len(kv.Value) + 2
	}
	buf := getScratch(size)
	defer putScratch(buf)
	*buf = appendTencentStringToSign(*buf, httpMethod, host, path, params)
	return hmacBase64(h, secretKey, *buf)
}

func appendTencentStringToSign(dst []byte, httpMethod, host, path string, params Params) []byte {
	if !params.Sorted() {
		params = slices.Clone(params)
		params.Sort()
	}
	dst = append(dst, httpMethod...)
	dst = append(dst, host...)
	dst = append(dst, path...)
	dst = append(dst, '?')
	first := true
	for _, kv := range params {
		if kv.Name == signatureParam {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		if strings.IndexByte(kv.Name, '_') < 0 {
			dst = append(dst, kv.Name...)
		} else {
			for i := 0; i < len(kv.Name); i++ {
				if c := kv.Name[i]; c == '_' {
					dst = append(dst, '.')
				} else {
					dst = append(dst, c)
				}
			}
		}
		dst = append(dst, '=')
		dst = append(dst, kv.Value...)
	}
	return dst
}

func hmacBase64(newHash func() hash.Hash, key string, message []byte) string {
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(hmacSum(newHash, key, message, sum[:0]))
}

// hmacSum appends HMAC(key, message) (RFC 2104) to out. It is crypto/hmac's
// result (the tests compare them for many keys and messages) from one hash
// state and stack buffers, where crypto/hmac allocates two hash states and
// both pads on every call: a third of a request's allocations.
func hmacSum(newHash func() hash.Hash, key string, message, out []byte) []byte {
	const ipad, opad = 0x36, 0x5c
	h := newHash()
	var block [128]byte // the largest block size of the SHA-1 and SHA-2 families
	k := block[:h.BlockSize()]
	if len(key) > len(k) {
		h.Write([]byte(key))
		h.Sum(k[:0])
		h.Reset()
	} else {
		copy(k, key)
	}
	for i := range k {
		k[i] ^= ipad
	}
	h.Write(k)
	h.Write(message)
	var inner [sha256.Size]byte
	innerSum := h.Sum(inner[:0])
	for i := range k {
		k[i] ^= ipad ^ opad
	}
	h.Reset()
	h.Write(k)
	h.Write(innerSum)
	return h.Sum(out)
}
