// Package signing holds the credentials and the request signatures shared by
// the ga (Alibaba Cloud Global Accelerator) and bmlb (Tencent Cloud BMLB)
// clients.
//
// # Credentials
//
// A [CredentialsProvider] is asked for [Credentials] before every attempt of
// every call, so keys that rotate are picked up by retries.
// [NewStaticCredentials] wraps fixed keys; [NewAlibabaEnvCredentials] and
// [NewTencentEnvCredentials] read the vendors' environment variables and name
// the variable that is missing. Credentials never print their secret or
// session token, whatever the fmt verb, and [MaskID] shortens an access key id
// for logs.
//
// # Signatures
//
// The signature functions are pure and deterministic: the same method,
// parameters and key always give the same result, which the tests check
// against the vendors' published examples.
//
//   - [AlibabaRPCStringToSign] and [AlibabaRPCSignature]: Alibaba Cloud RPC
//     signature version 1.0 (HMAC-SHA1, RFC 3986 encoding, values encoded
//     twice).
//   - [TencentV2StringToSign] and [TencentV2Signature]: Tencent Cloud API 2.0
//     (HmacSHA1 or HmacSHA256 over METHOD+host+path+"?"+raw parameters).
//
// The Signature parameter, if present in params, is ignored.
package signing
