package bmlb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/lenient"
	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
	"github.com/listenerkit/listenerkit-go/signing"
)

// TaskStatus is an asynchronous task's state (the wire's data.status).
type TaskStatus int

// Task states.
const (
	TaskSucceeded TaskStatus = 0
	TaskFailed    TaskStatus = 1
	TaskRunning   TaskStatus = 2
)

// Values lists every TaskStatus.
func (TaskStatus) Values() []TaskStatus { return []TaskStatus{TaskSucceeded, TaskFailed, TaskRunning} }

// String names the status.
func (s TaskStatus) String() string {
	switch s {
	case TaskSucceeded:
		return "succeeded"
	case TaskFailed:
		return "failed"
	case TaskRunning:
		return "running"
	}
	return "TaskStatus(" + strconv.Itoa(int(s)) + ")"
}

// TaskResult is the output of DescribeBmLoadBalancersTaskResult.
type TaskResult struct {
	TaskID int64
	Status TaskStatus
}

type taskAnswer struct {
	Data *struct {
		Status lenient.Int `json:"status"`
	} `json:"data"`
}

func (a *taskAnswer) checkAnswer() string {
	if a.Data == nil || !a.Data.Status.Set {
		return "task answer without data.status"
	}
	if s := TaskStatus(a.Data.Status.N); s < TaskSucceeded || s > TaskRunning {
		return "task answer with an unknown data.status " + strconv.FormatInt(a.Data.Status.N, 10)
	}
	return ""
}

// ErrTaskFailed is matched (errors.Is) by a *TaskFailedError.
var ErrTaskFailed = errors.New("bmlb: task failed")

// TaskFailedError is a task the service reports failed: a failed create
// task created none of its listeners.
type TaskFailedError struct{ TaskID int64 }

// Error names the task.
func (e *TaskFailedError) Error() string { return fmt.Sprintf("bmlb: task %d failed", e.TaskID) }

// Is makes errors.Is(err, ErrTaskFailed) hold.
func (e *TaskFailedError) Is(target error) bool { return target == ErrTaskFailed }

// DescribeBmLoadBalancersTaskResult returns an asynchronous task's status,
// on the task endpoint (WithTaskEndpoint; by default the client's own). The
// call changes nothing, so every transient failure is retried.
//
// API: https://cloud.tencent.com/document/product/386/9308
func (c *Client) DescribeBmLoadBalancersTaskResult(ctx context.Context, taskID int64) (*TaskResult, error) {
	out, err := c.describeTaskResult(ctx, taskID)
	return out, public.Convert(err)
}

func (c *Client) describeTaskResult(ctx context.Context, taskID int64) (*TaskResult, error) {
	if c == nil || c.t == nil {
		return nil, errNotMade
	}
	if taskID <= 0 {
		var v validate.Collector
		v.Add("taskID", ErrInvalidParameter, "must be a task id (positive), got %d", taskID)
		return nil, v.Err(serviceNameShort, "DescribeBmLoadBalancersTaskResult")
	}
	var out taskAnswer
	if err := c.tasks.DoRead(ctx, "DescribeBmLoadBalancersTaskResult", signing.Params{{Name: "requestId", Value: strconv.FormatInt(taskID, 10)}}, &out); err != nil {
		return nil, err
	}
	return &TaskResult{TaskID: taskID, Status: TaskStatus(out.Data.Status.N)}, nil
}

// WaitForTask polls DescribeBmLoadBalancersTaskResult until the task is no
// longer running: nil when it succeeded, a *WaitError wrapping a
// *TaskFailedError (errors.Is(err, ErrTaskFailed)) when it failed, or one
// matching ErrWaitTimedOut when maxWait ran out (or the context's error).
// The first poll is at once, then with backoff and jitter
// (WithWaiterDelays); transient failures of a poll are polled through.
func (c *Client) WaitForTask(ctx context.Context, taskID int64, maxWait time.Duration) error {
	return public.Convert(c.waitForTask(ctx, taskID, maxWait))
}

func (c *Client) waitForTask(ctx context.Context, taskID int64, maxWait time.Duration) error {
	if c == nil || c.t == nil {
		return errNotMade
	}
	w := c.t.Waiter("task "+strconv.FormatInt(taskID, 10), TaskSucceeded.String(), maxWait)
	w.Transient = transientRead
	w.Poll = func(ctx context.Context) (string, bool, error) {
		r, err := c.describeTaskResult(ctx, taskID)
		switch {
		case err != nil:
			return "", false, err
		case r.Status == TaskFailed:
			return r.Status.String(), false, &TaskFailedError{TaskID: taskID}
		}
		return r.Status.String(), r.Status == TaskSucceeded, nil
	}
	return w.Wait(ctx)
}

// transientRead reports the errors after which a read (a describe, a
// poll) may pass when sent again: the transport's, rate limits, and the
// service's internal errors (a read changes nothing).
func transientRead(err error) bool {
	return transport.Transient(err) || errors.Is(err, ErrQuotaExceeded) || errors.Is(err, ErrInternalError) || errors.Is(err, ErrAPIUnavailable)
}

// ListenerStatus is a listener's state, as DescribeBmListeners reports it.
type ListenerStatus int

// Listener states.
const (
	ListenerCreating     ListenerStatus = 0
	ListenerRunning      ListenerStatus = 1
	ListenerCreateFailed ListenerStatus = 2
	ListenerDeleting     ListenerStatus = 3
	ListenerDeleteFailed ListenerStatus = 4
)

// Values lists every ListenerStatus.
func (ListenerStatus) Values() []ListenerStatus {
	return []ListenerStatus{ListenerCreating, ListenerRunning, ListenerCreateFailed, ListenerDeleting, ListenerDeleteFailed}
}

// String names the status.
func (s ListenerStatus) String() string {
	switch s {
	case ListenerCreating:
		return "creating"
	case ListenerRunning:
		return "running"
	case ListenerCreateFailed:
		return "creation failed"
	case ListenerDeleting:
		return "deleting"
	case ListenerDeleteFailed:
		return "deletion failed"
	}
	return "ListenerStatus(" + strconv.Itoa(int(s)) + ")"
}

// DescribeBmListenersRequest is the input of DescribeBmListeners.
type DescribeBmListenersRequest struct {
	// LoadBalancerID is the load balancer whose listeners to list. Required.
	LoadBalancerID string
	// ListenerIDs narrows the list to these listeners; empty lists all.
	ListenerIDs []string
}

// DescribedListener is a listener as DescribeBmListeners reports it: every
// field of the answer, switches as bools.
type DescribedListener struct {
	ListenerID         string
	ListenerName       string
	Protocol           Protocol
	LoadBalancerPort   int
	Bandwidth          int
	ListenerType       string // e.g. "L4Listener"
	SessionExpire      int
	HealthSwitch       bool
	TimeOut            int
	IntervalTime       int
	HealthNum          int
	UnhealthNum        int
	CustomHealthSwitch bool
	InputType          InputType
	LineSeparatorType  int
	HealthRequest      string
	HealthResponse     string
	ToaFlag            bool
	Status             ListenerStatus
	// AddTimestamp is when the listener was added. The wire gives local
	// time without a zone ("2017-04-19 22:07:11"); it is read as China
	// Standard Time (UTC+8), where the service runs. Zero if absent or
	// unreadable.
	AddTimestamp time.Time
}

// chinaStandardTime is UTC+8 without DST, as the service's local times are.
var chinaStandardTime = time.FixedZone("CST", 8*60*60)

// UnmarshalJSON reads one listenerSet entry leniently: numbers as numbers
// or strings, switches as 0/1 or booleans, protocol in any case.
func (l *DescribedListener) UnmarshalJSON(b []byte) error {
	var w struct {
		ListenerID         string        `json:"listenerId"`
		ListenerName       string        `json:"listenerName"`
		Protocol           lenient.Lower `json:"protocol"`
		LoadBalancerPort   lenient.Int   `json:"loadBalancerPort"`
		Bandwidth          lenient.Int   `json:"bandwidth"`
		ListenerType       string        `json:"listenerType"`
		SessionExpire      lenient.Int   `json:"sessionExpire"`
		HealthSwitch       lenient.Bool  `json:"healthSwitch"`
		TimeOut            lenient.Int   `json:"timeOut"`
		IntervalTime       lenient.Int   `json:"intervalTime"`
		HealthNum          lenient.Int   `json:"healthNum"`
		UnhealthNum        lenient.Int   `json:"unhealthNum"`
		CustomHealthSwitch lenient.Bool  `json:"customHealthSwitch"`
		InputType          lenient.Lower `json:"inputType"`
		LineSeparatorType  lenient.Int   `json:"lineSeparatorType"`
		HealthRequest      string        `json:"healthRequest"`
		HealthResponse     string        `json:"healthResponse"`
		ToaFlag            lenient.Bool  `json:"toaFlag"`
		Status             lenient.Int   `json:"status"`
		AddTimestamp       string        `json:"addTimestamp"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = DescribedListener{
		ListenerID: w.ListenerID, ListenerName: w.ListenerName, Protocol: Protocol(w.Protocol),
		LoadBalancerPort: int(w.LoadBalancerPort.N), Bandwidth: int(w.Bandwidth.N), ListenerType: w.ListenerType,
		SessionExpire: int(w.SessionExpire.N), HealthSwitch: bool(w.HealthSwitch), TimeOut: int(w.TimeOut.N),
		IntervalTime: int(w.IntervalTime.N), HealthNum: int(w.HealthNum.N), UnhealthNum: int(w.UnhealthNum.N),
		CustomHealthSwitch: bool(w.CustomHealthSwitch), InputType: InputType(w.InputType),
		LineSeparatorType: int(w.LineSeparatorType.N), HealthRequest: w.HealthRequest, HealthResponse: w.HealthResponse,
		ToaFlag: bool(w.ToaFlag), Status: ListenerStatus(w.Status.N),
	}
	if t, err := time.ParseInLocation(time.DateTime, w.AddTimestamp, chinaStandardTime); err == nil {
		l.AddTimestamp = t
	}
	return nil
}

// DescribeBmListenersResponse is the output of DescribeBmListeners.
type DescribeBmListenersResponse struct {
	TotalCount int
	Listeners  []DescribedListener
}

// UnmarshalJSON reads totalCount and listenerSet.
func (r *DescribeBmListenersResponse) UnmarshalJSON(b []byte) error {
	var w struct {
		TotalCount  lenient.Int         `json:"totalCount"`
		ListenerSet []DescribedListener `json:"listenerSet"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = DescribeBmListenersResponse{TotalCount: int(w.TotalCount.N), Listeners: w.ListenerSet}
	return nil
}

func (r *DescribeBmListenersResponse) checkAnswer() string {
	for _, l := range r.Listeners {
		if !transport.ValidID(l.ListenerID) || l.LoadBalancerPort < 1 || l.LoadBalancerPort > 65535 {
			return "listener without a usable listenerId and loadBalancerPort"
		}
	}
	return ""
}

// DescribeBmListeners lists a load balancer's listeners (all, or those in
// ListenerIDs). The API has no filter by port or protocol: list and match.
// The call changes nothing, so every transient failure is retried.
//
// API: https://cloud.tencent.com/document/product/386/9296
func (c *Client) DescribeBmListeners(ctx context.Context, req *DescribeBmListenersRequest) (*DescribeBmListenersResponse, error) {
	out, err := c.describeBmListeners(ctx, req)
	return out, public.Convert(err)
}

func (c *Client) describeBmListeners(ctx context.Context, req *DescribeBmListenersRequest) (*DescribeBmListenersResponse, error) {
	if c == nil || c.t == nil {
		return nil, errNotMade
	}
	if req == nil || req.LoadBalancerID == "" {
		var v validate.Collector
		v.Add("LoadBalancerID", ErrInvalidParameter, "is required")
		return nil, v.Err(serviceNameShort, "DescribeBmListenersRequest")
	}
	params := signing.Params{{Name: "loadBalancerId", Value: req.LoadBalancerID}}
	for i, id := range req.ListenerIDs {
		params = append(params, signing.Param{Name: "listenerIds." + strconv.Itoa(i), Value: id})
	}
	var out DescribeBmListenersResponse
	if err := c.t.DoRead(ctx, "DescribeBmListeners", params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
