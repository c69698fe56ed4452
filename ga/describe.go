package ga

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/lenient"
	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
	"github.com/listenerkit/listenerkit-go/signing"
)

// ListenerState is a listener's state, as DescribeListener reports it.
type ListenerState string

// Listener states. Only ListenerStateActive is stable: a new listener is
// ListenerStateInit (only queries allowed) until it becomes active.
const (
	ListenerStateInit        ListenerState = "init"
	ListenerStateActive      ListenerState = "active"
	ListenerStateConfiguring ListenerState = "configuring"
	ListenerStateUpdating    ListenerState = "updating"
	ListenerStateDeleting    ListenerState = "deleting"
)

// Values lists every documented ListenerState. Older pages also show
// "creating"; it decodes as itself and, like every state but active, means
// "not yet".
func (ListenerState) Values() []ListenerState {
	return []ListenerState{ListenerStateInit, ListenerStateActive, ListenerStateConfiguring, ListenerStateUpdating, ListenerStateDeleting}
}

// AcceleratorState is an accelerator's state, as DescribeAccelerator
// reports it.
type AcceleratorState string

// Accelerator states. Listeners can be created only while it is
// AcceleratorStateActive.
const (
	AcceleratorStateInit        AcceleratorState = "init"
	AcceleratorStateActive      AcceleratorState = "active"
	AcceleratorStateConfiguring AcceleratorState = "configuring"
	AcceleratorStateBinding     AcceleratorState = "binding"
	AcceleratorStateUnbinding   AcceleratorState = "unbinding"
	AcceleratorStateDeleting    AcceleratorState = "deleting"
	// AcceleratorStateFinancialLocked is spelled "finacialLocked" on the
	// wire.
	AcceleratorStateFinancialLocked AcceleratorState = "finacialLocked"
)

// Values lists every AcceleratorState.
func (AcceleratorState) Values() []AcceleratorState {
	return []AcceleratorState{AcceleratorStateInit, AcceleratorStateActive, AcceleratorStateConfiguring, AcceleratorStateBinding,
		AcceleratorStateUnbinding, AcceleratorStateDeleting, AcceleratorStateFinancialLocked}
}

// DescribeListenerRequest is the input of DescribeListener.
type DescribeListenerRequest struct {
	// RegionID must be cn-hangzhou; empty means cn-hangzhou.
	RegionID string
	// ListenerID is the listener to describe. Required.
	ListenerID string
}

// ListenerCertificate is a certificate of an https listener.
type ListenerCertificate struct {
	ID   string
	Type string // e.g. "Server"
}

// DescribeListenerResponse is a listener as the service describes it.
// Decoding is lenient where the wire is: ports and CreateTime as numbers or
// strings, Protocol and State in any case, ClientAffinity "NONE" as empty.
// Fields the SDK does not model are ignored.
type DescribeListenerResponse struct {
	RequestID     string
	ListenerID    string
	AcceleratorID string
	Name          string
	Description   string
	State         ListenerState
	// CreateTime is when the listener was created (epoch milliseconds on
	// the wire), zero if the answer had none.
	CreateTime     time.Time
	Protocol       Protocol
	ClientAffinity ClientAffinity
	ProxyProtocol  bool
	PortRanges     []PortRange
	Certificates   []ListenerCertificate

	// The fields newer than the seed page, as the service reports them
	// (it fills in its defaults): zero when the answer has none.
	Type             ListenerType
	SecurityPolicyID SecurityPolicyID
	// XForwardedForConfig is nil when the answer has none (listeners that
	// are not http or https).
	XForwardedForConfig *XForwardedForConfig
	IdleTimeout         int
	RequestTimeout      int
	HTTPVersion         HTTPVersion
}

// UnmarshalJSON reads the wire form leniently.
func (r *DescribeListenerResponse) UnmarshalJSON(b []byte) error {
	var w struct {
		RequestID      string        `json:"RequestId"`
		ListenerID     string        `json:"ListenerId"`
		AcceleratorID  string        `json:"AcceleratorId"`
		Name           string        `json:"Name"`
		Description    string        `json:"Description"`
		State          lenient.Lower `json:"State"`
		CreateTime     lenient.Int   `json:"CreateTime"`
		Protocol       lenient.Lower `json:"Protocol"`
		ClientAffinity string        `json:"ClientAffinity"`
		ProxyProtocol  lenient.Bool  `json:"ProxyProtocol"`
		PortRanges     []struct {
			FromPort lenient.Int `json:"FromPort"`
			ToPort   lenient.Int `json:"ToPort"`
		} `json:"PortRanges"`
		Certificates []struct {
			ID   string `json:"Id"`
			Type string `json:"Type"`
		} `json:"Certificates"`
		Type                string        `json:"Type"`
		SecurityPolicyID    string        `json:"SecurityPolicyId"`
		IdleTimeout         lenient.Int   `json:"IdleTimeout"`
		RequestTimeout      lenient.Int   `json:"RequestTimeout"`
		HTTPVersion         lenient.Lower `json:"HttpVersion"`
		XForwardedForConfig *struct {
			XForwardedForGaIdEnabled  lenient.Bool `json:"XForwardedForGaIdEnabled"`
			XForwardedForGaApEnabled  lenient.Bool `json:"XForwardedForGaApEnabled"`
			XForwardedForProtoEnabled lenient.Bool `json:"XForwardedForProtoEnabled"`
			XForwardedForPortEnabled  lenient.Bool `json:"XForwardedForPortEnabled"`
			XRealIpEnabled            lenient.Bool `json:"XRealIpEnabled"`
		} `json:"XForwardedForConfig"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = DescribeListenerResponse{
		RequestID: w.RequestID, ListenerID: w.ListenerID, AcceleratorID: w.AcceleratorID, Name: w.Name,
		Description: w.Description, State: ListenerState(w.State), Protocol: Protocol(w.Protocol),
		ProxyProtocol: bool(w.ProxyProtocol),
		Type:          ListenerType(w.Type), SecurityPolicyID: SecurityPolicyID(w.SecurityPolicyID),
		IdleTimeout: int(w.IdleTimeout.N), RequestTimeout: int(w.RequestTimeout.N), HTTPVersion: HTTPVersion(w.HTTPVersion),
	}
	if x := w.XForwardedForConfig; x != nil {
		r.XForwardedForConfig = &XForwardedForConfig{XForwardedForGaIdEnabled: bool(x.XForwardedForGaIdEnabled),
			XForwardedForGaApEnabled: bool(x.XForwardedForGaApEnabled), XForwardedForProtoEnabled: bool(x.XForwardedForProtoEnabled),
			XForwardedForPortEnabled: bool(x.XForwardedForPortEnabled), XRealIpEnabled: bool(x.XRealIpEnabled)}
	}
	if w.CreateTime.Set {
		r.CreateTime = time.UnixMilli(w.CreateTime.N).UTC()
	}
	if a := ClientAffinity(w.ClientAffinity); a != "" && a != "NONE" {
		r.ClientAffinity = a
	}
	for _, pr := range w.PortRanges {
		r.PortRanges = append(r.PortRanges, PortRange{FromPort: int(pr.FromPort.N), ToPort: int(pr.ToPort.N)})
	}
	for _, c := range w.Certificates {
		r.Certificates = append(r.Certificates, ListenerCertificate(c))
	}
	return nil
}

func (r *DescribeListenerResponse) checkAnswer() string {
	if !transport.ValidID(r.ListenerID) || r.State == "" {
		return "describe answer without a usable ListenerId and State"
	}
	return ""
}

// DescribeAcceleratorRequest is the input of DescribeAccelerator.
type DescribeAcceleratorRequest struct {
	// RegionID must be cn-hangzhou; empty means cn-hangzhou.
	RegionID string
	// AcceleratorID is the accelerator to describe. Required.
	AcceleratorID string
}

// DescribeAcceleratorResponse is what the SDK reads of an accelerator.
type DescribeAcceleratorResponse struct {
	RequestID     string
	AcceleratorID string
	Name          string
	State         AcceleratorState
}

// UnmarshalJSON reads the wire form, State in any case but the wire's own
// "finacialLocked".
func (r *DescribeAcceleratorResponse) UnmarshalJSON(b []byte) error {
	var w struct {
		RequestID     string `json:"RequestId"`
		AcceleratorID string `json:"AcceleratorId"`
		Name          string `json:"Name"`
		State         string `json:"State"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = DescribeAcceleratorResponse{RequestID: w.RequestID, AcceleratorID: w.AcceleratorID, Name: w.Name, State: AcceleratorState(w.State)}
	for _, s := range r.State.Values() {
		if strings.EqualFold(string(s), w.State) {
			r.State = s
		}
	}
	return nil
}

func (r *DescribeAcceleratorResponse) checkAnswer() string {
	if r.State == "" {
		return "describe answer without State"
	}
	return ""
}

func regionOrDefault(region string) string {
	if region == "" {
		return DefaultRegionID
	}
	return region
}

// describe validates the one required id and the region of a describe
// call (action), sends it as a read and decodes the answer into a T.
func describe[T any](c *Client, ctx context.Context, action, idField, idParam, id, region string) (*T, error) {
	t, err := c.transport()
	if err != nil {
		return nil, err
	}
	var v validate.Collector
	if id == "" {
		v.Add(idField, ErrMissingParameter, "is required")
	}
	if region != "" && region != DefaultRegionID {
		v.Add("RegionID", ErrInvalidParameter, "must be %s, got %q", DefaultRegionID, region)
	}
	if err := v.Err(serviceNameShort, action+"Request"); err != nil {
		return nil, err
	}
	params := signing.Params{{Name: idParam, Value: id}, {Name: "RegionId", Value: regionOrDefault(region)}}
	var out T
	if err := t.DoRead(ctx, action, params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DescribeListener returns a listener's state and settings. A listener that
// does not exist is an *APIError matching ErrNotExistListener. The call
// changes nothing, so every transient failure is retried.
//
// API: https://api.aliyun.com/api/Ga/2019-11-20/DescribeListener
func (c *Client) DescribeListener(ctx context.Context, req *DescribeListenerRequest) (*DescribeListenerResponse, error) {
	out, err := c.describeListener(ctx, req)
	return out, public.Convert(err)
}

func (c *Client) describeListener(ctx context.Context, req *DescribeListenerRequest) (*DescribeListenerResponse, error) {
	if req == nil {
		req = &DescribeListenerRequest{}
	}
	return describe[DescribeListenerResponse](c, ctx, "DescribeListener", "ListenerID", "ListenerId", req.ListenerID, req.RegionID)
}

// DescribeAccelerator returns an accelerator's state. One that does not
// exist is an *APIError matching ErrNotExistAccelerator.
//
// API: https://api.aliyun.com/api/Ga/2019-11-20/DescribeAccelerator
func (c *Client) DescribeAccelerator(ctx context.Context, req *DescribeAcceleratorRequest) (*DescribeAcceleratorResponse, error) {
	out, err := c.describeAccelerator(ctx, req)
	return out, public.Convert(err)
}

func (c *Client) describeAccelerator(ctx context.Context, req *DescribeAcceleratorRequest) (*DescribeAcceleratorResponse, error) {
	if req == nil {
		req = &DescribeAcceleratorRequest{}
	}
	return describe[DescribeAcceleratorResponse](c, ctx, "DescribeAccelerator", "AcceleratorID", "AcceleratorId", req.AcceleratorID, req.RegionID)
}

// WaitUntilListenerActive polls DescribeListener until the listener is
// active and returns that answer. The first poll is at once, then with
// exponential backoff and jitter (WithWaiterDelays), for at most maxWait
// and within ctx. A poll that fails transiently (network, 5xx, throttling)
// is followed by another; a poll never creates anything.
//
// It fails with a *WaitError: errors.Is(err, ErrWaitTimedOut) when maxWait
// ran out (LastState says where the listener was), errors.Is(err,
// ErrNotExistListener) when the listener is gone, or the context's error.
func (c *Client) WaitUntilListenerActive(ctx context.Context, listenerID string, maxWait time.Duration) (*DescribeListenerResponse, error) {
	out, err := c.waitUntilListenerActive(ctx, listenerID, maxWait)
	return out, public.Convert(err)
}

func (c *Client) waitUntilListenerActive(ctx context.Context, listenerID string, maxWait time.Duration) (*DescribeListenerResponse, error) {
	t, err := c.transport()
	if err != nil {
		return nil, err
	}
	if listenerID == "" {
		return c.describeListener(ctx, &DescribeListenerRequest{}) // the validation error; nothing is sent
	}
	var last *DescribeListenerResponse
	w := t.Waiter("listener "+listenerID, string(ListenerStateActive), maxWait)
	w.Transient = transient
	w.Poll = func(ctx context.Context) (string, bool, error) {
		d, err := c.describeListener(ctx, &DescribeListenerRequest{ListenerID: listenerID})
		if err != nil {
			return "", false, err
		}
		last = d
		return string(d.State), d.State == ListenerStateActive, nil
	}
	if err := w.Wait(ctx); err != nil {
		return nil, err
	}
	return last, nil
}

// CreateListenerAndWait creates a listener and waits until it is active,
// for at most maxWait: the common case in one call. It returns the active
// listener as DescribeListener reports it. A failed create returns the
// create's error (with its ClientToken: send again with it, nothing is
// created twice); a failed wait returns a *WaitError, the listener having
// been created (its id in the error's Resource).
func (c *Client) CreateListenerAndWait(ctx context.Context, req *CreateListenerRequest, maxWait time.Duration) (*DescribeListenerResponse, error) {
	if maxWait <= 0 {
		return nil, errors.New("ga: CreateListenerAndWait: maximum wait " + maxWait.String() + ": must be positive")
	}
	created, err := c.CreateListener(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.WaitUntilListenerActive(ctx, created.ListenerID, maxWait)
}

// transient reports errors after which polling (or sending a safe call)
// again may pass: the transport's, and GA's throttling codes.
func transient(err error) bool {
	var e *APIError
	if errors.As(err, &e) && (isThrottling(e.Code) || e.Code == ErrServiceUnavailable) {
		return true
	}
	return transport.Transient(err)
}

// isThrottling: Throttling and its variants (Throttling.User, ...).
func isThrottling(code ErrorCode) bool {
	return code == ErrThrottling || strings.HasPrefix(string(code), string(ErrThrottling)+".")
}
