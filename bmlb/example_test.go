package bmlb_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
)

func ExampleClient_CreateBmListeners() {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-abcdefgh")

	client, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()))
	if err != nil {
		panic(err)
	}
	resp, err := client.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{
		LoadBalancerID: "lb-abcdefgh",
		Listeners: []bmlb.Listener{
			{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web", HealthSwitch: true, TimeOut: 2, IntervalTime: 5},
			{LoadBalancerPort: 53, Protocol: bmlb.ProtocolUDP, ListenerName: "dns"},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.CodeDesc, resp.TaskID > 0, srv.ListenerCount("lb-abcdefgh"))

	// The same port and protocol again: the service refuses.
	_, err = client.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{
		LoadBalancerID: "lb-abcdefgh",
		Listeners:      []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "again"}},
	})
	fmt.Println(errors.Is(err, bmlb.ErrInvalidParameterVportIsDuplicate))
	// Output:
	// Success true 2
	// true
}
