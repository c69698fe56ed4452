package signing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Variables and defaults of the Alibaba Cloud chain, as the vendor's
// credentials library (aliyun/credentials-go) and CLI read them.
const (
	AlibabaRoleArnEnv             = "ALIBABA_CLOUD_ROLE_ARN"
	AlibabaOIDCProviderArnEnv     = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	AlibabaOIDCTokenFileEnv       = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
	AlibabaRoleSessionNameEnv     = "ALIBABA_CLOUD_ROLE_SESSION_NAME"
	AlibabaSTSRegionEnv           = "ALIBABA_CLOUD_STS_REGION"
	AlibabaVPCEndpointEnabledEnv  = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"
	AlibabaConfigFileEnv          = "ALIBABA_CLOUD_CONFIG_FILE"
	AlibabaCLIProfileDisabledEnv  = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"
	AlibabaProfileEnv             = "ALIBABA_CLOUD_PROFILE"
	AlibabaCredentialsFileEnv     = "ALIBABA_CLOUD_CREDENTIALS_FILE"
	AlibabaECSMetadataDisabledEnv = "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
	AlibabaECSMetadataEnv         = "ALIBABA_CLOUD_ECS_METADATA"
	AlibabaIMDSv1DisabledEnv      = "ALIBABA_CLOUD_IMDSV1_DISABLED"
	AlibabaCredentialsURIEnv      = "ALIBABA_CLOUD_CREDENTIALS_URI"

	// AlibabaMetadataEndpoint is the ECS instance metadata service.
	AlibabaMetadataEndpoint = "http://100.100.100.200"
	// AlibabaSTSEndpoint is STS's central endpoint.
	AlibabaSTSEndpoint = "https://sts.aliyuncs.com"

	alibabaCLIConfigPath   = ".aliyun/config.json"
	alibabaCredentialsPath = ".alibabacloud/credentials"
	alibabaSTSVersion      = "2015-04-01"
	alibabaRoleDuration    = 3600 // seconds, the vendor's default
)

// NewAlibabaDefaultCredentials returns Alibaba Cloud's default credentials
// chain, in the vendor's order:
//
//  1. environment: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
//     optional ALIBABA_CLOUD_SECURITY_TOKEN (read at every call);
//  2. OIDC (RRSA on ACK): when ALIBABA_CLOUD_ROLE_ARN,
//     ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE are
//     set, STS AssumeRoleWithOIDC with the token read from the file at every
//     refresh;
//  3. the CLI's ALIBABA_CLOUD_CONFIG_FILE or ~/.aliyun/config.json (unless
//     ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true), profile
//     ALIBABA_CLOUD_PROFILE or the file's current one; modes AK, StsToken,
//     RamRoleArn, EcsRamRole, OIDC and ChainableRamRoleArn (others are an
//     error naming the mode);
//  4. ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials, section
//     ALIBABA_CLOUD_PROFILE or default; types access_key, ecs_ram_role,
//     ram_role_arn;
//  5. the ECS instance RAM role (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true):
//     role ALIBABA_CLOUD_ECS_METADATA or the one attached, IMDSv2 token first,
//     then v1 unless ALIBABA_CLOUD_IMDSV1_DISABLED=true;
//  6. ALIBABA_CLOUD_CREDENTIALS_URI.
//
// RamRoleArn and ram_role_arn call STS AssumeRole signed with the source
// keys. STS is https://sts.aliyuncs.com, or sts.<region>.aliyuncs.com with
// ALIBABA_CLOUD_STS_REGION (sts-vpc. with
// ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true, or a profile's sts_region).
// Temporary credentials are refreshed AlibabaRefreshMargin before expiry.
// See Chain for when the chain looks again.
func NewAlibabaDefaultCredentials(opts ...ChainOption) *Chain {
	return newChain("the Alibaba Cloud default credentials chain", AlibabaRefreshMargin,
		envLink(AlibabaAccessKeyIDEnv, AlibabaAccessKeySecretEnv, AlibabaSecurityTokenEnv),
		[]link{
			alibabaOIDCFromEnv,
			alibabaCLIConfig,
			alibabaCredentialsFile,
			alibabaECSFromEnv,
			alibabaCredentialsURI,
		}, AlibabaMetadataEndpoint, opts)
}

func alibabaOIDCFromEnv(ctx context.Context, cfg *chainConfig) (found, error) {
	v, err := requireAll("OIDC", AlibabaRoleArnEnv, AlibabaOIDCProviderArnEnv, AlibabaOIDCTokenFileEnv)
	if err != nil {
		return found{}, err
	}
	return alibabaAssumeRoleWithOIDC(ctx, cfg, v[0], v[1], v[2], os.Getenv(AlibabaRoleSessionNameEnv), "")
}

func alibabaAssumeRoleWithOIDC(ctx context.Context, cfg *chainConfig, roleArn, providerArn, tokenFile, session, stsRegion string) (found, error) {
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return found{}, broken("OIDC token file "+tokenFile, "%v", err)
	}
	oidcToken := strings.TrimSpace(string(token))
	if oidcToken == "" {
		return found{}, broken("OIDC token file "+tokenFile, "the file is empty")
	}
	params := Params{
		{Name: "Action", Value: "AssumeRoleWithOIDC"},
		{Name: "DurationSeconds", Value: strconv.Itoa(alibabaRoleDuration)},
		{Name: "Format", Value: "JSON"},
		{Name: "OIDCProviderArn", Value: providerArn},
		{Name: "OIDCToken", Value: oidcToken},
		{Name: "RoleArn", Value: roleArn},
		{Name: "RoleSessionName", Value: sessionName(session)},
		{Name: "Timestamp", Value: cfg.now().UTC().Format("2006-01-02T15:04:05Z")},
		{Name: "Version", Value: alibabaSTSVersion},
	}
	return alibabaSTSCall(ctx, cfg, stsRegion, "AssumeRoleWithOIDC", "role "+roleArn, params, oidcToken)
}

// alibabaAssumeRole calls STS AssumeRole signed (RPC signature 1.0) with the
// source credentials.
func alibabaAssumeRole(ctx context.Context, cfg *chainConfig, source Credentials, roleArn, session, policy, externalID string, seconds int, stsRegion string) (found, error) {
	if seconds == 0 {
		seconds = alibabaRoleDuration
	}
	params := Params{
		{Name: "AccessKeyId", Value: source.ID},
		{Name: "Action", Value: "AssumeRole"},
		{Name: "DurationSeconds", Value: strconv.Itoa(seconds)},
		{Name: "Format", Value: "JSON"},
		{Name: "RoleArn", Value: roleArn},
		{Name: "RoleSessionName", Value: sessionName(session)},
		{Name: "SignatureMethod", Value: "HMAC-SHA1"},
		{Name: "SignatureNonce", Value: randomHex()},
		{Name: "SignatureVersion", Value: "1.0"},
		{Name: "Timestamp", Value: cfg.now().UTC().Format("2006-01-02T15:04:05Z")},
		{Name: "Version", Value: alibabaSTSVersion},
	}
	for _, p := range []Param{{"ExternalId", externalID}, {"Policy", policy}, {"SecurityToken", source.SessionToken}} {
		if p.Value != "" {
			params = append(params, p)
		}
	}
	params.Sort()
	params = append(params, Param{Name: "Signature", Value: AlibabaRPCSignature(http.MethodPost, params, source.Secret)})
	return alibabaSTSCall(ctx, cfg, stsRegion, "AssumeRole", "role "+roleArn, params, source.Secret, source.SessionToken)
}

// alibabaSTSEndpoint is the option's endpoint, else the region's (from a
// profile or ALIBABA_CLOUD_STS_REGION), else the central one.
func (c *chainConfig) alibabaSTSEndpoint(profileRegion string) string {
	if c.stsURL != "" {
		return c.stsURL
	}
	region := profileRegion
	if region == "" {
		region = os.Getenv(AlibabaSTSRegionEnv)
	}
	if region == "" {
		return AlibabaSTSEndpoint
	}
	prefix := "sts."
	if envTrue(AlibabaVPCEndpointEnabledEnv) {
		prefix = "sts-vpc."
	}
	return "https://" + prefix + region + ".aliyuncs.com"
}

// alibabaSTSCall posts an RPC form to STS and reads the credentials it
// answers. secrets are what the request carries that an answer must not
// echo into an error.
func alibabaSTSCall(ctx context.Context, cfg *chainConfig, stsRegion, action, what string, params Params, secrets ...string) (found, error) {
	endpoint := cfg.alibabaSTSEndpoint(stsRegion)
	where := "STS " + action + " at " + endpoint + " for " + what
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	body := params.AppendQuery(nil) // leaves Signature out: it goes last
	if sig := params.Get("Signature"); sig != "" {
		body = AppendPercentEncoded(append(body, "&Signature="...), sig)
	}
	a, err := cfg.send(ctx, DefaultSTSTimeout, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", header, string(body))
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	var out struct {
		Code, Message string
		Credentials   *struct{ AccessKeyId, AccessKeySecret, SecurityToken, Expiration string }
	}
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK || out.Credentials == nil {
		return found{}, broken(where, "answered HTTP %d %s: %s", a.status, serviceText(out.Code, secrets...), serviceText(out.Message, secrets...))
	}
	c := out.Credentials
	return temporaryFound(cfg, where, c.AccessKeyId, c.AccessKeySecret, c.SecurityToken, c.Expiration, 0)
}

// alibabaCLIProfile is one profile of ~/.aliyun/config.json, with the CLI's
// field names.
type alibabaCLIProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	StsToken        string `json:"sts_token"`
	StsRegion       string `json:"sts_region"`
	RAMRoleARN      string `json:"ram_role_arn"`
	RAMSessionName  string `json:"ram_session_name"`
	ExternalID      string `json:"external_id"`
	ExpiredSeconds  int    `json:"expired_seconds"`
	RAMRoleName     string `json:"ram_role_name"`
	OIDCTokenFile   string `json:"oidc_token_file"`
	OIDCProviderARN string `json:"oidc_provider_arn"`
	SourceProfile   string `json:"source_profile"`
}

// alibabaCLIModes are the CLI profile modes the chain supports.
var alibabaCLIModes = []string{"AK", "StsToken", "RamRoleArn", "EcsRamRole", "OIDC", "ChainableRamRoleArn"}

func alibabaCLIConfig(ctx context.Context, cfg *chainConfig) (found, error) {
	if envTrue(AlibabaCLIProfileDisabledEnv) {
		return found{}, absent("CLI config", AlibabaCLIProfileDisabledEnv+"=true")
	}
	data, path, err := cfg.readFile(ctx, AlibabaConfigFileEnv, alibabaCLIConfigPath)
	if err != nil {
		return found{}, err
	}
	var file struct {
		Current  string              `json:"current"`
		Profiles []alibabaCLIProfile `json:"profiles"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return found{}, broken(path, "not the CLI's JSON: %v", err)
	}
	name := os.Getenv(AlibabaProfileEnv)
	if name == "" {
		name = file.Current
	}
	if name == "" {
		name = "default"
	}
	profiles := make(map[string]alibabaCLIProfile, len(file.Profiles))
	for _, p := range file.Profiles {
		profiles[p.Name] = p
	}
	return alibabaProfileCredentials(ctx, cfg, path, profiles, name, 0)
}

func alibabaProfileCredentials(ctx context.Context, cfg *chainConfig, path string, profiles map[string]alibabaCLIProfile, name string, depth int) (found, error) {
	where := path + " profile " + strconv.Quote(name)
	p, ok := profiles[name]
	if !ok {
		return found{}, broken(where, "no such profile")
	}
	if depth > 8 {
		return found{}, broken(where, "source_profile chain longer than 8 (a loop?)")
	}
	need := func(fields ...string) error {
		values := map[string]string{"access_key_id": p.AccessKeyID, "access_key_secret": p.AccessKeySecret, "sts_token": p.StsToken,
			"ram_role_arn": p.RAMRoleARN, "ram_role_name": p.RAMRoleName, "oidc_token_file": p.OIDCTokenFile,
			"oidc_provider_arn": p.OIDCProviderARN, "source_profile": p.SourceProfile}
		var missing []string
		for _, f := range fields {
			if values[f] == "" {
				missing = append(missing, f)
			}
		}
		if missing != nil {
			return broken(where, "mode %s needs %s", p.Mode, strings.Join(missing, ", "))
		}
		return nil
	}
	keys := Credentials{ID: p.AccessKeyID, Secret: p.AccessKeySecret, SessionToken: p.StsToken}
	switch p.Mode {
	case "AK", "":
		if err := need("access_key_id", "access_key_secret"); err != nil {
			return found{}, err
		}
		keys.SessionToken = ""
		return found{creds: keys, source: where}, nil
	case "StsToken":
		if err := need("access_key_id", "access_key_secret", "sts_token"); err != nil {
			return found{}, err
		}
		return found{creds: keys, source: where}, nil
	case "RamRoleArn":
		if err := need("access_key_id", "access_key_secret", "ram_role_arn"); err != nil {
			return found{}, err
		}
		keys.SessionToken = p.StsToken
		return alibabaAssumeRole(ctx, cfg, keys, p.RAMRoleARN, p.RAMSessionName, "", p.ExternalID, p.ExpiredSeconds, p.StsRegion)
	case "EcsRamRole":
		return alibabaECSRole(ctx, cfg, p.RAMRoleName, true)
	case "OIDC":
		if err := need("oidc_token_file", "oidc_provider_arn", "ram_role_arn"); err != nil {
			return found{}, err
		}
		return alibabaAssumeRoleWithOIDC(ctx, cfg, p.RAMRoleARN, p.OIDCProviderARN, p.OIDCTokenFile, p.RAMSessionName, p.StsRegion)
	case "ChainableRamRoleArn":
		if err := need("source_profile", "ram_role_arn"); err != nil {
			return found{}, err
		}
		src, err := alibabaProfileCredentials(ctx, cfg, path, profiles, p.SourceProfile, depth+1)
		if err != nil {
			return found{}, err
		}
		return alibabaAssumeRole(ctx, cfg, src.creds, p.RAMRoleARN, p.RAMSessionName, "", p.ExternalID, p.ExpiredSeconds, p.StsRegion)
	}
	return found{}, broken(where, "mode %q is not supported by this SDK (supported: %s)", p.Mode, strings.Join(alibabaCLIModes, ", "))
}

func alibabaCredentialsFile(ctx context.Context, cfg *chainConfig) (found, error) {
	data, path, err := cfg.readFile(ctx, AlibabaCredentialsFileEnv, alibabaCredentialsPath)
	if err != nil {
		return found{}, err
	}
	name := os.Getenv(AlibabaProfileEnv)
	if name == "" {
		name = "default"
	}
	where := path + " [" + name + "]"
	section, ok := parseINI(data)[name]
	if !ok {
		return found{}, broken(where, "no such section")
	}
	need := func(keys ...string) error {
		var missing []string
		for _, k := range keys {
			if section[k] == "" {
				missing = append(missing, k)
			}
		}
		if missing != nil {
			return broken(where, "type %s needs %s", section["type"], strings.Join(missing, ", "))
		}
		return nil
	}
	switch section["type"] {
	case "access_key":
		if err := need("access_key_id", "access_key_secret"); err != nil {
			return found{}, err
		}
		return found{creds: Credentials{ID: section["access_key_id"], Secret: section["access_key_secret"]}, source: where}, nil
	case "ecs_ram_role":
		if err := need("role_name"); err != nil {
			return found{}, err
		}
		return alibabaECSRole(ctx, cfg, section["role_name"], true)
	case "ram_role_arn":
		if err := need("access_key_id", "access_key_secret", "role_arn"); err != nil {
			return found{}, err
		}
		src := Credentials{ID: section["access_key_id"], Secret: section["access_key_secret"]}
		return alibabaAssumeRole(ctx, cfg, src, section["role_arn"], section["role_session_name"], section["policy"], "", 0, "")
	}
	return found{}, broken(where, "type %q is not supported by this SDK (supported: access_key, ecs_ram_role, ram_role_arn)", section["type"])
}

func alibabaECSFromEnv(ctx context.Context, cfg *chainConfig) (found, error) {
	if envTrue(AlibabaECSMetadataDisabledEnv) {
		return found{}, absent("ECS instance role", AlibabaECSMetadataDisabledEnv+"=true")
	}
	role := os.Getenv(AlibabaECSMetadataEnv)
	return alibabaECSRole(ctx, cfg, role, role != "")
}

// alibabaECSRole reads an ECS instance role's credentials. configured says
// a variable or file asked for this link: then no answer is an error, not
// an absent link.
func alibabaECSRole(ctx context.Context, cfg *chainConfig, role string, configured bool) (found, error) {
	base := strings.TrimSuffix(cfg.metadataURL, "/")
	where := "ECS instance metadata " + base
	noAnswer := func(err error) error {
		if configured {
			return broken(where, "no answer within %v: %v", cfg.metadataTimeout, err)
		}
		return absent(where, fmt.Sprintf("no answer within %v (not an ECS instance)", cfg.metadataTimeout))
	}
	header := http.Header{"X-Aliyun-Ecs-Metadata-Token-Ttl-Seconds": {"21600"}}
	a, err := cfg.send(ctx, cfg.metadataTimeout, http.MethodPut, base+"/latest/api/token", header, "")
	if err != nil {
		return found{}, noAnswer(err)
	}
	header = http.Header{}
	if token := strings.TrimSpace(string(a.body)); a.status == http.StatusOK && token != "" {
		header.Set("X-Aliyun-Ecs-Metadata-Token", token) // IMDSv2
	} else if envTrue(AlibabaIMDSv1DisabledEnv) {
		return found{}, broken(where, "the IMDSv2 token request was answered HTTP %d, and IMDSv1 is disabled by %s=true", a.status, AlibabaIMDSv1DisabledEnv)
	}
	const credentialsPath = "/latest/meta-data/ram/security-credentials/"
	if role == "" {
		a, err := cfg.send(ctx, cfg.metadataTimeout, http.MethodGet, base+credentialsPath, header, "")
		if err != nil {
			return found{}, noAnswer(err)
		}
		if a.status == http.StatusNotFound {
			return found{}, absent(where, "this instance has no RAM role attached")
		}
		if a.status != http.StatusOK {
			return found{}, broken(where, "listing the instance's RAM role answered HTTP %d", a.status)
		}
		role, _, _ = strings.Cut(strings.TrimSpace(string(a.body)), "\n")
		if role = strings.TrimSpace(role); role == "" {
			return found{}, absent(where, "this instance has no RAM role attached")
		}
	}
	return alibabaGetCredentials(ctx, cfg, where+" role "+strconv.Quote(role), cfg.metadataTimeout, base+credentialsPath+url.PathEscape(role), header)
}

// alibabaGetCredentials reads the answer ECS role credentials and a
// credentials URI share: {"Code":"Success","AccessKeyId",...,"Expiration"}.
func alibabaGetCredentials(ctx context.Context, cfg *chainConfig, where string, timeout time.Duration, rawURL string, header http.Header) (found, error) {
	a, err := cfg.send(ctx, timeout, http.MethodGet, rawURL, header, "")
	if err != nil {
		return found{}, broken(where, "%v", err)
	}
	var out struct{ Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration string }
	if err := json.Unmarshal(a.body, &out); err != nil || a.status != http.StatusOK || out.Code != "Success" {
		return found{}, broken(where, "answered HTTP %d, Code %q", a.status, serviceText(out.Code))
	}
	return temporaryFound(cfg, where, out.AccessKeyId, out.AccessKeySecret, out.SecurityToken, out.Expiration, 0)
}

func alibabaCredentialsURI(ctx context.Context, cfg *chainConfig) (found, error) {
	raw := os.Getenv(AlibabaCredentialsURIEnv)
	if raw == "" {
		return found{}, absent("credentials URI", AlibabaCredentialsURIEnv+" not set")
	}
	return alibabaGetCredentials(ctx, cfg, AlibabaCredentialsURIEnv+" "+redactedURL(raw), DefaultSTSTimeout, raw, nil)
}

// redactedURL is a URL without its query and user info, which may hold
// secrets.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparseable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
