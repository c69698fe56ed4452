package e2e_test

// Issue 14: the clients use the vendors' default chains unless given other
// credentials.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"github.com/listenerkit/listenerkit-go/signing"
	"github.com/listenerkit/listenerkit-go/signing/signingtest"
)

func keysOf(t *testing.T, p signing.CredentialsProvider) signing.Credentials {
	c, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	return c
}

func TestClients_DefaultToTheVendorsChains(t *testing.T) {
	_, home := credtest.Isolate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// GA: keys from the Alibaba Cloud CLI's config, found with no code.
	gaFake := gatest.NewServer()
	defer gaFake.Close()
	gaFake.AddAccelerator("ga-1")
	k := keysOf(t, gaFake.Credentials())
	cli := filepath.Join(home, "config.json")
	require.NoError(t, os.WriteFile(cli, fmt.Appendf(nil, `{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":%q,"access_key_secret":%q}]}`, k.ID, k.Secret), 0o600))
	t.Setenv(signing.AlibabaConfigFileEnv, cli)
	gaClient, err := ga.NewClient(ga.WithEndpoint(gaFake.URL))
	require.NoError(t, err)
	_, err = gaClient.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}})
	require.NoError(t, err, "signed with the CLI profile's keys (the fake verifies the signature)")

	// BMLB: keys from ~/.tencentcloud/credentials' [default].
	bmFake := bmlbtest.NewServer()
	defer bmFake.Close()
	bmFake.AddLoadBalancer("lb-1")
	k = keysOf(t, bmFake.Credentials())
	profile := filepath.Join(home, "tencent-credentials")
	require.NoError(t, os.WriteFile(profile, fmt.Appendf(nil, "[default]\nsecret_id = %s\nsecret_key = %s\n", k.ID, k.Secret), 0o600))
	t.Setenv(signing.TencentCredentialsFileEnv, profile)
	bmClient, err := bmlb.NewClient(bmlb.WithRegion("ap-guangzhou"), bmlb.WithEndpoint(bmFake.URL))
	require.NoError(t, err)
	_, err = bmClient.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"}}})
	require.NoError(t, err)
}

func TestClients_NoCredentialsAnywhereSaysWhereTheyLookedAndSendNothing(t *testing.T) {
	credtest.Isolate(t)
	t.Setenv(signing.AlibabaECSMetadataDisabledEnv, "true") // the real metadata address is not for tests
	fake := gatest.NewServer()
	defer fake.Close()
	fake.AddAccelerator("ga-1")
	client, err := ga.NewClient(ga.WithEndpoint(fake.URL))
	require.NoError(t, err)
	_, err = client.CreateListener(context.Background(), &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}})
	require.Error(t, err)
	assert.ErrorIs(t, err, signing.ErrMissingCredentials)
	var none *signing.NoCredentialsError
	require.ErrorAs(t, err, &none)
	assert.Len(t, none.Looked, 6)
	assert.Empty(t, fake.Accepted(), "nothing sent")
}

func TestClients_OneRefreshFor64GoroutinesSharingAClient(t *testing.T) {
	opts, _ := credtest.Isolate(t)
	meta := signingtest.NewTencentMetadata("role")
	t.Cleanup(meta.Close)
	fake := bmlbtest.NewServer(bmlbtest.WithCredentials("STS.meta-1", "meta-secret-1"))
	defer fake.Close()
	fake.AddLoadBalancer("lb-1")
	chain := signing.NewTencentDefaultCredentials(append(opts, signing.WithMetadataEndpoint(meta.URL))...)
	client, err := bmlb.NewClient(bmlb.WithRegion("ap-guangzhou"), bmlb.WithEndpoint(fake.URL), bmlb.WithCredentials(chain))
	require.NoError(t, err)
	errs := make(chan error, 64)
	for range 64 {
		go func() {
			_, err := client.DescribeBmListeners(context.Background(), &bmlb.DescribeBmListenersRequest{LoadBalancerID: "lb-1"})
			errs <- err
		}()
	}
	for range 64 {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, 1, meta.Issued())
}

func TestClients_ChainWarningsGoToTheClientsLogger(t *testing.T) {
	_, home := credtest.Isolate(t)
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	fake := gatest.NewServer()
	defer fake.Close()
	fake.AddAccelerator("ga-1")
	k := keysOf(t, fake.Credentials())
	file := filepath.Join(home, "credentials")
	require.NoError(t, os.WriteFile(file, fmt.Appendf(nil, "[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n", k.ID, k.Secret), 0o644))
	t.Setenv(signing.AlibabaCredentialsFileEnv, file)
	client, err := ga.NewClient(ga.WithEndpoint(fake.URL), ga.WithLogger(logger))
	require.NoError(t, err)
	_, err = client.DescribeAccelerator(context.Background(), &ga.DescribeAcceleratorRequest{AcceleratorID: "ga-1"})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "readable by others than its owner")
	assert.Contains(t, log.String(), file)
	assert.NotContains(t, log.String(), k.Secret)
}
