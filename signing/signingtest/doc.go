// Package signingtest holds in-process fakes of the services the default
// credentials chains call, so that a program's credential setup can be
// tested without an instance or a cloud account.
//
// # Instance metadata
//
// [NewAlibabaMetadata] is an ECS metadata service (IMDSv2 tokens offered,
// required with [Metadata.RequireIMDSv2], or unsupported with
// [Metadata.DisableIMDSv2]); [NewTencentMetadata] is a CVM one. Each serves
// one role whose credentials expire after [Metadata.SetLifetime]; give its
// URL to signing.WithMetadataEndpoint.
//
// # STS
//
// [NewSTS] answers Alibaba Cloud's AssumeRole (its signature verified) and
// AssumeRoleWithOIDC, and Tencent Cloud's AssumeRoleWithWebIdentity; give
// its URL to signing.WithSTSEndpoint.
//
// # Clocks
//
// Both fakes compute expiries from a clock that [STS.SetClock] and
// [Metadata.SetClock] replace, so refreshes can be tested without waiting.
package signingtest
