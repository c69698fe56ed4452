package bmlbtest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
)

// A reset after the listeners were created: the call fails, says the
// request may have been applied, and is not sent again.
func ExampleServer_InjectFault() {
	srv := bmlbtest.NewServer()
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	srv.InjectFault(bmlbtest.FaultResetAfterApply, 1)

	client, _ := bmlb.NewClient(bmlb.WithRegion("gz"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()))
	_, err := client.CreateBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{
		LoadBalancerID: "lb-1",
		Listeners:      []bmlb.Listener{{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "web"}},
	})
	var op *bmlb.OperationError
	fmt.Println(errors.As(err, &op), op.MayHaveApplied, srv.Requests(), srv.ListenerCount("lb-1"))
	// Output: true true 1 1
}
