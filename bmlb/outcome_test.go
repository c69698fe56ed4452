package bmlb_test

// Issue 12: knowing the outcome of a BMLB create, and finishing it exactly
// once.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/bmlb/bmlbtest"
)

var quickWaits = bmlb.WithWaiterDelays(time.Millisecond, 5*time.Millisecond)

func newFake(t *testing.T, opts ...bmlbtest.Option) (*bmlbtest.Server, *bmlb.Client) {
	srv := bmlbtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.AddLoadBalancer("lb-1")
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithRetryBackoff(time.Millisecond, 2*time.Millisecond), quickWaits)
	require.NoError(t, err)
	return srv, c
}

// The wire-facts example of DescribeBmListeners, and the same with numbers
// and switches as strings and an upper-case protocol.
func TestDescribeBmListeners_DecodesTheWire(t *testing.T) {
	for name, body := range map[string]string{
		"wire-facts example": `{"code":0,"message":"","codeDesc":"Success","totalCount":1,"listenerSet":[
 {"listenerId":"lbl-abcdefgh","listenerName":"test-tcp","protocol":"tcp","loadBalancerPort":1234,
  "bandwidth":0,"listenerType":"L4Listener","sessionExpire":900,"healthSwitch":1,"timeOut":2,
  "intervalTime":5,"healthNum":3,"unhealthNum":3,"customHealthSwitch":0,"inputType":"",
  "lineSeparatorType":0,"healthRequest":"","healthResponse":"","toaFlag":0,"status":1,
  "addTimestamp":"2017-04-19 22:07:11"}]}`,
		"strings": `{"code":"0","totalCount":"1","listenerSet":[
 {"listenerId":"lbl-abcdefgh","listenerName":"test-tcp","protocol":"TCP","loadBalancerPort":"1234",
  "bandwidth":"0","listenerType":"L4Listener","sessionExpire":"900","healthSwitch":"1","timeOut":"2",
  "intervalTime":"5","healthNum":"3","unhealthNum":"3","customHealthSwitch":"0","status":"1",
  "addTimestamp":"2017-04-19 22:07:11","unknownField":{"x":1}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mock := newMockClient(t)
			var form url.Values
			mock.RegisterResponder(http.MethodPost, mockEndpoint, func(r *http.Request) (*http.Response, error) {
				b, _ := io.ReadAll(r.Body)
				form, _ = url.ParseQuery(string(b))
				return httpmock.NewStringResponse(200, body), nil
			})
			d, err := c.DescribeBmListeners(context.Background(), &bmlb.DescribeBmListenersRequest{LoadBalancerID: "lb-1", ListenerIDs: []string{"lbl-abcdefgh", "lbl-2"}})
			require.NoError(t, err)
			assert.Equal(t, "DescribeBmListeners", form.Get("Action"))
			assert.Equal(t, "lbl-abcdefgh", form.Get("listenerIds.0"), "0-based, as listeners.n")
			assert.Equal(t, "lbl-2", form.Get("listenerIds.1"))
			assert.Equal(t, 1, d.TotalCount)
			require.Len(t, d.Listeners, 1)
			assert.Equal(t, bmlb.DescribedListener{
				ListenerID: "lbl-abcdefgh", ListenerName: "test-tcp", Protocol: bmlb.ProtocolTCP, LoadBalancerPort: 1234,
				ListenerType: "L4Listener", SessionExpire: 900, HealthSwitch: true, TimeOut: 2, IntervalTime: 5, HealthNum: 3,
				UnhealthNum: 3, Status: bmlb.ListenerRunning,
				AddTimestamp: time.Date(2017, 4, 19, 14, 7, 11, 0, time.UTC).In(time.FixedZone("CST", 8*3600)),
			}, d.Listeners[0])
			assert.True(t, d.Listeners[0].AddTimestamp.Equal(time.Date(2017, 4, 19, 14, 7, 11, 0, time.UTC)), "local time is UTC+8")
		})
	}
}

func TestEnums(t *testing.T) {
	assert.Equal(t, []bmlb.TaskStatus{0, 1, 2}, bmlb.TaskStatus(0).Values())
	assert.Equal(t, "running", bmlb.TaskRunning.String())
	assert.Len(t, bmlb.ListenerStatus(0).Values(), 5)
	assert.Equal(t, "creation failed", bmlb.ListenerCreateFailed.String())
}

func TestDescribeBmLoadBalancersTaskResult_WireAndEndpoint(t *testing.T) {
	const taskEndpoint = "https://lb.api.qcloud.com/v2/index.php"
	c, mock := newMockClient(t, bmlb.WithTaskEndpoint(taskEndpoint))
	var form url.Values
	mock.RegisterResponder(http.MethodPost, taskEndpoint, func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(b))
		return httpmock.NewStringResponse(200, `{"code":"0","message":"","codeDesc":"Success","data":{"status":2}}`), nil
	})
	r, err := c.DescribeBmLoadBalancersTaskResult(context.Background(), 4321)
	require.NoError(t, err)
	assert.Equal(t, bmlb.TaskResult{TaskID: 4321, Status: bmlb.TaskRunning}, *r)
	assert.Equal(t, "4321", form.Get("requestId"))
	assert.Equal(t, "DescribeBmLoadBalancersTaskResult", form.Get("Action"))
	assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+taskEndpoint], "sent to the task endpoint")

	for _, body := range []string{`{"code":0}`, `{"code":0,"data":{"status":7}}`, `{"code":0,"data":{}}`} {
		mock.RegisterResponder(http.MethodPost, taskEndpoint, httpmock.NewStringResponder(200, body))
		_, err := c.DescribeBmLoadBalancersTaskResult(context.Background(), 1)
		var re *bmlb.ResponseError
		assert.ErrorAs(t, err, &re, body)
	}
	_, err = c.DescribeBmLoadBalancersTaskResult(context.Background(), 0)
	var invalid *bmlb.ValidationError
	assert.ErrorAs(t, err, &invalid)
}

func TestWaitForTask_EndsTyped(t *testing.T) {
	srv, c := newFake(t, bmlbtest.WithTaskDuration(20*time.Millisecond))
	ctx := context.Background()
	created, err := c.CreateBmListeners(ctx, seedExampleFor("lb-1"))
	require.NoError(t, err)
	assert.Equal(t, bmlb.ListenerCreating, statusOf(t, c, "lb-1", 1234), "listener status follows the task")
	require.NoError(t, c.WaitForTask(ctx, created.TaskID, time.Minute))
	assert.Equal(t, bmlb.ListenerRunning, statusOf(t, c, "lb-1", 1234))

	srv.FailNextTasks(1)
	l := validListener()
	l.LoadBalancerPort = 2000
	failed, err := c.CreateBmListeners(ctx, &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1", Listeners: []bmlb.Listener{l}})
	require.NoError(t, err)
	err = c.WaitForTask(ctx, failed.TaskID, time.Minute)
	assert.ErrorIs(t, err, bmlb.ErrTaskFailed)
	var tf *bmlb.TaskFailedError
	require.ErrorAs(t, err, &tf)
	assert.Equal(t, failed.TaskID, tf.TaskID)
	assert.Equal(t, 1, srv.ListenerCount("lb-1"), "a failed task creates nothing")

	slow, slowClient := newFake(t, bmlbtest.WithTaskDuration(time.Hour))
	running, err := slowClient.CreateBmListeners(ctx, seedExampleFor("lb-1"))
	require.NoError(t, err)
	err = slowClient.WaitForTask(ctx, running.TaskID, 40*time.Millisecond)
	assert.ErrorIs(t, err, bmlb.ErrWaitTimedOut)
	var w *bmlb.WaitError
	require.ErrorAs(t, err, &w)
	assert.Equal(t, "running", w.LastState)
	assert.Equal(t, 1, slow.ListenerCount("lb-1"))
}

func statusOf(t *testing.T, c *bmlb.Client, lb string, port int) bmlb.ListenerStatus {
	d, err := c.DescribeBmListeners(context.Background(), &bmlb.DescribeBmListenersRequest{LoadBalancerID: lb})
	require.NoError(t, err)
	for _, l := range d.Listeners {
		if l.LoadBalancerPort == port {
			return l.Status
		}
	}
	t.Fatalf("no listener on port %d", port)
	return -1
}

// The fake answers DescribeBmListeners with every field it was sent.
func TestDescribeBmListeners_RoundTripsEveryField(t *testing.T) {
	_, c := newFake(t, bmlbtest.WithTaskDuration(0))
	req := seedExampleFor("lb-1")
	_, err := c.CreateBmListeners(context.Background(), req)
	require.NoError(t, err)
	d, err := c.DescribeBmListeners(context.Background(), &bmlb.DescribeBmListenersRequest{LoadBalancerID: "lb-1"})
	require.NoError(t, err)
	require.Len(t, d.Listeners, 1)
	got, want := d.Listeners[0], req.Listeners[0]
	assert.Equal(t, bmlb.DescribedListener{
		ListenerID: got.ListenerID, ListenerName: want.ListenerName, Protocol: want.Protocol, LoadBalancerPort: want.LoadBalancerPort,
		Bandwidth: *want.Bandwidth, ListenerType: "L4Listener", SessionExpire: want.SessionExpire, HealthSwitch: want.HealthSwitch,
		TimeOut: want.TimeOut, IntervalTime: want.IntervalTime, HealthNum: want.HealthNum, UnhealthNum: want.UnhealthNum,
		CustomHealthSwitch: want.CustomHealthSwitch, InputType: want.InputType, LineSeparatorType: want.LineSeparatorType,
		HealthRequest: want.HealthRequest, HealthResponse: want.HealthResponse, ToaFlag: want.ToaFlag, Status: bmlb.ListenerRunning,
		AddTimestamp: got.AddTimestamp,
	}, got)
	assert.WithinDuration(t, time.Now(), got.AddTimestamp, time.Minute)
}

func listenerOn(port int, name string) bmlb.Listener {
	return bmlb.Listener{LoadBalancerPort: port, Protocol: bmlb.ProtocolTCP, ListenerName: name}
}

func ensureRequest(ports ...int) *bmlb.CreateBmListenersRequest {
	r := &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1"}
	for _, p := range ports {
		r.Listeners = append(r.Listeners, listenerOn(p, fmt.Sprintf("l%d", p)))
	}
	return r
}

func creates(srv *bmlbtest.Server) (n int, ports [][]string) {
	for _, a := range srv.Accepted() {
		if a.Action == "CreateBmListeners" {
			n++
			var p []string
			for i := 0; a.Params.Get(fmt.Sprintf("listeners.%d.loadBalancerPort", i)) != ""; i++ {
				p = append(p, a.Params.Get(fmt.Sprintf("listeners.%d.loadBalancerPort", i)))
			}
			ports = append(ports, p)
		}
	}
	return n, ports
}

func TestEnsureBmListeners_CreatesOnlyWhatIsMissing(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.CreateBmListeners(ctx, ensureRequest(80))
	require.NoError(t, err)

	res, err := c.EnsureBmListeners(ctx, ensureRequest(80, 81, 82))
	require.NoError(t, err)
	n, ports := creates(srv)
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{"81", "82"}, ports[1], "only the missing ones")
	require.Len(t, res.Listeners, 3)
	assert.False(t, res.Listeners[0].Created, "80 was there already")
	assert.True(t, res.Listeners[1].Created)
	assert.True(t, res.Listeners[2].Created)
	assert.Len(t, res.TaskIDs, 1)
	held := map[int]string{}
	for _, l := range srv.Listeners("lb-1") {
		held[l.Port] = l.ListenerID
		assert.Equal(t, bmlb.ListenerRunning, l.Status)
	}
	for _, l := range res.Listeners {
		assert.Equal(t, held[l.Port], l.ListenerID)
	}

	again, err := c.EnsureBmListeners(ctx, ensureRequest(80, 81, 82))
	require.NoError(t, err)
	n, _ = creates(srv)
	assert.Equal(t, 2, n, "everything there: nothing sent")
	for _, l := range again.Listeners {
		assert.False(t, l.Created)
	}
	assert.Equal(t, 3, srv.ListenerCount("lb-1"))
}

func TestEnsureBmListeners_ConflictChangesNothing(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	_, err := c.CreateBmListeners(ctx, ensureRequest(80))
	require.NoError(t, err)
	req := ensureRequest(80, 81)
	req.Listeners[0].ListenerName = "other"
	req.Listeners[0].HealthSwitch = true
	_, err = c.EnsureBmListeners(ctx, req)
	assert.ErrorIs(t, err, bmlb.ErrListenerConflict)
	var conflict *bmlb.ConflictError
	require.ErrorAs(t, err, &conflict)
	require.Len(t, conflict.Conflicts, 1)
	assert.Equal(t, 80, conflict.Conflicts[0].Port)
	assert.Equal(t, []string{"ListenerName", "HealthSwitch"}, conflict.Conflicts[0].Fields)
	assert.Equal(t, 1, srv.ListenerCount("lb-1"), "81 is not created either")
}

// The create's answer is lost after the service applied it: the listeners
// are found (still creating, then running), not created twice.
func TestEnsureBmListeners_LostAnswerIsFoundNotResent(t *testing.T) {
	for _, fault := range []bmlbtest.Fault{bmlbtest.FaultResetAfterApply, bmlbtest.FaultTruncated, bmlbtest.FaultNotJSON} {
		t.Run(fault.String(), func(t *testing.T) {
			srv, c := newFake(t, bmlbtest.WithTaskDuration(30*time.Millisecond))
			ctx := context.Background()
			req := ensureRequest(80, 81)
			// The first DescribeBmListeners goes through; the create is faulted.
			require.NoError(t, func() error {
				_, err := c.DescribeBmListeners(ctx, &bmlb.DescribeBmListenersRequest{LoadBalancerID: "lb-1"})
				return err
			}())
			srv.InjectFault(bmlbtest.FaultNone, 1)
			srv.InjectFault(fault, 1)
			res, err := c.EnsureBmListeners(ctx, req)
			require.NoError(t, err)
			n, _ := creates(srv)
			assert.Equal(t, 1, n, "one create reached the service")
			assert.Equal(t, 2, srv.ListenerCount("lb-1"))
			for _, l := range res.Listeners {
				assert.True(t, l.Created, "ours, though its answer was lost")
				assert.NotEmpty(t, l.ListenerID)
			}
		})
	}
}

// A create that never reached the service is simply created on the next
// round.
func TestEnsureBmListeners_ResetBeforeApplyCreatesOnce(t *testing.T) {
	srv, c := newFake(t)
	srv.InjectFault(bmlbtest.FaultNone, 1) // the listing
	srv.InjectFault(bmlbtest.FaultResetBeforeApply, 1)
	res, err := c.EnsureBmListeners(context.Background(), ensureRequest(80))
	require.NoError(t, err)
	assert.True(t, res.Listeners[0].Created)
	assert.Equal(t, 1, srv.ListenerCount("lb-1"))
}

func TestEnsureBmListeners_FailedTaskIsAnErrorWithNothingInDoubt(t *testing.T) {
	srv, c := newFake(t)
	srv.FailNextTasks(1)
	_, err := c.EnsureBmListeners(context.Background(), ensureRequest(80, 81))
	assert.ErrorIs(t, err, bmlb.ErrTaskFailed)
	var e *bmlb.EnsureError
	require.ErrorAs(t, err, &e)
	assert.Empty(t, e.InDoubt, "a failed task created nothing")
	assert.Zero(t, srv.ListenerCount("lb-1"))
}

// Someone else creates one of the listeners between the listing and the
// create: the -12013 answer sends Ensure back to the listing.
func TestEnsureBmListeners_DuplicateAnswerMeansAlreadyThere(t *testing.T) {
	srv := bmlbtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddLoadBalancer("lb-1")
	other, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()))
	require.NoError(t, err)
	race := &createFirst{next: http.DefaultTransport, other: other, req: ensureRequest(80)}
	c, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(srv.URL), bmlb.WithCredentials(srv.Credentials()),
		bmlb.WithHTTPClient(&http.Client{Transport: race}), quickWaits)
	require.NoError(t, err)
	res, err := c.EnsureBmListeners(context.Background(), ensureRequest(80, 81))
	require.NoError(t, err)
	assert.False(t, res.Listeners[0].Created, "the other client made it")
	assert.True(t, res.Listeners[1].Created)
	assert.Equal(t, 2, srv.ListenerCount("lb-1"))
}

// createFirst has other create req just before the first CreateBmListeners
// it forwards.
type createFirst struct {
	next  http.RoundTripper
	other *bmlb.Client
	req   *bmlb.CreateBmListenersRequest
	done  bool
}

func (c *createFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(b))
	if form.Get("Action") == "CreateBmListeners" && !c.done {
		c.done = true
		if _, err := c.other.CreateBmListeners(r.Context(), c.req); err != nil {
			return nil, err
		}
	}
	copied := r.Clone(r.Context())
	copied.Body = io.NopCloser(strings.NewReader(string(b)))
	return c.next.RoundTrip(copied)
}

func TestEnsureBmListeners_InvalidInputAndZeroClient(t *testing.T) {
	srv, c := newFake(t)
	_, err := c.EnsureBmListeners(context.Background(), &bmlb.CreateBmListenersRequest{LoadBalancerID: "lb-1"})
	var invalid *bmlb.ValidationError
	assert.ErrorAs(t, err, &invalid)
	assert.Zero(t, srv.Requests())
	_, err = (&bmlb.Client{}).EnsureBmListeners(context.Background(), ensureRequest(80))
	assert.ErrorContains(t, err, "bmlb.NewClient")
}
