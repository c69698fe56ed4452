// Command quickstart shows listenerkit-go end to end in a few seconds, with
// no cloud account: it starts the fake GA and BMLB services in-process and
// drives them through the real clients (real signing, real HTTP on
// loopback).
//
//	go run ./examples/quickstart        # against the embedded fakes
//	go run ./examples/quickstart -live  # against the real services
//
// With -live it reads credentials from the environment (ALIBABA_CLOUD_* and
// TENCENTCLOUD_*), and -accelerator / -load-balancer name real resources.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/examples/internal/livecheck"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: quickstart [flags]

Runs the main job end to end: creates listeners on GA and BMLB through the
real clients, validation, a service error, retries, waiting for the outcome
and finishing an ambiguous create exactly once. Without -live it starts both
fake services in-process and needs no account.

Examples:
  quickstart
  quickstart -wait=false
  quickstart -live -accelerator ga-bp1xxx -load-balancer lb-abcd1234 -region gz

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Exit status: 0 every step went as expected, 1 a step failed,
2 invalid flags, or -live without its credentials and flags.
`)
	}
	live := fs.Bool("live", false, "use the real services and credentials from the environment")
	accelerator := fs.String("accelerator", "", "with -live: the GA accelerator id")
	loadBalancer := fs.String("load-balancer", "", "with -live: the BMLB load balancer id")
	region := fs.String("region", "bj", "with -live: the BMLB region")
	wait := fs.Bool("wait", true, "wait for each create's outcome (listener active, task succeeded); -wait=false stops at \"accepted\"")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0 // -h asked for the usage, which is printed
	} else if err != nil {
		return 2
	}
	if !*live {
		var liveOnly []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "accelerator" || f.Name == "load-balancer" || f.Name == "region" {
				liveOnly = append(liveOnly, "-"+f.Name)
			}
		})
		if len(liveOnly) > 0 {
			fmt.Fprintf(stderr, "quickstart: %s apply only with -live (the embedded fakes make their own)\n", strings.Join(liveOnly, ", "))
			return 2
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "quickstart: unexpected argument %q (see -h)\n", fs.Arg(0))
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if *live {
		return runLive(ctx, stdout, stderr, *accelerator, *loadBalancer, *region, *wait)
	}
	if err := runEmbedded(ctx, stdout, *wait); err != nil {
		fmt.Fprintln(stderr, "quickstart: FAILED:", err)
		return 1
	}
	fmt.Fprintln(stdout, "\nAll steps went as expected.")
	return 0
}

// runEmbedded is the main job on the embedded fakes; every step checks that
// what happened is what should have.
func runEmbedded(ctx context.Context, out io.Writer, wait bool) error {
	gaSrv := gatest.NewServer()
	defer gaSrv.Close()
	gaSrv.AddAccelerator("ga-quickstart")
	bmSrv := bmlbtest.NewServer()
	defer bmSrv.Close()
	bmSrv.AddLoadBalancer("lb-quickstart")

	// The fakes finish their work within about 50 ms: poll them often.
	gaClient, err := ga.NewClient(ga.WithEndpoint(gaSrv.URL), ga.WithCredentials(gaSrv.Credentials()),
		ga.WithRetryBackoff(20*time.Millisecond, 200*time.Millisecond), ga.WithWaiterDelays(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		return err
	}
	bmClient, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(bmSrv.URL), bmlb.WithCredentials(bmSrv.Credentials()),
		bmlb.WithWaiterDelays(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Fake GA service at %s, fake BMLB service at %s\n\n", gaSrv.URL, bmSrv.URL)

	// 1. A GA listener.
	web, err := gaClient.CreateListener(ctx, &ga.CreateListenerRequest{
		AcceleratorID: "ga-quickstart", Name: "web", Protocol: ga.ProtocolTCP,
		PortRanges: []ga.PortRange{{FromPort: 80, ToPort: 80}, {FromPort: 8000, ToPort: 8010}},
	})
	if err != nil {
		return fmt.Errorf("GA CreateListener: %w", err)
	}
	fmt.Fprintf(out, "1. GA listener created:        ListenerId %s (RequestId %s)\n", web.ListenerID, web.RequestID)
	if wait {
		active, err := gaClient.WaitUntilListenerActive(ctx, web.ListenerID, time.Minute)
		if err != nil {
			return fmt.Errorf("GA WaitUntilListenerActive: %w", err)
		}
		fmt.Fprintf(out, "   ... and now usable:         State %s\n", active.State)
	}

	// 2. A batch of BMLB listeners.
	batch, err := bmClient.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{
		LoadBalancerID: "lb-quickstart",
		Listeners: []bmlb.Listener{
			{LoadBalancerPort: 80, Protocol: bmlb.ProtocolTCP, ListenerName: "http", HealthSwitch: true, TimeOut: 2, IntervalTime: 5},
			{LoadBalancerPort: 443, Protocol: bmlb.ProtocolTCP, ListenerName: "https", SessionExpire: 900},
			{LoadBalancerPort: 53, Protocol: bmlb.ProtocolUDP, ListenerName: "dns"},
		},
	})
	if err != nil {
		return fmt.Errorf("BMLB CreateBmListeners: %w", err)
	}
	fmt.Fprintf(out, "2. BMLB listeners created:     %d listeners, task id %d\n", bmSrv.ListenerCount("lb-quickstart"), batch.TaskID)
	if wait {
		if err := bmClient.WaitForTask(ctx, batch.TaskID, time.Minute); err != nil {
			return fmt.Errorf("BMLB WaitForTask: %w", err)
		}
		fmt.Fprintf(out, "   ... and the task:           %s\n", bmlb.TaskSucceeded)
	}

	// 3. Rejected by validation: nothing is sent.
	before := gaSrv.Requests()
	_, err = gaClient.CreateListener(ctx, &ga.CreateListenerRequest{
		AcceleratorID: "ga-quickstart", Protocol: ga.ProtocolUDP, PortRanges: []ga.PortRange{{FromPort: 4780, ToPort: 4795}},
	})
	var invalid *ga.ValidationError
	if !errors.As(err, &invalid) || gaSrv.Requests() != before {
		return fmt.Errorf("expected a validation error and nothing sent, got %v", err)
	}
	v := invalid.Violations[0]
	fmt.Fprintf(out, "3. Rejected before sending:    field %s, code %s (%s)\n", v.Field, v.Code, v.Message)

	// 4. An error only the service can know: the port is taken.
	_, err = gaClient.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-quickstart", PortRanges: []ga.PortRange{{FromPort: 8005, ToPort: 8005}}})
	var apiErr *ga.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ga.ErrPortConflictListener) {
		return fmt.Errorf("expected PortConflict.Listener, got %v", err)
	}
	fmt.Fprintf(out, "4. Answered by the service:    code %s, HTTP %d, RequestId %s\n", apiErr.Code, apiErr.StatusCode, apiErr.RequestID)

	// 5. A connection reset after the service created the listener: the
	// client retries with the same ClientToken and gets the same listener.
	gaSrv.InjectFault(gatest.FaultResetAfterApply, 1)
	before = gaSrv.Requests()
	retried, err := gaClient.CreateListener(ctx, &ga.CreateListenerRequest{AcceleratorID: "ga-quickstart", Name: "api", PortRanges: []ga.PortRange{{FromPort: 9000, ToPort: 9000}}})
	if err != nil {
		return fmt.Errorf("retried call: %w", err)
	}
	attempts := gaSrv.Requests() - before
	if attempts != 2 || gaSrv.ListenerCount("ga-quickstart") != 2 {
		return fmt.Errorf("expected 2 attempts and 2 listeners, got %d and %d", attempts, gaSrv.ListenerCount("ga-quickstart"))
	}
	fmt.Fprintf(out, "5. Retried after a reset:      %d attempts, one listener %s (ClientToken %s)\n", attempts, retried.ListenerID, retried.ClientToken)

	// 6. The same fault on BMLB, which has no idempotency token: not re-sent.
	bmSrv.InjectFault(bmlbtest.FaultResetAfterApply, 1)
	before = bmSrv.Requests()
	_, err = bmClient.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-quickstart",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 8080, Protocol: bmlb.ProtocolTCP, ListenerName: "alt"}}})
	var op *bmlb.OperationError
	if !errors.As(err, &op) || !op.MayHaveApplied || bmSrv.Requests()-before != 1 {
		return fmt.Errorf("expected one attempt that may have applied, got %v", err)
	}
	fmt.Fprintf(out, "6. BMLB reset, not re-sent:    %d attempt, MayHaveApplied=%v\n", op.Attempts, op.MayHaveApplied)
	if !wait {
		return nil
	}

	// 7. Finishing that create exactly once: EnsureBmListeners lists the
	// listeners, finds the one the lost create made, and sends nothing.
	createsBefore := countCreates(bmSrv)
	ensured, err := bmClient.EnsureBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-quickstart",
		Listeners: []bmlb.Listener{{LoadBalancerPort: 8080, Protocol: bmlb.ProtocolTCP, ListenerName: "alt"}}})
	if err != nil {
		return fmt.Errorf("EnsureBmListeners: %w", err)
	}
	if n := len(bmSrv.Listeners("lb-quickstart")); n != 4 || countCreates(bmSrv) != createsBefore {
		return fmt.Errorf("expected 4 listeners and no second create after EnsureBmListeners, got %d listeners", n)
	}
	l := ensured.Listeners[0]
	fmt.Fprintf(out, "7. Finished exactly once:      EnsureBmListeners found %s (%s) that the lost create made; no second create\n",
		l.ListenerKey, l.ListenerID)
	return nil
}

// countCreates counts the CreateBmListeners requests the fake accepted.
func countCreates(srv *bmlbtest.Server) int {
	n := 0
	for _, a := range srv.Accepted() {
		if a.Action == "CreateBmListeners" {
			n++
		}
	}
	return n
}

// runLive creates one listener on each real service.
func runLive(ctx context.Context, out, errOut io.Writer, accelerator, loadBalancer, region string, wait bool) int {
	// Credentials from wherever the vendors' tools find them (environment,
	// CLI files, OIDC, instance roles); everything missing is listed at once.
	alibaba := signing.NewAlibabaDefaultCredentials(credentialOptions...)
	tencent := signing.NewTencentDefaultCredentials(credentialOptions...)
	if !livecheck.Ready(ctx, errOut, "quickstart", []string{livecheck.Flag("-accelerator", accelerator), livecheck.Flag("-load-balancer", loadBalancer)},
		livecheck.Credentials{Label: "Alibaba Cloud credentials", Provider: alibaba}, livecheck.Credentials{Label: "Tencent Cloud credentials", Provider: tencent}) {
		return 2
	}
	gaClient, err := ga.NewClient(ga.WithCredentials(alibaba))
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 1
	}
	gaReq := &ga.CreateListenerRequest{AcceleratorID: accelerator, Name: "quickstart", PortRanges: []ga.PortRange{{FromPort: 10080, ToPort: 10080}}}
	if wait {
		active, err := gaClient.CreateListenerAndWait(ctx, gaReq, 4*time.Minute)
		if err != nil {
			fmt.Fprintln(errOut, "GA:", err)
			return 1
		}
		fmt.Fprintf(out, "GA listener %s is %s\n", active.ListenerID, active.State)
	} else {
		resp, err := gaClient.CreateListener(ctx, gaReq)
		if err != nil {
			fmt.Fprintln(errOut, "GA:", err)
			return 1
		}
		fmt.Fprintf(out, "GA listener %s (RequestId %s)\n", resp.ListenerID, resp.RequestID)
	}
	bmClient, err := bmlb.NewClient(bmlb.WithRegion(region), bmlb.WithCredentials(tencent))
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 1
	}
	bmReq := &bmlb.CreateBmListenersRequest{LoadBalancerID: loadBalancer,
		Listeners: []bmlb.Listener{{LoadBalancerPort: 10080, Protocol: bmlb.ProtocolTCP, ListenerName: "quickstart"}}}
	if wait {
		ensured, err := bmClient.EnsureBmListeners(ctx, bmReq)
		if err != nil {
			fmt.Fprintln(errOut, "BMLB:", err)
			return 1
		}
		for _, l := range ensured.Listeners {
			fmt.Fprintf(out, "BMLB listener %s is %s (created by this run: %v)\n", l.ListenerKey, l.ListenerID, l.Created)
		}
		return 0
	}
	task, err := bmClient.CreateBmListeners(ctx, bmReq)
	if err != nil {
		fmt.Fprintln(errOut, "BMLB:", err)
		return 1
	}
	fmt.Fprintf(out, "BMLB task %d\n", task.TaskID)
	return 0
}

// credentialOptions are given to the default credentials chains; tests point
// them away from this machine's files and instance metadata.
var credentialOptions []signing.ChainOption
