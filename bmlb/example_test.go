package bmlb_test

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// Create listeners and learn the task's outcome.
func ExampleClient_WaitForTask() {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	client, _ := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithWaiterDelays(5*time.Millisecond, 50*time.Millisecond)) // the fake is quick; the defaults suit the service
	ctx := context.Background()
	resp, err := client.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(client.WaitForTask(ctx, resp.TaskID, 5*time.Minute))

	srv.FailNextTasks(1)
	resp, _ = client.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 81, Protocol: bmlb.ProtocolTCP, ListenerName: "alt"}}})
	err = client.WaitForTask(ctx, resp.TaskID, 5*time.Minute)
	fmt.Println(errors.Is(err, bmlb.ErrTaskFailed), srv.ListenerCount("lb-1"))
	// Output:
	// <nil>
	// true 1
}

// EnsureBmListeners makes each listener exist exactly once, even after a
// create whose answer was lost: it lists, and creates only what is missing.
func ExampleClient_EnsureBmListeners() {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	client, _ := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithWaiterDelays(5*time.Millisecond, 50*time.Millisecond))
	ctx := context.Background()
	req := &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{
		{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"},
		{LoadBalancerPort: 53, Protocol: bmlb.ProtocolUDP, ListenerName: "dns"},
	}}

	// A create whose answer is lost after the service applied it.
	srv.InjectFault(bmlbtest.FaultResetAfterApply, 1)
	_, err := client.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: req.Listeners[:1]})
	var op *bmlb.OperationError
	fmt.Println(errors.As(err, &op) && op.MayHaveApplied)

	res, err := client.EnsureBmListeners(ctx, req)
	if err != nil {
		panic(err)
	}
	for _, l := range res.Listeners {
		fmt.Println(l.ListenerKey, l.Created)
	}
	fmt.Println(srv.ListenerCount("lb-1"))
	// Output:
	// true
	// tcp/80 false
	// udp/53 true
	// 2
}
