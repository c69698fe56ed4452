package signing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/signing"
)

func TestCredentials_NeverPrintSecrets(t *testing.T) {
	c := signing.Credentials{ID: "LTAI5tExampleKeyID", Secret: "s3cr3t-value", SessionToken: "t0ken-value"}
	type holder struct{ Creds signing.Credentials }
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T %v"} {
		for _, v := range []any{c, &c, holder{c}, &holder{c}, []signing.Credentials{c}} {
			out := fmt.Sprintf(format, v)
			assert.NotContains(t, out, "s3cr3t", format)
			assert.NotContains(t, out, "t0ken", format)
			assert.NotContains(t, out, "LTAI5tExampleKeyID", format)
		}
	}
	assert.Equal(t, "Credentials{ID: LTAI****yID, Secret: REDACTED, SessionToken: REDACTED}", c.String())
	assert.Equal(t, c.String(), c.GoString())
}

// json.Marshal (alone, in a struct, in a map, through a pointer) and every
// slog handler write the masked form.
func TestCredentials_JSONAndSlogHideSecrets(t *testing.T) {
	c := signing.Credentials{ID: "LTAI5tExampleKeyID", Secret: "s3cr3t-value", SessionToken: "t0ken-value"}
	type holder struct {
		Creds *signing.Credentials
		Value signing.Credentials `json:"value"`
	}
	var out []string
	for _, v := range []any{c, &c, holder{&c, c}, map[string]signing.Credentials{"k": c}, []any{c}} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("creds", "c", c, "p", &c, "h", holder{&c, c})
		l.Info("creds", slog.Any("c", c), slog.Group("g", "c", c))
	}
	out = append(out, buf.String())
	for _, s := range out {
		assert.NotContains(t, s, "s3cr3t")
		assert.NotContains(t, s, "t0ken")
		assert.NotContains(t, s, "LTAI5tExampleKeyID")
	}
	b, _ := json.Marshal(c)
	assert.JSONEq(t, `{"ID":"LTAI****yID","Secret":"REDACTED","SessionToken":"REDACTED"}`, string(b))
	b, _ = json.Marshal(signing.Credentials{ID: "LTAI5tExampleKeyID", Secret: "x"})
	assert.JSONEq(t, `{"ID":"LTAI****yID","Secret":"REDACTED","SessionToken":""}`, string(b), "no token shows as empty")
	assert.Contains(t, buf.String(), "LTAI****yID")
}

func TestMaskID(t *testing.T) {
	assert.Equal(t, `""`, signing.MaskID(""))
	assert.Equal(t, "****", signing.MaskID("short"))
	assert.Equal(t, "****", signing.MaskID("0123456789"))
	assert.Equal(t, "AKID****ESA", signing.MaskID("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"))
}

func TestNewStaticCredentials(t *testing.T) {
	c, err := signing.NewStaticCredentials("id-0123456789", "secret", "tok").Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, signing.Credentials{ID: "id-0123456789", Secret: "secret", SessionToken: "tok"}, c)

	for _, tc := range []struct{ id, secret string }{{"", "s"}, {"id", ""}} {
		_, err := signing.NewStaticCredentials(tc.id, tc.secret, "").Retrieve(context.Background())
		require.Error(t, err)
		assert.ErrorIs(t, err, signing.ErrMissingCredentials)
		var ce *signing.CredentialsError
		assert.True(t, errors.As(err, &ce))
	}
}

func TestEnvCredentials(t *testing.T) {
	cases := []struct {
		name                    string
		provider                func() signing.CredentialsProvider
		idVar, secretVar, token string
	}{
		{"alibaba", signing.NewAlibabaEnvCredentials, signing.AlibabaAccessKeyIDEnv, signing.AlibabaAccessKeySecretEnv, signing.AlibabaSecurityTokenEnv},
		{"tencent", signing.NewTencentEnvCredentials, signing.TencentSecretIDEnv, signing.TencentSecretKeyEnv, signing.TencentSecurityTokenEnv},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.provider()
			t.Setenv(tc.idVar, "")
			t.Setenv(tc.secretVar, "")
			t.Setenv(tc.token, "")
			assert.ElementsMatch(t, []string{tc.idVar, tc.secretVar}, signing.MissingEnv(p))

			_, err := p.Retrieve(context.Background())
			require.Error(t, err)
			assert.ErrorIs(t, err, signing.ErrMissingCredentials)
			assert.Contains(t, err.Error(), tc.idVar, "the error names the empty variable")

			t.Setenv(tc.idVar, "the-id")
			_, err = p.Retrieve(context.Background())
			assert.Contains(t, err.Error(), tc.secretVar)

			t.Setenv(tc.secretVar, "the-secret")
			c, err := p.Retrieve(context.Background())
			require.NoError(t, err)
			assert.Equal(t, signing.Credentials{ID: "the-id", Secret: "the-secret"}, c)
			assert.Empty(t, signing.MissingEnv(p))

			// Read on every Retrieve, so rotation is seen.
			t.Setenv(tc.secretVar, "rotated")
			t.Setenv(tc.token, "tok")
			c, err = p.Retrieve(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "rotated", c.Secret)
			assert.Equal(t, "tok", c.SessionToken)
		})
	}
}
