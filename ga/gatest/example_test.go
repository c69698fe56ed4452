package gatest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
)

// A reset after the listener was created: the client retries with the same
// ClientToken and the service returns the same listener instead of a
// second one.
func ExampleServer_InjectFault() {
	srv := gatest.NewServer()
	defer srv.Close()
	srv.AddAccelerator("ga-1")
	srv.InjectFault(gatest.FaultResetAfterApply, 1)

	client, _ := ga.NewClient(ga.WithEndpoint(srv.URL), ga.WithCredentials(srv.Credentials()),
		ga.WithRetryBackoff(time.Millisecond, 10*time.Millisecond))
	_, err := client.CreateListener(context.Background(), &ga.CreateListenerRequest{
		AcceleratorID: "ga-1", PortRanges: []ga.PortRange{{FromPort: 443, ToPort: 443}},
	})
	fmt.Println(err, srv.Requests(), srv.ListenerCount("ga-1"))
	// Output: <nil> 2 1
}
