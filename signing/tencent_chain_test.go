package signing_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/signing"
	"github.com/listenerkit/listenerkit-go/signing/signingtest"
)

// These tests follow ../shared/docs/credentials.md, "Tencent Cloud (default
// chain, in this order)".

func TestTencentChain_1Environment(t *testing.T) {
	w := isolate(t)
	chain := w.tencent()
	t.Setenv(signing.TencentSecretIDEnv, "AKID-env")
	t.Setenv(signing.TencentSecretKeyEnv, "env-key")
	t.Setenv(signing.TencentSecurityTokenEnv, "tok")
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "AKID-env", Secret: "env-key", SessionToken: "tok"}, c)

	t.Setenv(signing.TencentSecretIDEnv, "")
	_, err = retrieve(t, chain)
	requireSourceError(t, err, signing.TencentSecretIDEnv)
}

func TestTencentChain_2ProfileFile(t *testing.T) {
	w := isolate(t)
	path := w.file(".tencentcloud/credentials", "[default]\nsecret_id = AKID-file\nsecret_key = file-key\n\n[other]\nsecret_id = x\n")
	c, err := retrieve(t, w.tencent())
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "AKID-file", Secret: "file-key"}, c)

	require.NoError(t, os.WriteFile(path, []byte("[default]\nsecret_id = AKID-file\nsecret_key = file-key\ntoken = file-token\n"), 0o600))
	c, err = retrieve(t, w.tencent())
	require.NoError(t, err)
	assert.Equal(t, "file-token", c.SessionToken, "the CLI's profiles may add a token")

	require.NoError(t, os.WriteFile(path, []byte("[default]\nsecret_id = AKID-file\n"), 0o600))
	_, err = retrieve(t, w.tencent())
	requireSourceError(t, err, path, "[default]", "secret_key not set")

	require.NoError(t, os.WriteFile(path, []byte("[prod]\nsecret_id = a\nsecret_key = b\n"), 0o600))
	_, err = retrieve(t, w.tencent())
	requireSourceError(t, err, path, "no such section")

	other := filepath.Join(t.TempDir(), "creds")
	require.NoError(t, os.WriteFile(other, []byte("[default]\nsecret_id = AKID-var\nsecret_key = k\n"), 0o600))
	t.Setenv(signing.TencentCredentialsFileEnv, other)
	c, err = retrieve(t, w.tencent())
	require.NoError(t, err)
	assert.Equal(t, "AKID-var", c.ID)
}

func TestTencentChain_3TKEOIDCHonoursTheRegion(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AllowToken("web-token")
	t.Setenv(signing.TencentTKERegionEnv, "ap-shanghai")
	t.Setenv(signing.TencentTKEProviderIDEnv, "provider-1")
	t.Setenv(signing.TencentTKEWebIdentityTokenFileEnv, w.file("token", "web-token\n"))
	t.Setenv(signing.TencentTKERoleArnEnv, "qcs::cam::uin/1:roleName/app")
	chain := w.tencent(signing.WithSTSEndpoint(sts.URL))
	c, err := retrieve(t, chain)
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "STS.sts-1", Secret: "sts-secret-1", SessionToken: "sts-token-1"}, c)
	req := sts.Requests()[0]
	assert.Equal(t, "AssumeRoleWithWebIdentity", req.Header.Get("X-TC-Action"))
	assert.Equal(t, "2018-08-13", req.Header.Get("X-TC-Version"))
	assert.Equal(t, "ap-shanghai", req.Header.Get("X-TC-Region"), "the vendor's provider ignores TKE_REGION; this one sends it")
	assert.Equal(t, "provider-1", req.Params["ProviderId"])
	assert.Equal(t, "qcs::cam::uin/1:roleName/app", req.Params["RoleArn"])

	// Refreshed 300 s before expiry.
	w.clock.Advance(time.Hour - signing.TencentRefreshMargin - time.Second)
	c, _ = retrieve(t, chain)
	assert.Equal(t, "STS.sts-1", c.ID)
	w.clock.Advance(2 * time.Second)
	c, _ = retrieve(t, chain)
	assert.Equal(t, "STS.sts-2", c.ID)

	sts.RefuseRole("qcs::cam::uin/1:roleName/app")
	_, err = retrieve(t, w.tencent(signing.WithSTSEndpoint(sts.URL)))
	requireSourceError(t, err, "AssumeRoleWithWebIdentity", "ap-shanghai", "InvalidParameter.RoleNotExist")

	t.Setenv(signing.TencentTKERoleArnEnv, "")
	_, err = retrieve(t, w.tencent(signing.WithSTSEndpoint(sts.URL)))
	requireSourceError(t, err, signing.TencentTKERoleArnEnv)
}

func TestTencentChain_4CVMRole(t *testing.T) {
	w := isolate(t)
	meta := signingtest.NewTencentMetadata("cvm-role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	c, err := retrieve(t, w.tencent(signing.WithMetadataEndpoint(meta.URL)))
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "STS.meta-1", Secret: "meta-secret-1", SessionToken: "meta-token-1"}, c)
	assert.Equal(t, "/latest/meta-data/cam/security-credentials/cvm-role", meta.Requests()[1].Path)

	meta.RefuseRole(http.StatusForbidden)
	_, err = retrieve(t, w.tencent(signing.WithMetadataEndpoint(meta.URL)))
	requireSourceError(t, err, meta.URL, `role "cvm-role"`, "403")

	meta.SetRole("")
	_, err = retrieve(t, w.tencent(signing.WithMetadataEndpoint(meta.URL)))
	var none *signing.NoCredentialsError
	require.ErrorAs(t, err, &none)
	assert.Contains(t, err.Error(), "no CAM role attached")
}

func TestTencentChain_Order(t *testing.T) {
	w := isolate(t)
	sts := signingtest.NewSTS()
	t.Cleanup(sts.Close)
	sts.SetClock(w.clock.Now)
	sts.AllowToken("web-token")
	meta := signingtest.NewTencentMetadata("cvm-role")
	t.Cleanup(meta.Close)
	meta.SetClock(w.clock.Now)
	opts := []signing.ChainOption{signing.WithSTSEndpoint(sts.URL), signing.WithMetadataEndpoint(meta.URL)}
	t.Setenv(signing.TencentSecretIDEnv, "AKID-env")
	t.Setenv(signing.TencentSecretKeyEnv, "k")
	file := w.file(".tencentcloud/credentials", "[default]\nsecret_id = AKID-file\nsecret_key = k\n")
	tke := []string{signing.TencentTKERegionEnv, signing.TencentTKEProviderIDEnv, signing.TencentTKEWebIdentityTokenFileEnv, signing.TencentTKERoleArnEnv}
	for i, v := range []string{"ap-guangzhou", "p", w.file("token", "web-token"), "role"} {
		t.Setenv(tke[i], v)
	}
	walkInOrder(t, func() *signing.Chain { return w.tencent(opts...) }, []orderStep{
		{"AKID-env", func() { t.Setenv(signing.TencentSecretIDEnv, ""); t.Setenv(signing.TencentSecretKeyEnv, "") }},
		{"AKID-file", func() { require.NoError(t, os.Remove(file)) }},
		{"STS.sts-1", func() {
			for _, v := range tke {
				t.Setenv(v, "")
			}
		}},
		{"STS.meta-1", func() { meta.SetRole("") }},
	}, signing.TencentSecretIDEnv, ".tencentcloud/credentials", signing.TencentTKERegionEnv, "no CAM role")
}
