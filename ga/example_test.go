package ga_test

import (
	"context"
	"errors"
	"fmt"

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
