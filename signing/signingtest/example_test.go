package signingtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/listenerkit/listenerkit-go/signing"
	"github.com/listenerkit/listenerkit-go/signing/signingtest"
)

// setenv sets variables and returns what undoes it; in a test, t.Setenv
// does both.
func setenv(vars map[string]string) (restore func()) {
	old := map[string]*string{}
	for k, v := range vars {
		if prev, ok := os.LookupEnv(k); ok {
			old[k] = &prev
		} else {
			old[k] = nil
		}
		_ = os.Setenv(k, v)
	}
	return func() {
		for k, v := range old {
			if v == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *v)
			}
		}
	}
}

// A pod on TKE with OIDC: the chain reads the TKE_* variables and the token
// file, and asks STS in TKE_REGION for the role's credentials.
func ExampleNewSTS() {
	sts := signingtest.NewSTS()
	defer sts.Close()
	sts.AllowToken("pod-token")
	home, _ := os.MkdirTemp("", "signingtest")
	defer os.RemoveAll(home)
	tokenFile := filepath.Join(home, "token")
	_ = os.WriteFile(tokenFile, []byte("pod-token"), 0o600)
	defer setenv(map[string]string{
		"TENCENTCLOUD_SECRET_ID": "", "TENCENTCLOUD_SECRET_KEY": "", "TENCENTCLOUD_CREDENTIALS_FILE": "",
		"TKE_REGION": "ap-guangzhou", "TKE_PROVIDER_ID": "provider", "TKE_ROLE_ARN": "qcs::cam::uin/1:roleName/app",
		"TKE_WEB_IDENTITY_TOKEN_FILE": tokenFile,
	})()

	chain := signing.NewTencentDefaultCredentials(signing.WithHomeDir(home), signing.WithSTSEndpoint(sts.URL))
	creds, err := chain.Retrieve(context.Background())
	fmt.Println(creds.ID, err)
	fmt.Println("asked in", sts.Requests()[0].Header.Get("X-TC-Region"))
	// Output:
	// STS.sts-1 <nil>
	// asked in ap-guangzhou
}

// An ECS instance with a RAM role: the chain asks the metadata service for
// an IMDSv2 token, the role's name, then its credentials.
func ExampleNewAlibabaMetadata() {
	meta := signingtest.NewAlibabaMetadata("app-role")
	defer meta.Close()
	home, _ := os.MkdirTemp("", "signingtest")
	defer os.RemoveAll(home)
	vars := map[string]string{}
	for _, v := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ROLE_ARN",
		"ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE",
		"ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_ECS_METADATA_DISABLED", "ALIBABA_CLOUD_IMDSV1_DISABLED", "ALIBABA_CLOUD_PROFILE"} {
		vars[v] = ""
	}
	defer setenv(vars)()

	chain := signing.NewAlibabaDefaultCredentials(signing.WithHomeDir(home), signing.WithMetadataEndpoint(meta.URL))
	creds, err := chain.Retrieve(context.Background())
	fmt.Println(creds.ID, err)
	for _, r := range meta.Requests() {
		fmt.Println(r.Method, r.Path)
	}
	// Output:
	// STS.meta-1 <nil>
	// PUT /latest/api/token
	// GET /latest/meta-data/ram/security-credentials/
	// GET /latest/meta-data/ram/security-credentials/app-role
}
