package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/url"
	"sort"
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
func AlibabaRPCStringToSign(httpMethod string, params url.Values) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(params))
	size := 0
	for k, vs := range params {
		if k == signatureParam {
			continue
		}
		ek := percentEncode(k)
		for _, v := range vs {
			ev := percentEncode(v)
			pairs = append(pairs, pair{ek, ev})
			size += len(ek) + len(ev) + 2
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var canonical strings.Builder
	canonical.Grow(size)
	for i, p := range pairs {
		if i > 0 {
			canonical.WriteByte('&')
		}
		canonical.WriteString(p.k)
		canonical.WriteByte('=')
		canonical.WriteString(p.v)
	}
	return httpMethod + "&%2F&" + percentEncode(canonical.String())
}

// AlibabaRPCSignature returns Base64(HMAC-SHA1(accessKeySecret+"&",
// AlibabaRPCStringToSign(httpMethod, params))).
func AlibabaRPCSignature(httpMethod string, params url.Values, accessKeySecret string) string {
	return hmacBase64(sha1.New, accessKeySecret+"&", AlibabaRPCStringToSign(httpMethod, params))
}

// TencentV2StringToSign builds the string to sign of Tencent Cloud API 2.0
// (signature v1):
//
//	METHOD + host + path + "?" + name=value&...
//
// with every parameter but Signature sorted by name in byte order, "_"
// replaced by "." in each name (not in values), and values raw, not encoded.
func TencentV2StringToSign(httpMethod, host, path string, params url.Values) string {
	keys := make([]string, 0, len(params))
	size := len(httpMethod) + len(host) + len(path) + 1
	for k, vs := range params {
		if k == signatureParam {
			continue
		}
		keys = append(keys, k)
		for _, v := range vs {
			size += len(k) + len(v) + 2
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.Grow(size)
	b.WriteString(httpMethod)
	b.WriteString(host)
	b.WriteString(path)
	b.WriteByte('?')
	first := true
	for _, k := range keys {
		name := strings.ReplaceAll(k, "_", ".")
		for _, v := range params[k] {
			if !first {
				b.WriteByte('&')
			}
			first = false
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

// TencentV2Signature returns Base64(HMAC(secretKey, TencentV2StringToSign(...)))
// with SHA-256 when signatureMethod is HmacSHA256 and SHA-1 otherwise, as the
// service does. The result is not URL-encoded; encode it once when sending.
func TencentV2Signature(httpMethod, host, path string, params url.Values, secretKey, signatureMethod string) string {
	h := sha1.New
	if signatureMethod == HmacSHA256 {
		h = sha256.New
	}
	return hmacBase64(h, secretKey, TencentV2StringToSign(httpMethod, host, path, params))
}

func hmacBase64(h func() hash.Hash, key, message string) string {
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(message))
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
}

// percentEncode is RFC 3986 encoding: A-Z a-z 0-9 - _ . ~ stay, every other
// byte of the UTF-8 form becomes %XX with upper-case hex.
func percentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&0xF])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
