package ga_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
)

func ExampleClient_CreateListener() {
	srv := gatest.NewServer() // in production: no WithEndpoint, credentials from the environment
	defer srv.Close()
	srv.AddAccelerator("ga-bp1odcab8tmno0hdq")

	client, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()))
	if err != nil {
		panic(err)
	}
	resp, err := client.CreateListener(context.Background(), &ga.CreateListenerRequest{
		AcceleratorID: "ga-bp1odcab8tmno0hdq",
		Name:          "web",
		Protocol:      ga.ProtocolTCP,
		PortRanges:    []ga.PortRange{{FromPort: 80, ToPort: 90}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.ListenerID != "", srv.ListenerCount("ga-bp1odcab8tmno0hdq"))
	// Output: true 1
}

func Example_errorMatching() {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	client, _ := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()))
	ctx := context.Background()

	// Caught before sending: every violation, with field and code.
	_, err := client.CreateListener(ctx, &ga.CreateListenerRequest{
		AcceleratorID: "ga-1", Protocol: ga.ProtocolUDP, PortRanges: []ga.PortRange{{FromPort: 4789, ToPort: 4789}},
	})
	var invalid *ga.ValidationError
	if errors.As(err, &invalid) {
		for _, v := range invalid.Violations {
			fmt.Println(v.Field, v.Code)
		}
	}
	fmt.Println(errors.Is(err, ga.ErrPortRangeIllegalUDP))

	// Answered by the service: the accelerator does not exist.
	_, err = client.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-missing", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}})
	var apiErr *ga.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, errors.Is(err, ga.ErrNotExistAccelerator))
	}
	// Output:
	// PortRanges[0] PortRangeIllegal.UDP
	// true
	// 400 NotExist.Accelerator true
}

// Create a listener and wait until it is usable: the common case in one
// call. A create refused because the accelerator is busy with the previous
// one is sent again (same ClientToken) until it is taken.
func ExampleClient_CreateListenerAndWait() {
	srv := gatest.NewServer(gatest.WithBusyWindow(20 * time.Millisecond))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	client, err := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithWaiterDelays(5*time.Millisecond, 50*time.Millisecond)) // the fake is quick; the defaults suit the service
	if err != nil {
		panic(err)
	}
	for _, port := range []int{80, 443} {
		l, err := client.CreateListenerAndWait(context.Background(), &ga.CreateListenerRequest{
			AcceleratorID: "ga-1", Name: fmt.Sprintf("web%d", port), PortRanges: []ga.PortRange{{FromPort: port, ToPort: port}},
		}, 5*time.Minute)
		if err != nil {
			panic(err)
		}
		fmt.Println(l.Name, l.State, l.PortRanges)
	}
	// Output:
	// web80 active [{80 80}]
	// web443 active [{443 443}]
}

// A wait that runs out says so, with the state the listener was last in.
func ExampleClient_WaitUntilListenerActive() {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	srv.SetListenersNeverActive(true)
	client, _ := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithWaiterDelays(5*time.Millisecond, 10*time.Millisecond))
	ctx := context.Background()
	created, _ := client.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}}})

	_, err := client.WaitUntilListenerActive(ctx, created.ListenerID, 30*time.Millisecond)
	var w *ga.WaitError
	if errors.As(err, &w) {
		fmt.Println(errors.Is(err, ga.ErrWaitTimedOut), w.LastState)
	}
	_, err = client.WaitUntilListenerActive(ctx, "lsr-gone", time.Minute)
	fmt.Println(errors.Is(err, ga.ErrNotExistListener))
	// Output:
	// true init
	// true
}

// An HTTPS listener with the fields newer than the seed page: a TLS
// policy, forwarded headers, timeouts, and an endpoint group created with
// it, signed with signature V3.
func ExampleCreateListenerRequest_newerFields() {
	srv := gatest.NewServer(gatest.WithActivationPolls(1))
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	client, _ := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()), ga.WithSignatureV3())
	ctx := context.Background()

	weight := 100
	created, err := client.CreateListener(ctx, &ga.CreateListenerRequest{
		AcceleratorID:       "ga-1",
		Protocol:            ga.ProtocolHTTPS,
		PortRanges:          []ga.PortRange{{FromPort: 443, ToPort: 443}},
		Certificates:        []ga.Certificate{{ID: "449-cn-hangzhou"}},
		SecurityPolicyID:    ga.SecurityPolicyTLS12StrictWith13,
		HTTPVersion:         ga.HTTPVersion3,
		XForwardedForConfig: &ga.XForwardedForConfig{XRealIpEnabled: true, XForwardedForProtoEnabled: true},
		IdleTimeout:         30,
		RequestTimeout:      90,
		EndpointGroupConfigurations: []ga.EndpointGroupConfiguration{{
			EndpointGroupName:       "backends",
			EndpointGroupRegion:     "cn-shanghai",
			EndpointRequestProtocol: ga.EndpointRequestProtocolHTTPS,
			HealthCheckEnabled:      true,
			HealthCheckProtocol:     ga.HealthCheckProtocolHTTPS,
			HealthCheckPath:         "/healthz",
			EndpointConfigurations:  []ga.EndpointConfiguration{{Endpoint: "47.0.0.10", Type: ga.EndpointTypeIP, Weight: &weight}},
			PortOverrides:           []ga.PortOverride{{ListenerPort: 443, EndpointPort: 8443}},
		}},
	})
	if err != nil {
		panic(err)
	}
	d, err := client.DescribeListener(ctx, &ga.DescribeListenerRequest{ListenerID: created.ListenerID})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Type, d.SecurityPolicyID, d.HTTPVersion, d.IdleTimeout, d.RequestTimeout, d.XForwardedForConfig.XRealIpEnabled)
	group := srv.Listeners("ga-1")[0].EndpointGroupConfigurations[0]
	fmt.Println(group.EndpointGroupName, group.EndpointConfigurations[0].Endpoint, *group.EndpointConfigurations[0].Weight, group.PortOverrides[0].EndpointPort)
	// Output:
	// Standard tls_cipher_policy_1_2_strict_with_1_3 http3 30 90 true
	// backends 47.0.0.10 100 8443
}
