// Command ga-create-listener creates one Global Accelerator listener from
// flags that mirror the fields of ga.CreateListenerRequest.
//
// By default it runs against the fake service of package gatest, started
// in-process, so it needs no account:
//
//	go run ./examples/ga-create-listener -name web -port-range 80-90 -port-range 443
//
// With -live it calls the real service with credentials from
// ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and
// ALIBABA_CLOUD_SECURITY_TOKEN for STS), and -accelerator is required.
//
// Exit status: 0 created, 1 the service or the network failed, 2 the flags
// or the request they make are invalid (nothing was sent).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/examples/internal/livecheck"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/ga/gatest"
	"github.com/listenerkit/listenerkit-go/signing"
)

// fakeAccelerator is the accelerator the embedded fake holds when
// -accelerator is not given.
const fakeAccelerator = "ga-example"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// flagOfField names the flag behind each request field, so a validation
// error can point at what the user typed.
var flagOfField = map[string]string{
	"RegionID": "-region", "ClientToken": "-client-token", "AcceleratorID": "-accelerator",
	"Name": "-name", "ClientAffinity": "-client-affinity", "Protocol": "-protocol",
	"PortRanges": "-port-range", "Certificates": "-certificate",
}

func run(args []string, stdout, stderr io.Writer) int {
	var req ga.CreateListenerRequest
	fs := flag.NewFlagSet("ga-create-listener", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: ga-create-listener [flags]

Creates one Global Accelerator listener (API CreateListener). Without -live
it runs against an in-process fake, so it needs no account.

Examples:
  ga-create-listener -name web -port-range 80-90 -port-range 443
  ga-create-listener -protocol udp -port-range 5000-5100
  ga-create-listener -live -accelerator ga-bp1xxx -name web -port-range 80

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Exit status: 0 created, 1 the service or the network failed,
2 invalid flags or an invalid request (nothing was sent).
`)
	}
	live := fs.Bool("live", false, "call the real service, with credentials from ALIBABA_CLOUD_ACCESS_KEY_ID\nand ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long, retries and the wait included")
	wait := fs.Bool("wait", true, "wait until the listener is active (DescribeListener); -wait=false returns once it is accepted")
	fs.StringVar(&req.AcceleratorID, "accelerator", "", "accelerator id (AcceleratorId); required with -live, default "+fakeAccelerator+" on the fake")
	fs.StringVar(&req.Name, "name", "", "listener name (Name): 2-128 characters, starting with a letter or a Chinese character")
	fs.StringVar(&req.Description, "description", "", "listener description (Description)")
	fs.StringVar(&req.RegionID, "region", ga.DefaultRegionID, "region (RegionId); GA takes only "+ga.DefaultRegionID)
	fs.StringVar(&req.ClientToken, "client-token", "", "idempotency token (ClientToken); empty: the client makes one, printed if the call fails")
	fs.Func("protocol", "`protocol`: tcp, udp, http or https (Protocol) (default tcp)", func(s string) error {
		req.Protocol = ga.Protocol(s)
		return nil
	})
	fs.Func("client-affinity", "`affinity`: empty or SOURCE_IP (ClientAffinity)", func(s string) error {
		req.ClientAffinity = ga.ClientAffinity(s)
		return nil
	})
	fs.BoolVar(&req.ProxyProtocol, "proxy-protocol", false, "pass the client's source IP to the endpoints (ProxyProtocol)")
	fs.Func("port-range", "a port `range` FROM-TO, or one PORT (PortRanges.N); repeat for more ranges", func(s string) error {
		pr, err := parsePortRange(s)
		if err == nil {
			req.PortRanges = append(req.PortRanges, pr)
		}
		return err
	})
	fs.Func("certificate", "an SSL certificate `id` for https (Certificates.N.Id); repeatable", func(s string) error {
		req.Certificates = append(req.Certificates, ga.Certificate{ID: s})
		return nil
	})
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0 // -h asked for the usage, which is printed
	} else if err != nil {
		return 2 // the flag package has printed the problem and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ga-create-listener: unexpected argument %q (every value is a flag; see -h)\n", fs.Arg(0))
		return 2
	}
	credentials := signing.NewAlibabaDefaultCredentials(credentialOptions...)
	if *live {
		// Everything -live needs, listed at once: flags, and credentials
		// from wherever the vendor's tools would find them.
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		ready := livecheck.Ready(ctx, stderr, "ga-create-listener", []string{livecheck.Flag("-accelerator", req.AcceleratorID)},
			livecheck.Credentials{Label: "credentials", Provider: credentials})
		cancel()
		if !ready {
			return 2
		}
	}
	// Validate before starting anything, so a bad flag never costs a call
	// or a fake; the client would refuse the request the same way.
	if req.AcceleratorID == "" {
		req.AcceleratorID = fakeAccelerator
	}
	if err := req.Validate(); err != nil {
		printViolations(stderr, err)
		return 2
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var client *ga.Client
	var err error
	if *live {
		client, err = ga.NewClient(ga.WithCredentials(credentials))
	} else {
		fake := gatest.NewServer()
		defer fake.Close()
		fake.AddAccelerator(req.AcceleratorID)
		fmt.Fprintf(stdout, "Using the embedded fake GA service at %s (-live for the real one)\n", fake.URL)
		client, err = ga.NewClient(ga.WithEndpoint(fake.URL), ga.WithCredentials(fake.Credentials()),
			ga.WithWaiterDelays(10*time.Millisecond, 100*time.Millisecond))
	}
	if err != nil {
		fmt.Fprintln(stderr, "ga-create-listener:", err)
		return 1
	}
	resp, err := client.CreateListener(ctx, &req)
	if err != nil {
		fmt.Fprintln(stderr, "ga-create-listener:", err)
		var op *ga.OperationError
		if errors.As(err, &op) && op.MayHaveApplied {
			fmt.Fprintf(stderr, "The listener may have been created. Run again with -client-token %s to get the same one, not a second.\n", op.IdempotencyToken)
		}
		return 1
	}
	fmt.Fprintf(stdout, "Created listener %s on %s\n  RequestId   %s\n  ClientToken %s\n", resp.ListenerID, req.AcceleratorID, resp.RequestID, resp.ClientToken)
	if !*wait {
		return 0
	}
	active, err := client.WaitUntilListenerActive(ctx, resp.ListenerID, *timeout)
	if err != nil {
		fmt.Fprintln(stderr, "ga-create-listener: the listener was created, but:", err)
		return 1
	}
	fmt.Fprintf(stdout, "  State       %s (created %s)\n", active.State, active.CreateTime.Format(time.RFC3339))
	return 0
}

// parsePortRange reads "80-90" or "80".
func parsePortRange(s string) (ga.PortRange, error) {
	from, to, isRange := strings.Cut(s, "-")
	if !isRange {
		to = from
	}
	f, errFrom := strconv.Atoi(strings.TrimSpace(from))
	t, errTo := strconv.Atoi(strings.TrimSpace(to))
	if errFrom != nil || errTo != nil {
		return ga.PortRange{}, fmt.Errorf("want FROM-TO or PORT, like 80-90 or 443; got %q", s)
	}
	return ga.PortRange{FromPort: f, ToPort: t}, nil
}

// printViolations lists each broken rule with the flag that set the field.
func printViolations(w io.Writer, err error) {
	var invalid *ga.ValidationError
	if !errors.As(err, &invalid) {
		fmt.Fprintln(w, "ga-create-listener:", err)
		return
	}
	fmt.Fprintln(w, "ga-create-listener: the request is invalid, nothing was sent:")
	for _, v := range invalid.Violations {
		field, _, _ := strings.Cut(v.Field, "[")
		field, _, _ = strings.Cut(field, ".")
		fmt.Fprintf(w, "  %s %s: %s (code %s)\n", flagOfField[field], v.Field, v.Message, v.Code)
	}
}

// credentialOptions are given to the default credentials chain; tests point
// it away from this machine's files and instance metadata.
var credentialOptions []signing.ChainOption
