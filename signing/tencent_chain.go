package signing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Variables and defaults of the Tencent Cloud chain, as the vendor's SDK
// (tencentcloud-sdk-go common/provider) reads them.
const (
	TencentCredentialsFileEnv         = "TENCENTCLOUD_CREDENTIALS_FILE"
	TencentTKERegionEnv               = "TKE_REGION"
	TencentTKEProviderIDEnv           = "TKE_PROVIDER_ID"
	TencentTKEWebIdentityTokenFileEnv = "TKE_WEB_IDENTITY_TOKEN_FILE"
	TencentTKERoleArnEnv              = "TKE_ROLE_ARN"

	// TencentMetadataEndpoint is the CVM instance metadata service.
	TencentMetadataEndpoint = "http://metadata.tencentyun.com"
	// TencentSTSEndpoint is STS (API 3.0).
	TencentSTSEndpoint = "https://sts.tencentcloudapi.com"

	tencentCredentialsPath = ".tencentcloud/credentials"
	tencentRoleDuration    = 7200 // seconds, the vendor's OIDC provider's default
)

// NewTencentDefaultCredentials returns Tencent Cloud's default credentials
// chain:
//
//  1. environment: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, optional
//     TENCENTCLOUD_SECURITY_TOKEN (read at every call);
//  2. TENCENTCLOUD_CREDENTIALS_FILE or ~/.tencentcloud/credentials, section
//     [default]: secret_id, secret_key, optional token;
//  3. TKE OIDC: when TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE
//     and TKE_ROLE_ARN are set, STS AssumeRoleWithWebIdentity in TKE_REGION,
//     with the token read from the file at every refresh;
//  4. the CVM instance CAM role.
//
// The vendor's own chain is 1, 2, 4; TKE OIDC is its separate provider. It
// comes before the instance role here because a pod on a CVM node can
// usually reach that node's metadata: a pod configured for OIDC must get its
// own role, not the node's. Temporary credentials are refreshed
// TencentRefreshMargin before expiry. See Chain for when it looks again.
func NewTencentDefaultCredentials(opts ...ChainOption) *Chain {
	return newChain("the Tencent Cloud default credentials chain", TencentRefreshMargin,
		envLink(TencentSecretIDEnv, TencentSecretKeyEnv, TencentSecurityTokenEnv),
		[]link{
			tencentProfileFile,
			tencentTKEOIDC,
			tencentCVMRole,
		}, TencentMetadataEndpoint, opts)
}

func tencentProfileFile(ctx context.Context, cfg *chainConfig) (found, error) {
	data, path, err := cfg.readFile(ctx, TencentCredentialsFileEnv, tencentCredentialsPath)
	if err != nil {
		return found{}, err
	}
	where := path + " [default]"
	section, ok := parseINI(data)["default"]
	if !ok {
		return found{}, broken(where, "no such section")
	}
	var missing []string
	for _, k := range []string{"secret_id", "secret_key"} {
		if section[k] == "" {
			missing = append(missing, k)
		}
	}
	if missing != nil {
		return found{}, broken(where, "%s not set", strings.Join(missing, ", "))
	}
	return found{creds: Credentials{ID: section["secret_id"], Secret: section["secret_key"], SessionToken: section["token"]}, source: where}, nil
}

func tencentTKEOIDC(ctx context.Context, cfg *chainConfig) (found, error) {
	v, err := requireAll("TKE OIDC", TencentTKERegionEnv, TencentTKEProviderIDEnv, TencentTKEWebIdentityTokenFileEnv, TencentTKERoleArnEnv)
	if err != nil {
		return found{}, err
	}
	region, providerID, tokenFile, roleArn := v[0], v[1], v[2], v[3]
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return found{}, broken("TKE web identity token file "+tokenFile, "%v", err)
	}
	webToken := strings.TrimSpace(string(token))
	if webToken == "" {
		return found{}, broken("TKE web identity token file "+tokenFile, "the file is empty")
	}
	endpoint := cfg.stsURL
	if endpoint == "" {
		endpoint = TencentSTSEndpoint
	}
	where := "STS AssumeRoleWithWebIdentity at " + endpoint + " in " + region + " for role " + roleArn
	body, _ := json.Marshal(map[string]any{
		"ProviderId": providerID, "WebIdentityToken": webToken, "RoleArn": roleArn,
		"RoleSessionName": sessionName(""), "DurationSeconds": tencentRoleDuration,
	})
	header := http.Header{
		"Content-Type":   {"application/json"},
		"Authorization":  {"SKIP"}, // AssumeRoleWithWebIdentity is not signed: the token is the proof
		"X-TC-Action":    {"AssumeRoleWithWebIdentity"},
		"X-TC-Version":   {"2018-08-13"},
		"X-TC-Region":    {region},
		"X-TC-Timestamp": {strconv.FormatInt(cfg.now().Unix(), 10)},
	}
	a, err := cfg.send(ctx, DefaultSTSTimeout, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", header, string(body))
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	var out struct {
		Response struct {
			Error       *struct{ Code, Message string }
			Credentials *struct{ TmpSecretId, TmpSecretKey, Token string }
			ExpiredTime int64
			Expiration  string
		}
	}
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK || out.Response.Error != nil || out.Response.Credentials == nil {
		code, msg := "", ""
		if e := out.Response.Error; e != nil {
			code, msg = serviceText(e.Code, webToken), serviceText(e.Message, webToken)
		}
		return found{}, broken(where, "answered HTTP %d %s: %s", a.status, code, msg)
	}
	c := out.Response.Credentials
	return temporaryFound(cfg, where, c.TmpSecretId, c.TmpSecretKey, c.Token, out.Response.Expiration, out.Response.ExpiredTime)
}

func tencentCVMRole(ctx context.Context, cfg *chainConfig) (found, error) {
	base := strings.TrimSuffix(cfg.metadataURL, "/")
	where := "CVM instance metadata " + base
	const credentialsPath = "/latest/meta-data/cam/security-credentials/"
	a, err := cfg.send(ctx, cfg.metadataTimeout, http.MethodGet, base+credentialsPath, nil, "")
	if err != nil {
		return found{}, absent(where, fmt.Sprintf("no answer within %v (not a CVM instance)", cfg.metadataTimeout))
	}
	if a.status == http.StatusNotFound {
		return found{}, absent(where, "this instance has no CAM role attached")
	}
	if a.status != http.StatusOK {
		return found{}, broken(where, "listing the instance's CAM role answered HTTP %d", a.status)
	}
	role, _, _ := strings.Cut(strings.TrimSpace(string(a.body)), "\n")
	if role = strings.TrimSpace(role); role == "" {
		return found{}, absent(where, "this instance has no CAM role attached")
	}
	where += " role " + strconv.Quote(role)
	a, err = cfg.send(ctx, cfg.metadataTimeout, http.MethodGet, base+credentialsPath+url.PathEscape(role), nil, "")
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	var out struct {
		Code, TmpSecretId, TmpSecretKey, Token, Expiration string
		ExpiredTime                                        int64
	}
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK || out.Code != "Success" {
		return found{}, broken(where, "answered HTTP %d, Code %q", a.status, serviceText(out.Code))
	}
	return temporaryFound(cfg, where, out.TmpSecretId, out.TmpSecretKey, out.Token, out.Expiration, out.ExpiredTime)
}
