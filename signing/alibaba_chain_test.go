package signing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"github.com/listenerkit/listenerkit-go/internal/testhttp"
	"github.com/listenerkit/listenerkit-go/signing"
	"github.com/listenerkit/listenerkit-go/signing/signingtest"
)

// These tests follow ../shared/docs/credentials.md, "Alibaba Cloud (default
// chain, in this order)": each numbered source has its tests, named after it.

func requireSourceError(t *testing.T, err error, names ...string) *signing.SourceError {
	t.Helper()
	var se *signing.SourceError
	require.ErrorAs(t, err, &se)
	for _, n := range names {
		assert.Contains(t, err.Error(), n)
	}
	return se
}

func TestAlibabaChain_1Environment(t *testing.T) {
	w := isolate(t)
	chain := w.alibaba()
	t.Setenv(signing.AlibabaAccessKeyIDEnv, "LTAI-env")
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "env-secret")
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "LTAI-env", Secret: "env-secret"}, c)

	// Read at every call, as NewAlibabaEnvCredentials does.
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "rotated")
	t.Setenv(signing.AlibabaSecurityTokenEnv, "tok")
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "LTAI-env", Secret: "rotated", SessionToken: "tok"}, c)

	// One variable without the other is broken, not absent: no fall-through.
	w.file(".aliyun/config.json", `{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI-file","access_key_secret":"file-secret"}]}`)
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "")
	_, err = retrieve(t, chain)
	requireSourceError(t, err, signing.AlibabaAccessKeySecretEnv+" not set", "environment")
}

func TestAlibabaChain_2OIDC(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AllowToken("oidc-token-1")
	tokenFile := w.file("rrsa/token", "oidc-token-1\n")
	t.Setenv(signing.AlibabaRoleArnEnv, "acs:ram::1:role/app")
	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "acs:ram::1:oidc-provider/ack")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, tokenFile)
	t.Setenv(signing.AlibabaRoleSessionNameEnv, "my-session")
	chain := w.alibaba(signing.WithSTSEndpoint(sts.URL))

	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "STS.sts-1", Secret: "sts-secret-1", SessionToken: "sts-token-1"}, c)
	req := sts.Requests()[0]
	assert.Equal(t, "AssumeRoleWithOIDC", req.Params["Action"])
	assert.Equal(t, "acs:ram::1:role/app", req.Params["RoleArn"])
	assert.Equal(t, "acs:ram::1:oidc-provider/ack", req.Params["OIDCProviderArn"])
	assert.Equal(t, "my-session", req.Params["RoleSessionName"])
	assert.Equal(t, "3600", req.Params["DurationSeconds"])
	assert.Empty(t, req.Params["Signature"], "the OIDC token is the proof; nothing is signed")

	// The token file is read again at every refresh (kubelet rotates it).
	sts.AllowToken("oidc-token-2")
	require.NoError(t, os.WriteFile(tokenFile, []byte("oidc-token-2"), 0o600))
	w.clock.Advance(time.Hour - signing.AlibabaRefreshMargin + time.Second)
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.sts-2", c.ID)
	assert.Equal(t, "oidc-token-2", sts.Requests()[1].Params["OIDCToken"])
}

func TestAlibabaChain_2OIDCBroken(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	t.Setenv(signing.AlibabaRoleArnEnv, "acs:ram::1:role/app")
	chain := w.alibaba(signing.WithSTSEndpoint(sts.URL))
	_, err := retrieve(t, chain)
	requireSourceError(t, err, signing.AlibabaOIDCProviderArnEnv, signing.AlibabaOIDCTokenFileEnv)

	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "acs:ram::1:oidc-provider/ack")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, filepath.Join(w.home, "missing-token"))
	_, err = retrieve(t, chain)
	requireSourceError(t, err, "missing-token")

	t.Setenv(signing.AlibabaOIDCTokenFileEnv, w.file("token", "the-oidc-token-that-is-not-allowed"))
	_, err = retrieve(t, chain)
	requireSourceError(t, err, "AssumeRoleWithOIDC", sts.URL, "AuthenticationFail.OIDCToken.Invalid", "acs:ram::1:role/app")
	assert.NotContains(t, err.Error(), "the-oidc-token")
}

func TestAlibabaChain_2OIDCEndpointFromRegion(t *testing.T) {
	w := isolate(t)
	var hosts []string
	hc := &http.Client{Transport: testhttp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return nil, errors.New("not sent")
	})}
	t.Setenv(signing.AlibabaRoleArnEnv, "r")
	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "p")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, w.file("token", "tok"))
	for _, tc := range []struct{ region, vpc, host string }{
		{"", "", "sts.aliyuncs.com"},
		{"cn-hangzhou", "", "sts.cn-hangzhou.aliyuncs.com"},
		{"cn-hangzhou", "true", "sts-vpc.cn-hangzhou.aliyuncs.com"},
	} {
		t.Setenv(signing.AlibabaSTSRegionEnv, tc.region)
		t.Setenv(signing.AlibabaVPCEndpointEnabledEnv, tc.vpc)
		hosts = nil
		_, err := retrieve(t, w.alibaba(signing.WithHTTPClient(hc)))
		requireSourceError(t, err, tc.host)
		assert.Equal(t, []string{tc.host}, hosts)
	}
}

func TestAlibabaChain_3CLIConfigModes(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AddAccessKey("LTAI-source", "source-secret")
	sts.AllowToken("oidc")
	meta := signingtest.NewAlibabaMetadata("ecs-role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	token := w.file("oidc-token", "oidc")
	path := w.file(".aliyun/config.json", fmt.Sprintf(`{"current":"ak","profiles":[
		{"name":"ak","mode":"AK","access_key_id":"LTAI-ak","access_key_secret":"ak-secret"},
		{"name":"sts","mode":"StsToken","access_key_id":"STS.x","access_key_secret":"sts-secret","sts_token":"sts-tok"},
		{"name":"role","mode":"RamRoleArn","access_key_id":"LTAI-source","access_key_secret":"source-secret","ram_role_arn":"acs:ram::1:role/r","ram_session_name":"s","expired_seconds":900},
		{"name":"ecs","mode":"EcsRamRole","ram_role_name":"ecs-role"},
		{"name":"oidc","mode":"OIDC","oidc_token_file":%q,"oidc_provider_arn":"acs:ram::1:oidc-provider/p","ram_role_arn":"acs:ram::1:role/o"},
		{"name":"chain","mode":"ChainableRamRoleArn","source_profile":"role","ram_role_arn":"acs:ram::1:role/second"},
		{"name":"sso","mode":"CloudSSO"},
		{"name":"nokey","mode":"AK","access_key_id":"LTAI-x"},
		{"name":"loop","mode":"ChainableRamRoleArn","source_profile":"loop","ram_role_arn":"r"},
		{"name":"badsig","mode":"RamRoleArn","access_key_id":"LTAI-source","access_key_secret":"not-the-secret","ram_role_arn":"r"}
	]}`, token))
	opts := []signing.ChainOption{signing.WithSTSEndpoint(sts.URL), signing.WithMetadataEndpoint(meta.URL)}

	c, err := retrieve(t, w.alibaba(opts...)) // "current"
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "LTAI-ak", Secret: "ak-secret"}, c)

	for _, tc := range [][2]string{{"sts", "STS.x"}, {"role", "STS.sts-1"}, {"ecs", "STS.meta-1"}, {"oidc", "STS.sts-2"}, {"chain", "STS.sts-4"}} {
		profile, wantID := tc[0], tc[1]
		t.Setenv(signing.AlibabaProfileEnv, profile)
		c, err := retrieve(t, w.alibaba(opts...))
		require.NoError(t, err, profile)
		assert.Equal(t, wantID, c.ID, profile)
	}
	reqs := sts.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "AssumeRole", reqs[0].Params["Action"])
	assert.Equal(t, "LTAI-source", reqs[0].Params["AccessKeyId"], "signed with the source keys (the fake verified the signature)")
	assert.Equal(t, "900", reqs[0].Params["DurationSeconds"])
	assert.Equal(t, "s", reqs[0].Params["RoleSessionName"])
	// ChainableRamRoleArn: the source profile's role first, then this one
	// signed with those temporary keys.
	assert.Equal(t, "acs:ram::1:role/r", reqs[2].Params["RoleArn"])
	assert.Equal(t, "acs:ram::1:role/second", reqs[3].Params["RoleArn"])
	assert.Equal(t, "STS.sts-3", reqs[3].Params["AccessKeyId"])
	assert.Equal(t, "sts-token-3", reqs[3].Params["SecurityToken"])

	for profile, names := range map[string][]string{
		"sso":     {path, `"sso"`, `mode "CloudSSO" is not supported`, "AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn"},
		"nokey":   {path, `"nokey"`, "access_key_secret"},
		"missing": {path, `"missing"`, "no such profile"},
		"loop":    {path, "loop"},
		"badsig":  {"AssumeRole", "SignatureDoesNotMatch"}, // the fake STS verifies signatures
	} {
		t.Setenv(signing.AlibabaProfileEnv, profile)
		_, err := retrieve(t, w.alibaba(opts...))
		requireSourceError(t, err, names...)
	}
}

func TestAlibabaChain_3CLIConfigFileVariableAndDisable(t *testing.T) {
	w := isolate(t)
	other := filepath.Join(t.TempDir(), "cli.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI-var","access_key_secret":"s"}]}`), 0o600))
	t.Setenv(signing.AlibabaConfigFileEnv, other)
	c, err := retrieve(t, w.alibaba())
	require.NoError(t, err)
	assert.Equal(t, "LTAI-var", c.ID)

	t.Setenv(signing.AlibabaCLIProfileDisabledEnv, "true")
	_, err = retrieve(t, w.alibaba())
	var none *signing.NoCredentialsError
	require.ErrorAs(t, err, &none)
	assert.Contains(t, err.Error(), signing.AlibabaCLIProfileDisabledEnv+"=true")

	// A file the variable names must exist.
	t.Setenv(signing.AlibabaCLIProfileDisabledEnv, "")
	t.Setenv(signing.AlibabaConfigFileEnv, filepath.Join(w.home, "nope.json"))
	_, err = retrieve(t, w.alibaba())
	requireSourceError(t, err, "nope.json")

	t.Setenv(signing.AlibabaConfigFileEnv, w.file("bad.json", "{not json"))
	_, err = retrieve(t, w.alibaba())
	requireSourceError(t, err, "bad.json", "not the CLI's JSON")
}

func TestAlibabaChain_4CredentialsFile(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AddAccessKey("LTAI-ini", "ini-secret")
	meta := signingtest.NewAlibabaMetadata("ini-role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	path := w.file(".alibabacloud/credentials", `
# comment
[default]
type = access_key
access_key_id = LTAI-ini
access_key_secret = ini-secret

[ecs]
type = ecs_ram_role
role_name = ini-role

[role]
type = ram_role_arn
access_key_id = LTAI-ini
access_key_secret = ini-secret
role_arn = acs:ram::1:role/ini
role_session_name = ini-session
policy = {"Statement":[]}

[bearer]
type = bearer
bearer_token = x

[empty]
type = access_key
`)
	opts := []signing.ChainOption{signing.WithSTSEndpoint(sts.URL), signing.WithMetadataEndpoint(meta.URL)}
	c, err := retrieve(t, w.alibaba(opts...))
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "LTAI-ini", Secret: "ini-secret"}, c)

	t.Setenv(signing.AlibabaProfileEnv, "ecs")
	c, err = retrieve(t, w.alibaba(opts...))
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-1", c.ID)

	t.Setenv(signing.AlibabaProfileEnv, "role")
	c, err = retrieve(t, w.alibaba(opts...))
	require.NoError(t, err)
	assert.Equal(t, "STS.sts-1", c.ID)
	req := sts.Requests()[0]
	assert.Equal(t, `{"Statement":[]}`, req.Params["Policy"])
	assert.Equal(t, "ini-session", req.Params["RoleSessionName"])

	for profile, names := range map[string][]string{
		"bearer": {path, "[bearer]", `type "bearer" is not supported`},
		"empty":  {path, "[empty]", "access_key_id, access_key_secret"},
		"nope":   {path, "[nope]", "no such section"},
	} {
		t.Setenv(signing.AlibabaProfileEnv, profile)
		_, err := retrieve(t, w.alibaba(opts...))
		requireSourceError(t, err, names...)
	}

	t.Setenv(signing.AlibabaProfileEnv, "")
	other := filepath.Join(t.TempDir(), "creds")
	require.NoError(t, os.WriteFile(other, []byte("[default]\ntype=access_key\naccess_key_id=LTAI-var\naccess_key_secret=s\n"), 0o600))
	t.Setenv(signing.AlibabaCredentialsFileEnv, other)
	c, err = retrieve(t, w.alibaba(opts...))
	require.NoError(t, err)
	assert.Equal(t, "LTAI-var", c.ID)
}

func TestAlibabaChain_5ECSRoleIMDSv2ThenV1(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("my-role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	c, err := retrieve(t, w.alibaba(signing.WithMetadataEndpoint(meta.URL)))
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "STS.meta-1", Secret: "meta-secret-1", SessionToken: "meta-token-1"}, c)
	reqs := meta.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "PUT /latest/api/token", reqs[0].Method+" "+reqs[0].Path)
	assert.Equal(t, "21600", reqs[0].Header.Get("X-aliyun-ecs-metadata-token-ttl-seconds"))
	assert.Equal(t, "/latest/meta-data/ram/security-credentials/", reqs[1].Path)
	assert.Equal(t, "/latest/meta-data/ram/security-credentials/my-role", reqs[2].Path)
	for _, r := range reqs[1:] {
		assert.Equal(t, "imds-token-1", r.Header.Get("X-aliyun-ecs-metadata-token"), "IMDSv2: the token on every GET")
	}

	// IMDSv2 required by the instance: still works.
	meta2 := signingtest.NewAlibabaMetadata("my-role")
	t.Cleanup(meta2.Close)
	meta2.RequireIMDSv2()
	_, err = retrieve(t, w.alibaba(signing.WithMetadataEndpoint(meta2.URL)))
	require.NoError(t, err)

	// No IMDSv2: v1 fallback, no token sent.
	meta3 := signingtest.NewAlibabaMetadata("my-role")
	t.Cleanup(meta3.Close)
	meta3.DisableIMDSv2()
	_, err = retrieve(t, w.alibaba(signing.WithMetadataEndpoint(meta3.URL)))
	require.NoError(t, err)
	for _, r := range meta3.Requests()[1:] {
		assert.Empty(t, r.Header.Get("X-aliyun-ecs-metadata-token"))
	}

	// ... unless v1 is disabled.
	t.Setenv(signing.AlibabaIMDSv1DisabledEnv, "true")
	_, err = retrieve(t, w.alibaba(signing.WithMetadataEndpoint(meta3.URL)))
	requireSourceError(t, err, meta3.URL, signing.AlibabaIMDSv1DisabledEnv)
	assert.Len(t, meta3.Requests(), 4, "nothing asked over v1 once the token is refused")
}

func TestAlibabaChain_5ECSRoleAbsentAndBroken(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("")
	t.Cleanup(meta.Close)
	opt := signing.WithMetadataEndpoint(meta.URL)
	_, err := retrieve(t, w.alibaba(opt))
	var none *signing.NoCredentialsError
	require.ErrorAs(t, err, &none, "an instance without a role is absent")
	assert.Contains(t, err.Error(), "no RAM role attached")

	meta.SetRole("r")
	meta.RefuseRole(http.StatusForbidden)
	_, err = retrieve(t, w.alibaba(opt))
	requireSourceError(t, err, meta.URL, `role "r"`, "403")

	// A role named by ALIBABA_CLOUD_ECS_METADATA: a silent address is an
	// error, not an absent link.
	t.Setenv(signing.AlibabaECSMetadataEnv, "r")
	_, err = retrieve(t, w.alibaba(signing.WithMetadataTimeout(50*time.Millisecond)))
	requireSourceError(t, err, "no answer")

	t.Setenv(signing.AlibabaECSMetadataEnv, "")
	t.Setenv(signing.AlibabaECSMetadataDisabledEnv, "true")
	_, err = retrieve(t, w.alibaba(opt))
	require.ErrorAs(t, err, &none)
	assert.Contains(t, err.Error(), signing.AlibabaECSMetadataDisabledEnv+"=true")
}

func TestChains_MetadataThatNeverAnswersIsAbsentWithinTheTimeout(t *testing.T) {
	w := isolate(t)
	silent := silentAddress(t)
	for name, chain := range map[string]*signing.Chain{
		"alibaba": w.alibaba(signing.WithMetadataEndpoint(silent), signing.WithMetadataTimeout(200*time.Millisecond)),
		"tencent": w.tencent(signing.WithMetadataEndpoint(silent), signing.WithMetadataTimeout(200*time.Millisecond)),
	} {
		start := time.Now()
		_, err := retrieve(t, chain)
		var none *signing.NoCredentialsError
		require.ErrorAs(t, err, &none, name)
		assert.Contains(t, err.Error(), "no answer within 200ms", name)
		assert.Less(t, time.Since(start), 2*time.Second, name)
	}
	// The default timeout is about a second.
	start := time.Now()
	_, err := retrieve(t, w.alibaba(signing.WithMetadataEndpoint(silent)))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Equal(t, time.Second, signing.DefaultMetadataTimeout)
}

func TestAlibabaChain_6CredentialsURI(t *testing.T) {
	w := isolate(t)
	answer := `{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"uri-secret","SecurityToken":"uri-token","Expiration":"2026-11-23T13:00:00Z"}`
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { fmt.Fprint(rw, answer) }))
	defer srv.Close()
	t.Setenv(signing.AlibabaCredentialsURIEnv, srv.URL+"/creds?secret-query=hush")
	c, err := retrieve(t, w.alibaba())
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "STS.uri", Secret: "uri-secret", SessionToken: "uri-token"}, c)

	answer = `{"Code":"Failed"}`
	_, err = retrieve(t, w.alibaba())
	requireSourceError(t, err, signing.AlibabaCredentialsURIEnv, srv.URL+"/creds", `Code "Failed"`)
	assert.NotContains(t, err.Error(), "hush", "a URI's query may hold a secret")

	answer = `{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"uri-secret","SecurityToken":"uri-token","Expiration":"2026-11-23T11:00:00Z"}`
	_, err = retrieve(t, w.alibaba())
	requireSourceError(t, err, "expired at 2026-11-23T11:00:00Z")
}

func TestAlibabaChain_Order(t *testing.T) {
	// Every source configured at once; each removed in turn shows the next.
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AllowToken("oidc")
	meta := signingtest.NewAlibabaMetadata("role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	uri := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprint(rw, `{"Code":"Success","AccessKeyId":"STS.uri","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2026-11-23T13:00:00Z"}`)
	}))
	defer uri.Close()
	opts := []signing.ChainOption{signing.WithSTSEndpoint(sts.URL), signing.WithMetadataEndpoint(meta.URL)}

	t.Setenv(signing.AlibabaAccessKeyIDEnv, "LTAI-env")
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "s")
	t.Setenv(signing.AlibabaRoleArnEnv, "r")
	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "p")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, w.file("token", "oidc"))
	cli := w.file(".aliyun/config.json", `{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI-cli","access_key_secret":"s"}]}`)
	ini := w.file(".alibabacloud/credentials", "[default]\ntype=access_key\naccess_key_id=LTAI-ini\naccess_key_secret=s\n")
	t.Setenv(signing.AlibabaCredentialsURIEnv, uri.URL)

	walkInOrder(t, func() *signing.Chain { return w.alibaba(opts...) }, []orderStep{
		{"LTAI-env", func() { t.Setenv(signing.AlibabaAccessKeyIDEnv, ""); t.Setenv(signing.AlibabaAccessKeySecretEnv, "") }},
		{"STS.sts-1", func() {
			t.Setenv(signing.AlibabaRoleArnEnv, "")
			t.Setenv(signing.AlibabaOIDCProviderArnEnv, "")
			t.Setenv(signing.AlibabaOIDCTokenFileEnv, "")
		}},
		{"LTAI-cli", func() { require.NoError(t, os.Remove(cli)) }},
		{"LTAI-ini", func() { require.NoError(t, os.Remove(ini)) }},
		{"STS.meta-1", func() { meta.SetRole("") }},
		{"STS.uri", func() { t.Setenv(signing.AlibabaCredentialsURIEnv, "") }},
	}, signing.AlibabaAccessKeyIDEnv, signing.AlibabaRoleArnEnv, ".aliyun/config.json", ".alibabacloud/credentials", "no RAM role", signing.AlibabaCredentialsURIEnv)
}

func TestAlibabaChain_RefreshBeforeExpiryWithAFakeClock(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	chain := w.alibaba(signing.WithMetadataEndpoint(meta.URL))
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-1", c.ID)

	w.clock.Advance(time.Hour - signing.AlibabaRefreshMargin - time.Second) // 181 s left: kept
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-1", c.ID)
	assert.Equal(t, 1, meta.Issued())

	w.clock.Advance(2 * time.Second) // 179 s left: refreshed
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-2", c.ID)
	assert.Equal(t, 2, meta.Issued())

	// Short-lived credentials (less than twice the margin) are refreshed at
	// half their life, not at every call.
	meta.SetLifetime(4 * time.Minute)
	w.clock.Advance(time.Hour)
	_, err = retrieve(t, chain)
	require.NoError(t, err)
	w.clock.Advance(time.Minute)
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-3", c.ID)
	w.clock.Advance(90 * time.Second)
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "STS.meta-4", c.ID)
}

func TestChains_OneRefreshUnder64Goroutines(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	chain := w.alibaba(signing.WithMetadataEndpoint(meta.URL))

	hammer := func() {
		start := make(chan struct{})
		errs := make(chan error, 64)
		for range 64 {
			go func() {
				<-start
				_, err := chain.Retrieve(context.Background())
				errs <- err
			}()
		}
		close(start)
		for range 64 {
			require.NoError(t, <-errs)
		}
	}
	hammer() // first fetch: nothing cached, all wait for one walk
	assert.Equal(t, 1, meta.Issued())
	w.clock.Advance(time.Hour - time.Minute) // inside the margin, still valid
	hammer()
	assert.Equal(t, 2, meta.Issued())
	w.clock.Advance(2 * time.Hour) // expired: all wait for one walk
	hammer()
	assert.Equal(t, 3, meta.Issued())
}

func TestChains_FailedRefreshKeepsValidCredentialsThenNamesTheSource(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	chain := w.alibaba(signing.WithMetadataEndpoint(meta.URL))
	first, err := retrieve(t, chain)
	require.NoError(t, err)

	meta.RefuseRole(http.StatusInternalServerError)
	w.clock.Advance(time.Hour - time.Minute)
	c, err := retrieve(t, chain)
	require.NoError(t, err, "still valid for a minute: kept")
	assert.Equal(t, first, c)
	assert.Contains(t, w.log.String(), "refreshing credentials failed")
	assert.Contains(t, w.log.String(), `role \"role\"`)
	assert.NotContains(t, w.log.String(), first.Secret)
	assert.NotContains(t, w.log.String(), first.SessionToken)

	// Not tried again at once: the next walk waits 10 s.
	requests := len(meta.Requests())
	_, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Len(t, meta.Requests(), requests)
	w.clock.Advance(11 * time.Second)
	_, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Greater(t, len(meta.Requests()), requests)

	w.clock.Advance(time.Minute) // expired
	_, err = retrieve(t, chain)
	requireSourceError(t, err, meta.URL, `role "role"`, "500")

	meta.RefuseRole(0) // recovers: the next call walks again
	c, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.NotEqual(t, first.ID, c.ID)
}

func TestChains_LooksAgainAtTheTopAfterAFileIsRereadOrEnvironmentSet(t *testing.T) {
	w := isolate(t)
	path := w.file(".aliyun/config.json", `{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI-one","access_key_secret":"s"}]}`)
	chain := w.alibaba()
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, "LTAI-one", c.ID)

	require.NoError(t, os.WriteFile(path, []byte(`{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI-two","access_key_secret":"s"}]}`), 0o600))
	c, _ = retrieve(t, chain)
	assert.Equal(t, "LTAI-one", c.ID, "kept for FileRereadInterval")
	w.clock.Advance(signing.FileRereadInterval)
	c, _ = retrieve(t, chain)
	assert.Equal(t, "LTAI-two", c.ID)

	t.Setenv(signing.AlibabaAccessKeyIDEnv, "LTAI-env")
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "s")
	c, _ = retrieve(t, chain)
	assert.Equal(t, "LTAI-env", c.ID, "the environment is read at every call")

	// Long-lived keys are not kept when their file goes: the next walk says
	// where it looked.
	t.Setenv(signing.AlibabaAccessKeyIDEnv, "")
	t.Setenv(signing.AlibabaAccessKeySecretEnv, "")
	require.NoError(t, os.Remove(path))
	w.clock.Advance(signing.FileRereadInterval)
	_, err = retrieve(t, chain)
	assert.ErrorIs(t, err, signing.ErrMissingCredentials)
}

func TestChains_WarnOnFilesOthersCanRead(t *testing.T) {
	w := isolate(t)
	path := w.file(".alibabacloud/credentials", "[default]\ntype=access_key\naccess_key_id=LTAI-ini\naccess_key_secret=perm-secret\n")
	_, err := retrieve(t, w.alibaba())
	require.NoError(t, err)
	assert.NotContains(t, w.log.String(), "readable by others", "0600 is quiet")

	require.NoError(t, os.Chmod(path, 0o644))
	chain := w.alibaba()
	_, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Contains(t, w.log.String(), "readable by others")
	assert.Contains(t, w.log.String(), path)
	assert.NotContains(t, w.log.String(), "perm-secret")

	// Once per chain and file, not at every reread.
	w.clock.Advance(signing.FileRereadInterval)
	_, err = retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(w.log.String(), "readable by others"))
}

func TestChains_NoSecretInAnyErrorFromAHostileSTS(t *testing.T) {
	// An STS that echoes everything it was sent into its error message,
	// in several spellings, and (as one that knows it would) the source
	// key's secret, which a request never carries.
	w := isolate(t)
	const sourceSecret = "source-secret-value"
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		var echo []string
		for k, v := range r.Form {
			echo = append(echo, k+"="+v[0])
		}
		msg := "encoded: " + url.QueryEscape(r.FormValue("OIDCToken")) + " " +
			string(signing.AppendPercentEncoded(nil, r.FormValue("OIDCToken"))) + " key: " + sourceSecret + " " + strings.Join(echo, " ")
		rw.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(rw, `{"Code":"Bad %s","Message":%q}`, r.FormValue("OIDCToken"), msg)
	}))
	defer srv.Close()
	t.Setenv(signing.AlibabaRoleArnEnv, "r")
	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "p")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, w.file("token", "super-secret/oidc+token=x"))
	_, err := retrieve(t, w.alibaba(signing.WithSTSEndpoint(srv.URL)))
	require.Error(t, err)
	for _, spelling := range []string{"super-secret", "oidc+token", "oidc%2Btoken", "secret%2Foidc"} {
		assert.NotContains(t, err.Error(), spelling)
	}
	assert.Contains(t, err.Error(), "encoded: REDACTED REDACTED", "the echo reached the error, redacted")
	assert.Contains(t, err.Error(), "REDACTED")

	w.file(".alibabacloud/credentials", "[default]\ntype=ram_role_arn\naccess_key_id=LTAI-src\naccess_key_secret="+sourceSecret+"\nrole_arn=r\n")
	for _, v := range []string{signing.AlibabaRoleArnEnv, signing.AlibabaOIDCProviderArnEnv, signing.AlibabaOIDCTokenFileEnv} {
		t.Setenv(v, "")
	}
	_, err = retrieve(t, w.alibaba(signing.WithSTSEndpoint(srv.URL)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AssumeRole", "the walk reached STS")
	assert.NotContains(t, err.Error(), sourceSecret)
	assert.Contains(t, err.Error(), "key: REDACTED", "the echo reached the error, redacted")
}

func TestChains_RedirectsAreNotFollowed(t *testing.T) {
	w := isolate(t)
	var leaked bool
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { leaked = true }))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.RedirectHandler(elsewhere.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	t.Setenv(signing.AlibabaRoleArnEnv, "r")
	t.Setenv(signing.AlibabaOIDCProviderArnEnv, "p")
	t.Setenv(signing.AlibabaOIDCTokenFileEnv, w.file("token", "tok"))
	_, err := retrieve(t, w.alibaba(signing.WithSTSEndpoint(srv.URL), signing.WithHTTPClient(&http.Client{})))
	requireSourceError(t, err, "307")
	assert.False(t, leaked, "the OIDC token went to the redirect's host")
}

func TestChains_ContextEndsAWalk(t *testing.T) {
	w := isolate(t)
	chain := w.alibaba(signing.WithMetadataEndpoint(silentAddress(t)), signing.WithMetadataTimeout(time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := chain.Retrieve(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)

	var nilCtx context.Context
	_, err = chain.Retrieve(nilCtx)
	assert.Error(t, err)
}

func TestChains_PrintNoSecret(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewAlibabaMetadata("role")
	t.Cleanup(meta.Close)
	chain := w.alibaba(signing.WithMetadataEndpoint(meta.URL))
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{chain, []*signing.Chain{chain}, struct{ C *signing.Chain }{chain}} {
			out := fmt.Sprintf(format, v)
			assert.NotContains(t, out, c.Secret, format)
			assert.NotContains(t, out, c.SessionToken, format)
		}
	}
}

// Instance metadata never goes through a proxy (only the instance reaches
// it); STS does, as the proxy variables say.
func TestChains_ProxyForSTSNeverForMetadata(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://proxy.example:3128")
	t.Setenv("HTTP_PROXY", "http://proxy.example:3128")
	t.Setenv("NO_PROXY", "")
	for chain, metadata := range map[*signing.Chain]string{
		signing.NewAlibabaDefaultCredentials(): signing.AlibabaMetadataEndpoint,
		signing.NewTencentDefaultCredentials(): signing.TencentMetadataEndpoint,
	} {
		proxy, err := chain.ProxyFor(metadata + "/latest/meta-data/")
		require.NoError(t, err)
		assert.Empty(t, proxy, "%s: its instance metadata goes direct", chain)
		for _, sts := range []string{signing.AlibabaSTSEndpoint, signing.TencentSTSEndpoint} {
			proxy, err = chain.ProxyFor(sts + "/")
			require.NoError(t, err)
			assert.Equal(t, "http://proxy.example:3128", proxy, "%s: %s", chain, sts)
		}
	}
}

// 64 callers with no source anywhere share one failed walk instead of
// each probing the silent metadata address in turn.
func TestChains_CallersWaitingForAFailedWalkShareItsError(t *testing.T) {
	w := isolate(t)
	chain := w.alibaba(signing.WithMetadataEndpoint(silentAddress(t)), signing.WithMetadataTimeout(300*time.Millisecond))
	start := time.Now()
	errs := make(chan error, 64)
	for range 64 {
		go func() {
			_, err := chain.Retrieve(context.Background())
			errs <- err
		}()
	}
	for range 64 {
		var none *signing.NoCredentialsError
		require.ErrorAs(t, <-errs, &none)
	}
	assert.Less(t, time.Since(start), 3*time.Second, "64 walks in turn would take 64 × 300 ms")

	// A call after the failure walks again (a source may have appeared).
	t.Setenv(signing.AlibabaCredentialsURIEnv, "http://127.0.0.1:1/creds")
	_, err := retrieve(t, chain)
	requireSourceError(t, err, signing.AlibabaCredentialsURIEnv)
}

// Without WithLogger, a chain's warnings go to slog.Default().
func TestChains_WarningsGoToSlogDefaultWithoutALogger(t *testing.T) {
	_, home := credtest.Isolate(t)
	var log lockedWriter
	log.w = &bytes.Buffer{}
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	defer slog.SetDefault(previous)
	path := filepath.Join(home, "credentials")
	require.NoError(t, os.WriteFile(path, []byte("[default]\nsecret_id = AKID\nsecret_key = k\n"), 0o644))
	t.Setenv(signing.TencentCredentialsFileEnv, path)
	_, err := signing.NewTencentDefaultCredentials().Retrieve(context.Background())
	require.NoError(t, err)
	assert.Contains(t, log.w.String(), "readable by others")
}
