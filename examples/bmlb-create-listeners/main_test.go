package main

import (
	"bytes"
	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
)

func runWith(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCreatesABatchOnTheEmbeddedFake(t *testing.T) {
	code, out, errOut := runWith("-listener", "80/tcp/web,healthSwitch=1,timeOut=2,intervalTime=5,bandwidth=0", "-listener", "53/udp/dns")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Task 100001 accepted: 2 listeners on "+fakeLoadBalancer)
	assert.Contains(t, out, "Task 100001 succeeded\n", "it waits for the task by default")
	assert.Regexp(t, `   80/tcp web lbl-[0-9a-f]+ \(running\)\n`, out)
	assert.Regexp(t, `   53/udp dns lbl-[0-9a-f]+ \(running\)\n`, out)
}

func TestWaitFalseReturnsOnceAccepted(t *testing.T) {
	code, out, errOut := runWith("-wait=false", "-listener", "80/tcp/web")
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, "succeeded")
	assert.Regexp(t, `   80/tcp web lbl-[0-9a-f]+ \(creating\)\n`, out, "the task is still running")
}

func TestHelpListsFlagsAndEveryOptionalField(t *testing.T) {
	code, out, errOut := runWith("-h")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
	for _, want := range []string{"-listener", "-load-balancer", "-region", "-live", "-timeout", "-wait", "Exit status"} {
		assert.Contains(t, errOut, want)
	}
	for name := range optionalFields {
		assert.Contains(t, errOut, name)
	}
}

func TestFlagsThatCannotBeParsedExit2(t *testing.T) {
	for args, message := range map[string]string{
		"-listener 80/tcp":                  "want PORT/PROTOCOL/NAME",
		"-listener http/tcp/web":            "port: want a number",
		"-listener 80/tcp/web,nope=1":       `field named on the API page (see -h), got "nope=1"`,
		"-listener 80/tcp/web,healthSwitch": `got "healthSwitch"`,
		"-listener 80/tcp/web,toaFlag=yes":  `toaFlag: want 1 or 0, got "yes"`,
		"-listener 80/tcp/web,timeOut=2s":   `timeOut: want a whole number, got "2s"`,
		"-listener 80/tcp/web extra":        `unexpected argument "extra"`,
		"-region":                           "flag needs an argument",
	} {
		code, out, errOut := runWith(strings.Fields(args)...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, out, args)
		assert.Contains(t, errOut, message, args)
	}
}

func TestInvalidRequestNamesFieldAndCode(t *testing.T) {
	code, out, errOut := runWith("-listener", "80/tcp/web,timeOut=9", "-listener", "80/tcp/again")
	assert.Equal(t, 2, code)
	assert.Empty(t, out, "nothing is started or sent")
	assert.Contains(t, errOut, "-listener #0 timeOut Listeners[0].TimeOut: must be less than IntervalTime (5), got 9 (code InvalidParameter (9003))")
	assert.Contains(t, errOut, "-listener #1 PORT Listeners[1].LoadBalancerPort: tcp port 80 is also Listeners[0]'s (code "+bmlb.ErrInvalidParameterVportIsDuplicate.Error()+")")

	code, _, errOut = runWith()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-listener Listeners: at least one listener is required")
}

func TestFailedCallExits1(t *testing.T) {
	code, _, errOut := runWith("-listener", "80/tcp/web", "-timeout", "1ns")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "context deadline exceeded")
}

func TestLiveNamesMissingVariables(t *testing.T) {
	opts, _ := credtest.Isolate(t)
	credentialOptions = opts
	defer func() { credentialOptions = nil }()
	code, _, errOut := runWith("-live", "-load-balancer", "lb-1", "-listener", "80/tcp/web")
	assert.Equal(t, 2, code)
	for _, want := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", ".tencentcloud/credentials", "TKE_ROLE_ARN", "CVM instance metadata"} {
		assert.Contains(t, errOut, want)
	}

	code, _, errOut = runWith("-live", "-listener", "80/tcp/web")
	assert.Equal(t, 2, code, "-live has no default load balancer")
	assert.Contains(t, errOut, "  -load-balancer\n  credentials: ", "everything missing, at once")
}

// Every optional field named in the help lands in its own struct field.
func TestParseListenerSetsEveryOptionalField(t *testing.T) {
	got, err := parseListener("8080/udp/x,sessionExpire=900,healthSwitch=1,timeOut=3,intervalTime=6,healthNum=4," +
		"unhealthNum=5,bandwidth=0,customHealthSwitch=true,inputType=text,lineSeparatorType=2,healthRequest=ping," +
		"healthResponse=pong,toaFlag=1")
	require.NoError(t, err)
	zero := 0
	assert.Equal(t, bmlb.Listener{LoadBalancerPort: 8080, Protocol: bmlb.ProtocolUDP, ListenerName: "x", SessionExpire: 900,
		HealthSwitch: true, TimeOut: 3, IntervalTime: 6, HealthNum: 4, UnhealthNum: 5, Bandwidth: &zero,
		CustomHealthSwitch: true, InputType: bmlb.InputTypeText, LineSeparatorType: 2, HealthRequest: "ping",
		HealthResponse: "pong", ToaFlag: true}, got)
	assert.Len(t, optionalFields, 13, "a new field needs a case above")
}
