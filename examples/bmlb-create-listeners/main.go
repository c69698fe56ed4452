// Command bmlb-create-listeners creates a batch of black-stone load balancer
// listeners from flags that mirror bmlb.CreateBmListenersRequest: one
// -listener flag per listener, PORT/PROTOCOL/NAME with the optional fields
// after commas, under their names on the API page.
//
// By default it runs against the fake service of package bmlbtest, started
// in-process, so it needs no account:
//
//	go run ./examples/bmlb-create-listeners -listener 80/tcp/web,healthSwitch=1 -listener 53/udp/dns
//
// With -live it calls the real service with credentials from
// TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, and -load-balancer is
// required.
//
// Exit status: 0 created (the task was accepted), 1 the service or the
// network failed, 2 the flags or the request they make are invalid (nothing
// was sent).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/examples/internal/livecheck"
	"github.com/listenerkit/listenerkit-go/signing"
)

// fakeLoadBalancer is the load balancer the embedded fake holds when
// -load-balancer is not given.
const fakeLoadBalancer = "lb-example"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// optionalFields sets each optional Listener field from its API name, as
// written after the commas of a -listener flag.
var optionalFields = map[string]func(l *bmlb.Listener, value string) error{
	"sessionExpire":      intField(func(l *bmlb.Listener, n int) { l.SessionExpire = n }),
	"healthSwitch":       boolField(func(l *bmlb.Listener, b bool) { l.HealthSwitch = b }),
	"timeOut":            intField(func(l *bmlb.Listener, n int) { l.TimeOut = n }),
	"intervalTime":       intField(func(l *bmlb.Listener, n int) { l.IntervalTime = n }),
	"healthNum":          intField(func(l *bmlb.Listener, n int) { l.HealthNum = n }),
	"unhealthNum":        intField(func(l *bmlb.Listener, n int) { l.UnhealthNum = n }),
	"bandwidth":          intField(func(l *bmlb.Listener, n int) { l.Bandwidth = &n }),
	"customHealthSwitch": boolField(func(l *bmlb.Listener, b bool) { l.CustomHealthSwitch = b }),
	"inputType":          func(l *bmlb.Listener, s string) error { l.InputType = bmlb.InputType(s); return nil },
	"lineSeparatorType":  intField(func(l *bmlb.Listener, n int) { l.LineSeparatorType = n }),
	"healthRequest":      func(l *bmlb.Listener, s string) error { l.HealthRequest = s; return nil },
	"healthResponse":     func(l *bmlb.Listener, s string) error { l.HealthResponse = s; return nil },
	"toaFlag":            boolField(func(l *bmlb.Listener, b bool) { l.ToaFlag = b }),
}

func intField(set func(*bmlb.Listener, int)) func(*bmlb.Listener, string) error {
	return func(l *bmlb.Listener, s string) error {
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", s)
		}
		set(l, n)
		return nil
	}
}

func boolField(set func(*bmlb.Listener, bool)) func(*bmlb.Listener, string) error {
	return func(l *bmlb.Listener, s string) error {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want 1 or 0, got %q", s)
		}
		set(l, b)
		return nil
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	var req bmlb.CreateBmListenersRequest
	fs := flag.NewFlagSet("bmlb-create-listeners", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		names := make([]string, 0, len(optionalFields))
		for name := range optionalFields {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintf(fs.Output(), `Usage: bmlb-create-listeners [flags]

Creates black-stone load balancer listeners in one call (API
CreateBmListeners, 2.0). Without -live it runs against an in-process fake,
so it needs no account.

Each -listener is PORT/PROTOCOL/NAME, then optional fields as
,name=value under their API names (booleans 1 or 0):
%s

Examples:
  bmlb-create-listeners -listener 80/tcp/web -listener 53/udp/dns
  bmlb-create-listeners -listener 80/tcp/web,healthSwitch=1,timeOut=2,intervalTime=5,bandwidth=100
  bmlb-create-listeners -live -region gz -load-balancer lb-abcd1234 -listener 80/tcp/web

Flags:
`, wrap(names, "  ", 76))
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Exit status: 0 created (task accepted), 1 the service or the network failed,
2 invalid flags or an invalid request (nothing was sent).
`)
	}
	live := fs.Bool("live", false, "call the real service, with credentials from TENCENTCLOUD_SECRET_ID\nand TENCENTCLOUD_SECRET_KEY")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long, retries and the wait included")
	wait := fs.Bool("wait", true, "wait for the create task's result (DescribeBmLoadBalancersTaskResult); -wait=false returns once it is accepted")
	region := fs.String("region", "bj", "the load balancer's `region` (Region), e.g. bj, gz, sh")
	fs.StringVar(&req.LoadBalancerID, "load-balancer", "", "load balancer `id` (loadBalancerId); required with -live, default "+fakeLoadBalancer+" on the fake")
	fs.Func("listener", "one listener (listeners.n) as `PORT/PROTOCOL/NAME[,field=value...]`; repeat for more, at most 50", func(s string) error {
		l, err := parseListener(s)
		if err == nil {
			req.Listeners = append(req.Listeners, l)
		}
		return err
	})
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0 // -h asked for the usage, which is printed
	} else if err != nil {
		return 2 // the flag package has printed the problem and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bmlb-create-listeners: unexpected argument %q (every value is a flag; see -h)\n", fs.Arg(0))
		return 2
	}
	credentials := signing.NewTencentDefaultCredentials(credentialOptions...)
	if *live {
		// Everything -live needs, listed at once: flags, and credentials
		// from wherever the vendor's tools would find them.
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		ready := livecheck.Ready(ctx, stderr, "bmlb-create-listeners", []string{livecheck.Flag("-load-balancer", req.LoadBalancerID)},
			livecheck.Credentials{Label: "credentials", Provider: credentials})
		cancel()
		if !ready {
			return 2
		}
	}
	if req.LoadBalancerID == "" {
		req.LoadBalancerID = fakeLoadBalancer
	}
	// Validate before starting anything, so a bad flag never costs a call
	// or a fake; the client would refuse the request the same way.
	if err := req.Validate(); err != nil {
		printViolations(stderr, err)
		return 2
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var client *bmlb.Client
	var fake *bmlbtest.Server
	var err error
	if *live {
		client, err = bmlb.NewClient(bmlb.WithRegion(*region), bmlb.WithCredentials(credentials))
	} else {
		fake = bmlbtest.NewServer()
		defer fake.Close()
		fake.AddLoadBalancer(req.LoadBalancerID)
		fmt.Fprintf(stdout, "Using the embedded fake BMLB service at %s (-live for the real one)\n", fake.URL)
		client, err = bmlb.NewClient(bmlb.WithRegion(*region), bmlb.WithEndpoint(fake.URL), bmlb.WithCredentials(fake.Credentials()),
			bmlb.WithWaiterDelays(10*time.Millisecond, 100*time.Millisecond))
	}
	if err != nil {
		fmt.Fprintln(stderr, "bmlb-create-listeners:", err)
		return 1
	}
	resp, err := client.CreateBmListeners(ctx, &req)
	if err != nil {
		fmt.Fprintln(stderr, "bmlb-create-listeners:", err)
		var op *bmlb.OperationError
		if errors.As(err, &op) && op.MayHaveApplied {
			fmt.Fprintln(stderr, "The listeners may have been created. bmlb.Client.EnsureBmListeners lists them and creates only what is missing;")
			fmt.Fprintln(stderr, "or list them (DescribeBmListeners) before running this again.")
		}
		return 1
	}
	fmt.Fprintf(stdout, "Task %d accepted: %d listeners on %s\n", resp.TaskID, len(req.Listeners), req.LoadBalancerID)
	if *wait {
		if err := client.WaitForTask(ctx, resp.TaskID, *timeout); err != nil {
			fmt.Fprintln(stderr, "bmlb-create-listeners:", err)
			return 1
		}
		fmt.Fprintf(stdout, "Task %d succeeded\n", resp.TaskID)
	}
	listed, err := client.DescribeBmListeners(ctx, &bmlb.DescribeBmListenersRequest{LoadBalancerID: req.LoadBalancerID})
	if err != nil {
		fmt.Fprintln(stderr, "bmlb-create-listeners: listing the listeners:", err)
		return 1
	}
	for _, l := range listed.Listeners {
		fmt.Fprintf(stdout, "  %5d/%s %s %s (%s)\n", l.LoadBalancerPort, l.Protocol, l.ListenerName, l.ListenerID, l.Status)
	}
	return 0
}

// wrap joins words with ", " in lines of at most width bytes.
func wrap(words []string, indent string, width int) string {
	var b strings.Builder
	line := indent
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if len(line)+1+len(w) > width && line != indent {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	return b.String() + line
}

// parseListener reads PORT/PROTOCOL/NAME[,field=value...].
func parseListener(s string) (bmlb.Listener, error) {
	head, rest, _ := strings.Cut(s, ",")
	parts := strings.Split(head, "/")
	if len(parts) != 3 {
		return bmlb.Listener{}, fmt.Errorf("want PORT/PROTOCOL/NAME, like 80/tcp/web; got %q", head)
	}
	port, err := strconv.Atoi(parts[0])
	if err != nil {
		return bmlb.Listener{}, fmt.Errorf("port: want a number, got %q", parts[0])
	}
	l := bmlb.Listener{LoadBalancerPort: port, Protocol: bmlb.Protocol(parts[1]), ListenerName: parts[2]}
	if rest == "" {
		return l, nil
	}
	for _, field := range strings.Split(rest, ",") {
		name, value, ok := strings.Cut(field, "=")
		set := optionalFields[name]
		if !ok || set == nil {
			return bmlb.Listener{}, fmt.Errorf("want field=value with a field named on the API page (see -h), got %q", field)
		}
		if err := set(&l, value); err != nil {
			return bmlb.Listener{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	return l, nil
}

// printViolations lists each broken rule; fields are numbered like the
// -listener flags, from 0.
func printViolations(w io.Writer, err error) {
	var invalid *bmlb.ValidationError
	if !errors.As(err, &invalid) {
		fmt.Fprintln(w, "bmlb-create-listeners:", err)
		return
	}
	fmt.Fprintln(w, "bmlb-create-listeners: the request is invalid, nothing was sent (listeners counted from 0):")
	for _, v := range invalid.Violations {
		fmt.Fprintf(w, "  %s %s: %s (code %s)\n", flagOf(v.Field), v.Field, v.Message, v.Code)
	}
}

// wireNames names each Listener field as a -listener flag writes it: the
// three required parts, then the optional fields under their API names.
var wireNames = map[string]string{
	"LoadBalancerPort": "PORT", "Protocol": "PROTOCOL", "ListenerName": "NAME",
	"SessionExpire": "sessionExpire", "HealthSwitch": "healthSwitch", "TimeOut": "timeOut", "IntervalTime": "intervalTime",
	"HealthNum": "healthNum", "UnhealthNum": "unhealthNum", "Bandwidth": "bandwidth", "CustomHealthSwitch": "customHealthSwitch",
	"InputType": "inputType", "LineSeparatorType": "lineSeparatorType", "HealthRequest": "healthRequest",
	"HealthResponse": "healthResponse", "ToaFlag": "toaFlag",
}

// flagOf names the flag, and the part of it, behind a request field:
// "Listeners[1].TimeOut" is "-listener #1 timeOut".
func flagOf(field string) string {
	if field == "LoadBalancerID" {
		return "-load-balancer"
	}
	rest, ok := strings.CutPrefix(field, "Listeners[")
	if !ok {
		return "-listener" // the list itself: how many
	}
	index, name, _ := strings.Cut(rest, "].")
	return "-listener #" + index + " " + wireNames[name]
}

// credentialOptions are given to the default credentials chains; tests point
// them away from this machine's files and instance metadata.
var credentialOptions []signing.ChainOption
