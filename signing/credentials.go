package signing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
)

// Credentials are the keys one request is signed with. ID is the access key
// id (Alibaba) or SecretId (Tencent); Secret signs; SessionToken is set only
// for temporary (STS) credentials.
//
// Credentials print safely: String, GoString, every fmt verb, json.Marshal
// and log/slog (any handler) show a masked ID and never the Secret or the
// SessionToken.
//
// The one case the type cannot protect: a Credentials value held in an
// unexported field of your own struct, printed with fmt's %v, %+v or %#v.
// fmt cannot call methods through an unexported field, so it prints the
// fields raw. Hold a CredentialsProvider (or a pointer) there instead; none
// of this module's own types holds Credentials where fmt could reach them.
type Credentials struct {
	ID           string
	Secret       string
	SessionToken string
}

// String describes the credentials with the ID masked and the secrets hidden.
func (c Credentials) String() string {
	token := "none"
	if c.SessionToken != "" {
		token = "REDACTED"
	}
	return fmt.Sprintf("Credentials{ID: %s, Secret: REDACTED, SessionToken: %s}", MaskID(c.ID), token)
}

// GoString is String, so that %#v cannot print the secret either.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %s, %q, %x, ...) print String.
func (c Credentials) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(c.String()))
}

// MarshalJSON writes the masked form, {"ID":"LTAI****xyz","Secret":"REDACTED",
// "SessionToken":"REDACTED"} (SessionToken "" when there is none): the
// secrets never reach a JSON log or a config dump.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct{ ID, Secret, SessionToken string }{MaskID(c.ID), "REDACTED", c.maskedToken()})
}

// LogValue is what log/slog records: the same masked fields.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("ID", MaskID(c.ID)), slog.String("Secret", "REDACTED"), slog.String("SessionToken", c.maskedToken()))
}

func (c Credentials) maskedToken() string {
	if c.SessionToken == "" {
		return ""
	}
	return "REDACTED"
}

// Validate reports an error when ID or Secret is empty, so that nothing is
// ever signed with an empty key.
func (c Credentials) Validate() error {
	switch {
	case c.ID == "":
		return &CredentialsError{Reason: "access key id is empty"}
	case c.Secret == "":
		return &CredentialsError{Reason: "secret is empty"}
	}
	return nil
}

// MaskID shortens an access key id for logs and messages: the first four and
// the last three characters stay, the rest becomes "****". Ids of ten
// characters or fewer are masked whole.
func MaskID(id string) string {
	if len(id) <= 10 {
		if id == "" {
			return `""`
		}
		return "****"
	}
	return id[:4] + "****" + id[len(id)-3:]
}

// CredentialsProvider supplies credentials. The clients call Retrieve before
// every attempt, so a provider whose keys rotate is honoured on retries.
type CredentialsProvider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// CredentialsProviderFunc adapts a function to CredentialsProvider.
type CredentialsProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f.
func (f CredentialsProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// ErrMissingCredentials is matched (with errors.Is) by every
// *CredentialsError: credentials were absent or empty.
var ErrMissingCredentials = errors.New("signing: missing credentials")

// CredentialsError says why no usable credentials were found. It never holds
// a secret.
type CredentialsError struct {
	// Variable is the environment variable that was missing or empty, if any.
	Variable string
	// Reason explains the failure in a few words.
	Reason string
}

// Error names the variable or the reason.
func (e *CredentialsError) Error() string {
	if e.Variable != "" {
		return fmt.Sprintf("signing: environment variable %s is %s", e.Variable, e.Reason)
	}
	return "signing: invalid credentials: " + e.Reason
}

// Is makes errors.Is(err, ErrMissingCredentials) hold.
func (e *CredentialsError) Is(target error) bool { return target == ErrMissingCredentials }

// NewStaticCredentials returns a provider that always answers the same
// credentials. Empty id or secret is reported by Retrieve, not at signing time.
func NewStaticCredentials(id, secret, token string) CredentialsProvider {
	c := Credentials{ID: id, Secret: secret, SessionToken: token}
	return CredentialsProviderFunc(func(context.Context) (Credentials, error) {
		if err := c.Validate(); err != nil {
			return Credentials{}, err
		}
		return c, nil
	})
}

// Environment variable names, as the vendors' own SDKs and CLIs read them.
const (
	AlibabaAccessKeyIDEnv     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	AlibabaAccessKeySecretEnv = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	AlibabaSecurityTokenEnv   = "ALIBABA_CLOUD_SECURITY_TOKEN"
	TencentSecretIDEnv        = "TENCENTCLOUD_SECRET_ID"
	TencentSecretKeyEnv       = "TENCENTCLOUD_SECRET_KEY"
	TencentSecurityTokenEnv   = "TENCENTCLOUD_SECURITY_TOKEN"
)

// NewAlibabaEnvCredentials reads ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET and the optional
// ALIBABA_CLOUD_SECURITY_TOKEN on every Retrieve.
func NewAlibabaEnvCredentials() CredentialsProvider {
	return envProvider{AlibabaAccessKeyIDEnv, AlibabaAccessKeySecretEnv, AlibabaSecurityTokenEnv}
}

// NewTencentEnvCredentials reads TENCENTCLOUD_SECRET_ID,
// TENCENTCLOUD_SECRET_KEY and the optional TENCENTCLOUD_SECURITY_TOKEN on
// every Retrieve.
func NewTencentEnvCredentials() CredentialsProvider {
	return envProvider{TencentSecretIDEnv, TencentSecretKeyEnv, TencentSecurityTokenEnv}
}

type envProvider struct{ idVar, secretVar, tokenVar string }

func (p envProvider) Retrieve(context.Context) (Credentials, error) {
	for _, name := range [...]string{p.idVar, p.secretVar} {
		if v, ok := os.LookupEnv(name); !ok {
			return Credentials{}, &CredentialsError{Variable: name, Reason: "not set"}
		} else if v == "" {
			return Credentials{}, &CredentialsError{Variable: name, Reason: "empty"}
		}
	}
	return Credentials{ID: os.Getenv(p.idVar), Secret: os.Getenv(p.secretVar), SessionToken: os.Getenv(p.tokenVar)}, nil
}

// MissingEnv lists which of the required variables for a provider made by
// NewAlibabaEnvCredentials or NewTencentEnvCredentials are unset or empty.
// It lets a program report every missing variable at once.
func MissingEnv(p CredentialsProvider) []string {
	ep, ok := p.(envProvider)
	if !ok {
		return nil
	}
	var missing []string
	for _, name := range [...]string{ep.idVar, ep.secretVar} {
		if os.Getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	return missing
}
