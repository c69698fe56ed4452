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
// # Default chains
//
// [NewAlibabaDefaultCredentials] and [NewTencentDefaultCredentials] are the
// clients' defaults: the vendors' chains of sources (environment, the CLIs'
// files, OIDC on Kubernetes, instance roles, a credentials URI), in the
// vendors' order and with their variable names and file formats. A [Chain]
// caches temporary credentials and refreshes them before they expire, one
// caller at a time; it skips sources that are absent, stops with a
// [*SourceError] at one that is configured but broken, and with a
// [*NoCredentialsError] listing every place it looked when none is
// configured. [ChainOption]s point it at other files and endpoints; package
// signingtest has fakes of the metadata services and STS.
//
// # Parameters
//
// [Params] is a request's parameters as a list of name/value pairs, the one
// form both signatures and the wire encoding read: [ParamsFromValues] makes
// one from url.Values (sorted, as a service does before verifying),
// [MergeSorted] adds parameters to a sorted list in linear time, and
// [Params.AppendQuery] writes the RFC 3986 form body.
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
// The Signature parameter, if present in params, is ignored, and the order
// of params never changes a signature: an unsorted list is sorted on a copy.
package signing
