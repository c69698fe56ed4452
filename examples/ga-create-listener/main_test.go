package main

import (
	"bytes"
	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/ga"
)

func runWith(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCreatesOnTheEmbeddedFake(t *testing.T) {
	code, out, errOut := runWith("-name", "web", "-port-range", "80-90", "-port-range", "443", "-client-token", "tok-1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Created listener lsr-")
	assert.Contains(t, out, "on "+fakeAccelerator)
	assert.Contains(t, out, "ClientToken tok-1")
	assert.Contains(t, out, "State       active", "it waits for the listener by default")
}

func TestWaitFalseReturnsOnceAccepted(t *testing.T) {
	code, out, errOut := runWith("-wait=false", "-port-range", "80")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Created listener lsr-")
	assert.NotContains(t, out, "State")
}

func TestPrintsTheClientsTokenWhenNoneIsGiven(t *testing.T) {
	code, out, errOut := runWith("-port-range", "80")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `ClientToken [0-9a-f-]{36}\n`, out, "the client's UUID")
}

func TestHelpListsEveryRequestFlag(t *testing.T) {
	code, out, errOut := runWith("-h")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
	for _, flag := range []string{"-accelerator", "-name", "-description", "-region", "-client-token", "-protocol",
		"-client-affinity", "-proxy-protocol", "-port-range", "-certificate", "-live", "-timeout", "-wait", "Exit status"} {
		assert.Contains(t, errOut, flag)
	}
}

func TestFlagsThatCannotBeParsedExit2(t *testing.T) {
	for _, args := range [][]string{
		{"-port-range", "80-"},
		{"-port-range", "http"},
		{"-nope"},
		{"-port-range", "80", "extra"},
	} {
		code, out, errOut := runWith(args...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, out, args)
		assert.NotEmpty(t, errOut, args)
	}
	_, _, errOut := runWith("-port-range", "80-")
	assert.Contains(t, errOut, `invalid value "80-" for flag -port-range: want FROM-TO or PORT`)
}

func TestInvalidRequestNamesFlagFieldAndCode(t *testing.T) {
	code, out, errOut := runWith("-name", "1x", "-protocol", "udp", "-port-range", "4789", "-port-range", "70000")
	assert.Equal(t, 2, code)
	assert.Empty(t, out, "nothing is started or sent")
	assert.Contains(t, errOut, "nothing was sent")
	assert.Contains(t, errOut, "-name Name: must start with a letter")
	assert.Contains(t, errOut, "-port-range PortRanges[0]: UDP port 4789 is reserved")
	assert.Contains(t, errOut, "(code "+string(ga.ErrPortRangeIllegalUDP)+")")
	assert.Contains(t, errOut, "-port-range PortRanges[1].FromPort")

	code, _, errOut = runWith()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-port-range PortRanges: at least one port range is required (code MissingParameter)")
}

func TestFailedCallExits1(t *testing.T) {
	// A deadline that has passed before the call: the client gives up
	// without a response, which is exit status 1.
	code, _, errOut := runWith("-port-range", "80", "-timeout", "1ns")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "context deadline exceeded")
}

func TestLiveNamesMissingVariables(t *testing.T) {
	opts, _ := credtest.Isolate(t)
	credentialOptions = opts
	defer func() { credentialOptions = nil }()
	code, out, errOut := runWith("-live", "-accelerator", "ga-1", "-port-range", "80")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	// Every place the default chain looked, in one message.
	for _, want := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ROLE_ARN", ".aliyun/config.json", ".alibabacloud/credentials", "ECS instance metadata", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		assert.Contains(t, errOut, want)
	}

	code, _, errOut = runWith("-live", "-port-range", "80")
	assert.Equal(t, 2, code, "-live has no default accelerator")
	assert.Contains(t, errOut, "  -accelerator\n  credentials: ", "everything missing, at once")
}

func TestParsePortRange(t *testing.T) {
	for in, want := range map[string]ga.PortRange{"80": {FromPort: 80, ToPort: 80}, "80-90": {FromPort: 80, ToPort: 90}, " 1 - 2 ": {FromPort: 1, ToPort: 2}} {
		got, err := parsePortRange(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-", "a-b", "1-2-3", "80-"} {
		_, err := parsePortRange(in)
		assert.Error(t, err, in)
	}
}
