package bmlbtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
	"github.com/listenerkit/listenerkit-go/internal/testhttp"
)

func sortedKeys(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// The fake answers in the documented wire shapes: the field names of the
// wire-facts examples (DescribeBmListeners' listenerSet, the task's
// data.status), numbers as numbers, addTimestamp as local time.
func TestAnswersHaveTheDocumentedShape(t *testing.T) {
	srv := bmlbtest.NewServer(bmlbtest.WithTaskDuration(0))
	defer srv.Close()
	srv.AddLoadBalancer("lb-1")
	rec := &testhttp.LastAnswer{}
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithHTTPClient(&http.Client{Transport: rec}))
	require.NoError(t, err)
	ctx := context.Background()
	bandwidth := 10
	created, err := c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{{
		LoadBalancerPort: 1234, Protocol: bmlb.ProtocolTCP, ListenerName: "test-tcp", HealthSwitch: true, SessionExpire: 900, Bandwidth: &bandwidth,
	}}})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body(), &m))
	assert.Equal(t, []string{"code", "codeDesc", "message", "requestId"}, sortedKeys(m), "the seed page's answer")

	_, err = c.DescribeBmListeners(ctx, &bmlb.DescribeBmListenersRequest{LoadBalancerID: "lb-1"})
	require.NoError(t, err)
	m = nil
	require.NoError(t, json.Unmarshal(rec.Body(), &m))
	assert.Equal(t, []string{"code", "codeDesc", "listenerSet", "message", "totalCount"}, sortedKeys(m))
	entry := m["listenerSet"].([]any)[0].(map[string]any)
	assert.Equal(t, []string{"addTimestamp", "bandwidth", "customHealthSwitch", "healthNum", "healthRequest", "healthResponse",
		"healthSwitch", "inputType", "intervalTime", "lineSeparatorType", "listenerId", "listenerName", "listenerType",
		"loadBalancerPort", "protocol", "sessionExpire", "status", "timeOut", "toaFlag", "unhealthNum"}, sortedKeys(entry))
	assert.Equal(t, 1234.0, entry["loadBalancerPort"])
	assert.Equal(t, 1.0, entry["healthSwitch"], "switches are 0/1")
	assert.Equal(t, 10.0, entry["bandwidth"])
	_, err = time.Parse(time.DateTime, entry["addTimestamp"].(string))
	assert.NoError(t, err, "addTimestamp is a local-time string")

	_, err = c.DescribeBmLoadBalancersTaskResult(ctx, created.TaskID)
	require.NoError(t, err)
	m = nil
	require.NoError(t, json.Unmarshal(rec.Body(), &m))
	assert.Equal(t, []string{"code", "codeDesc", "data", "message"}, sortedKeys(m))
	assert.Equal(t, map[string]any{"status": 0.0}, m["data"])

	// Every field of the create is kept, for tests to assert on.
	l := srv.Listeners("lb-1")[0]
	assert.Equal(t, map[string]string{"loadBalancerPort": "1234", "protocol": "tcp", "listenerName": "test-tcp", "healthSwitch": "1",
		"sessionExpire": "900", "bandwidth": "10"}, l.Fields)
	accepted := srv.Accepted()
	require.Len(t, accepted, 3)
	assert.Equal(t, "CreateBmListeners", accepted[0].Action)
	assert.Equal(t, "10", accepted[0].Params.Get("listeners.0.bandwidth"))
	assert.Empty(t, accepted[0].Params.Get("Signature"))
}
