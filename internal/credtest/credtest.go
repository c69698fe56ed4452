// Package credtest keeps tests away from the machine's own credentials: no
// variable either default chain reads, an empty home directory, and
// instance metadata at a loopback address that refuses connections.
package credtest

import (
	"net"
	"testing"
	"time"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Variables are every variable either default chain reads.
var Variables = []string{
	signing.AlibabaAccessKeyIDEnv, signing.AlibabaAccessKeySecretEnv, signing.AlibabaSecurityTokenEnv,
	signing.AlibabaRoleArnEnv, signing.AlibabaOIDCProviderArnEnv, signing.AlibabaOIDCTokenFileEnv,
	signing.AlibabaRoleSessionNameEnv, signing.AlibabaSTSRegionEnv, signing.AlibabaVPCEndpointEnabledEnv,
	signing.AlibabaConfigFileEnv, signing.AlibabaCLIProfileDisabledEnv, signing.AlibabaProfileEnv,
	signing.AlibabaCredentialsFileEnv, signing.AlibabaECSMetadataDisabledEnv, signing.AlibabaECSMetadataEnv,
	signing.AlibabaIMDSv1DisabledEnv, signing.AlibabaCredentialsURIEnv,
	signing.TencentSecretIDEnv, signing.TencentSecretKeyEnv, signing.TencentSecurityTokenEnv,
	signing.TencentCredentialsFileEnv, signing.TencentTKERegionEnv, signing.TencentTKEProviderIDEnv,
	signing.TencentTKEWebIdentityTokenFileEnv, signing.TencentTKERoleArnEnv,
}

// Isolate clears every chain variable for t, makes a fresh temporary
// directory the home directory (HOME, USERPROFILE), and returns options
// that point a chain at it and at a metadata address nothing listens on.
func Isolate(t testing.TB) (opts []signing.ChainOption, home string) {
	for _, v := range Variables {
		t.Setenv(v, "")
	}
	home = t.TempDir()
	// Default chains made inside the code under test (ga.NewClient()) find
	// the home directory themselves: this machine's must not be it.
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	return []signing.ChainOption{
		signing.WithHomeDir(home),
		signing.WithMetadataEndpoint(ClosedAddress(t)),
		signing.WithMetadataTimeout(200 * time.Millisecond),
	}, home
}

// ClosedAddress is a loopback URL that refuses connections at once.
func ClosedAddress(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}
