package gatest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/internal/testhttp"
)

func keys(t *testing.T, body []byte) (map[string]any, []string) {
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), string(body))
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return m, names
}

// The fake answers the describe calls in the documented wire shape: the
// field names of the wire-facts examples, with CreateTime a string of epoch
// milliseconds and ports numbers.
func TestAnswersHaveTheDocumentedShape(t *testing.T) {
	srv := gatest.NewServer(gatest.WithActivationPolls(1))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	rec := &testhttp.LastAnswer{}
	c, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()), ga.WithHTTPClient(&http.Client{Transport: rec}))
	require.NoError(t, err)
	ctx := context.Background()

	created, err := c.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", Name: "web", Description: "d",
		ClientAffinity: ga.ClientAffinitySourceIP, ProxyProtocol: true, Protocol: ga.ProtocolHTTPS,
		PortRanges: []ga.PortRange{{FromPort: 443, ToPort: 443}}, Certificates: []ga.Certificate{{ID: "449-cn-hangzhou"}}})
	require.NoError(t, err)
	_, names := keys(t, rec.Body())
	assert.Equal(t, []string{"ListenerId", "RequestId"}, names, "the seed page's CreateListener answer")

	_, err = c.DescribeListener(ctx, &ga.DescribeListenerRequest{ListenerID: created.ListenerID})
	require.NoError(t, err)
	m, names := keys(t, rec.Body())
	// The wire-facts example's fields, and the newer ones it names
	// ("Type, SecurityPolicyId, XForwardedForConfig{...}, IdleTimeout,
	// RequestTimeout, HttpVersion"), the way the ga-20191120 answer names
	// them; SecurityPolicyId only when set (no documented default).
	assert.Equal(t, []string{"AcceleratorId", "Certificates", "ClientAffinity", "CreateTime", "Description", "HttpVersion", "IdleTimeout",
		"ListenerId", "Name", "PortRanges", "Protocol", "ProxyProtocol", "RequestId", "RequestTimeout", "State", "Type", "XForwardedForConfig"}, names)
	assert.Equal(t, map[string]any{"XForwardedForGaIdEnabled": false, "XForwardedForGaApEnabled": false, "XForwardedForProtoEnabled": false,
		"XForwardedForPortEnabled": false, "XRealIpEnabled": false}, m["XForwardedForConfig"])
	assert.Equal(t, 15.0, m["IdleTimeout"], "the documented default for HTTPS")
	assert.Equal(t, 60.0, m["RequestTimeout"])
	assert.Equal(t, "http2", m["HttpVersion"])
	assert.Equal(t, "Standard", m["Type"])
	assert.IsType(t, "", m["CreateTime"], "epoch milliseconds as a string")
	assert.Equal(t, map[string]any{"FromPort": 443.0, "ToPort": 443.0}, m["PortRanges"].([]any)[0])
	assert.Equal(t, map[string]any{"Id": "449-cn-hangzhou", "Type": "Server"}, m["Certificates"].([]any)[0])
	assert.Equal(t, "active", m["State"])
	assert.Equal(t, true, m["ProxyProtocol"])

	_, err = c.DescribeAccelerator(ctx, &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	_, names = keys(t, rec.Body())
	assert.Subset(t, names, []string{"AcceleratorId", "RequestId", "State"})

	// Every field of the create is kept, for tests to assert on.
	l := srv.Listeners("ga-1")[0]
	assert.Equal(t, gatest.Listener{ID: created.ListenerID, AcceleratorID: "ga-1", RegionID: "cn-hangzhou", ClientToken: created.ClientToken,
		Name: "web", Description: "d", ClientAffinity: "SOURCE_IP", Protocol: "https", ProxyProtocol: true,
		PortRanges: []ga.PortRange{{FromPort: 443, ToPort: 443}}, CertificateIDs: []string{"449-cn-hangzhou"},
		CreateTime: l.CreateTime, State: ga.ListenerStateActive}, l)
	assert.WithinDuration(t, time.Now(), l.CreateTime, time.Minute)
	accepted := srv.Accepted()
	require.Len(t, accepted, 3)
	assert.Equal(t, "CreateListener", accepted[0].Action)
	assert.Equal(t, "449-cn-hangzhou", accepted[0].Params.Get("Certificates.1.Id"))
	assert.Empty(t, accepted[0].Params.Get("Signature"), "the signature's own parameters are left out")
}
