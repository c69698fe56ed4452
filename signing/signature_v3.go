package signing

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// AlibabaV3Algorithm names Alibaba Cloud's signature V3 in the string to
// sign and the Authorization header.
const AlibabaV3Algorithm = "ACS3-HMAC-SHA256"

// AlibabaV3Request is what Alibaba Cloud's signature V3 (ACS3-HMAC-SHA256)
// covers of one request.
type AlibabaV3Request struct {
	// Method is the HTTP method, e.g. "POST".
	Method string
	// Path is the URL path; "/" for RPC-style APIs such as GA's.
	Path string
	// Query is the query string's parameters, in any order.
	Query Params
	// Headers are the request's headers, names in any case and order. Those
	// signed are host, content-type and every x-acs-* header.
	Headers Params
	// HashedPayload is the hex SHA-256 of the body (HexSHA256), which
	// x-acs-content-sha256 carries too.
	HashedPayload string
}

// AlibabaV3CanonicalRequest builds V3's canonical request:
//
//	Method\nPath\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload
//
// where CanonicalQuery is every query parameter, name and value
// percent-encoded (RFC 3986), sorted and joined as name=value with "&";
// CanonicalHeaders is each signed header as lower-case name:trimmed value
// and a newline, sorted by name; SignedHeaders their names joined with ";",
// which it returns too.
func AlibabaV3CanonicalRequest(r AlibabaV3Request) (canonical, signedHeaders string) {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(r.Path)
	b.WriteByte('\n')
	query := make([]Param, len(r.Query))
	for i, p := range r.Query {
		query[i] = Param{Name: string(AppendPercentEncoded(nil, p.Name)), Value: string(AppendPercentEncoded(nil, p.Value))}
	}
	slices.SortFunc(query, compareParams)
	for i, p := range query {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(p.Value)
	}
	b.WriteByte('\n')
	var headers []Param
	for _, h := range r.Headers {
		name := strings.ToLower(strings.TrimSpace(h.Name))
		if name == "host" || name == "content-type" || strings.HasPrefix(name, "x-acs-") {
			headers = append(headers, Param{Name: name, Value: strings.TrimSpace(h.Value)})
		}
	}
	slices.SortStableFunc(headers, compareParams)
	names := make([]string, len(headers))
	for i, h := range headers {
		b.WriteString(h.Name)
		b.WriteByte(':')
		b.WriteString(h.Value)
		b.WriteByte('\n')
		names[i] = h.Name
	}
	signedHeaders = strings.Join(names, ";")
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(r.HashedPayload)
	return b.String(), signedHeaders
}

// AlibabaV3StringToSign is "ACS3-HMAC-SHA256\n" and the hex SHA-256 of the
// canonical request.
func AlibabaV3StringToSign(canonicalRequest string) string {
	return AlibabaV3Algorithm + "\n" + HexSHA256([]byte(canonicalRequest))
}

// AlibabaV3Signature returns the hex HMAC-SHA256, keyed with the access key
// secret, of r's string to sign, and the signed header names the
// Authorization header lists.
func AlibabaV3Signature(r AlibabaV3Request, accessKeySecret string) (signature, signedHeaders string) {
	canonical, signedHeaders := AlibabaV3CanonicalRequest(r)
	var sum [sha256.Size]byte
	return hex.EncodeToString(hmacSum(sha256.New, accessKeySecret, []byte(AlibabaV3StringToSign(canonical)), sum[:0])), signedHeaders
}

// AlibabaV3Authorization is the Authorization header's value:
// "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>".
func AlibabaV3Authorization(accessKeyID, signedHeaders, signature string) string {
	return AlibabaV3Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature
}

// HexSHA256 is the lower-case hex SHA-256 of b: V3's hashed payload.
func HexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
