package main

import (
	"bytes"
	"github.com/listenerkit/listenerkit-go/internal/credtest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuickstartEmbedded(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(nil, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	for _, want := range []string{"GA listener created", "BMLB listeners created:     3 listeners", "PortRangeIllegal.UDP",
		"code PortConflict.Listener, HTTP 400, RequestId", "2 attempts", "MayHaveApplied=true", "State active", "task:           succeeded",
		"EnsureBmListeners found tcp/8080 (lbl-", "that the lost create made; no second create", "All steps went as expected."} {
		assert.Contains(t, out.String(), want)
	}
}

func TestQuickstartWaitFalseStopsAtAccepted(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"-wait=false"}, &out, &errOut), errOut.String())
	assert.NotContains(t, out.String(), "State active")
	assert.NotContains(t, out.String(), "Finished exactly once")
	assert.Contains(t, out.String(), "All steps went as expected.")
}

func TestQuickstartLiveNamesMissingVariables(t *testing.T) {
	opts, _ := credtest.Isolate(t)
	credentialOptions = opts
	defer func() { credentialOptions = nil }()
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-live"}, &out, &errOut))
	for _, v := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "TENCENTCLOUD_SECRET_KEY", "-accelerator", "-load-balancer"} {
		assert.Contains(t, errOut.String(), v)
	}
	assert.True(t, strings.Contains(errOut.String(), "missing"))
}

func TestQuickstartBadFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-nope"}, &out, &errOut))
}

func TestQuickstartHelpExits0(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"-h"}, &out, &errOut))
	for _, want := range []string{"Usage: quickstart", "-live", "-accelerator", "-wait", "Exit status"} {
		assert.Contains(t, errOut.String(), want)
	}
}

func TestQuickstartRefusesLiveOnlyFlagsWithoutLive(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"-accelerator", "ga-1", "-region", "gz"}, &out, &errOut))
	assert.Contains(t, errOut.String(), "-accelerator, -region apply only with -live")
	assert.Empty(t, out.String(), "nothing ran")
	assert.Equal(t, 2, run([]string{"extra"}, &out, &errOut), "extra arguments are an error")
}
