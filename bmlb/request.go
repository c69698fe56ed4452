package bmlb

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/internal/lenient"
	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Protocol is a layer-4 listener protocol.
type Protocol string

// Protocols of black-stone layer-4 listeners.
const (
	ProtocolTCP Protocol = "tcp"
	ProtocolUDP Protocol = "udp"
)

// Values lists every Protocol.
func (Protocol) Values() []Protocol { return slices.Clone(protocolValues) }

var protocolValues = []Protocol{ProtocolTCP, ProtocolUDP}

// InputType is the kind of custom health-check content.
type InputType string

// Custom health-check content types.
const (
	InputTypeText        InputType = "text"
	InputTypeHexadecimal InputType = "hexadecimal"
)

// Values lists every InputType.
func (InputType) Values() []InputType { return slices.Clone(inputTypeValues) }

var inputTypeValues = []InputType{InputTypeText, InputTypeHexadecimal}

// Line separator replacements for text health-check content.
const (
	LineSeparatorLF   = 1
	LineSeparatorCR   = 2
	LineSeparatorLFCR = 3
)

// Listener is one listener to create. An int left at 0 is not sent (0 is
// outside each one's range); Bandwidth is a pointer because 0 Mbps is valid.
type Listener struct {
	// LoadBalancerPort is the listening port, 1..65535. Required.
	LoadBalancerPort int `url:"loadBalancerPort"`
	// Protocol is tcp or udp. Required.
	Protocol Protocol `url:"protocol"`
	// ListenerName names the listener. Required.
	ListenerName string `url:"listenerName"`
	// SessionExpire is the session persistence in seconds, 900..3600;
	// unset disables persistence.
	SessionExpire int `url:"sessionExpire,omitempty"`
	// HealthSwitch turns health checks on.
	HealthSwitch bool `url:"healthSwitch,int,omitempty"`
	// TimeOut is the health-check timeout in seconds, 2..60 (default 2),
	// less than IntervalTime.
	TimeOut int `url:"timeOut,omitempty"`
	// IntervalTime is the health-check interval in seconds, 5..300
	// (default 5).
	IntervalTime int `url:"intervalTime,omitempty"`
	// HealthNum is the healthy threshold, 2..10 (default 3).
	HealthNum int `url:"healthNum,omitempty"`
	// UnhealthNum is the unhealthy threshold, 2..10 (default 3).
	UnhealthNum int `url:"unhealthNum,omitempty"`
	// Bandwidth is the listener's bandwidth cap in Mbps, 0..1000, for
	// fixed-bandwidth billing.
	Bandwidth *int `url:"bandwidth,omitempty"`
	// CustomHealthSwitch turns a custom health check on. It takes effect
	// only with HealthSwitch; without it the service accepts and ignores it
	// (see Warnings).
	CustomHealthSwitch bool `url:"customHealthSwitch,int,omitempty"`
	// InputType is the custom check's content type, text or hexadecimal.
	InputType InputType `url:"inputType,omitempty"`
	// LineSeparatorType replaces line breaks of text content (1 LF, 2 CR,
	// 3 LF+CR). It applies only to InputType text; otherwise the service
	// ignores it (see Warnings).
	LineSeparatorType int `url:"lineSeparatorType,omitempty"`
	// HealthRequest is the custom check's request.
	HealthRequest string `url:"healthRequest,omitempty"`
	// HealthResponse is the custom check's expected answer.
	HealthResponse string `url:"healthResponse,omitempty"`
	// ToaFlag turns TOA on. It takes effect only on fullnat load balancers,
	// which the client cannot tell; elsewhere the service ignores it.
	ToaFlag bool `url:"toaFlag,int,omitempty"`
}

// CreateBmListenersRequest is the input of CreateBmListeners.
type CreateBmListenersRequest struct {
	// LoadBalancerID is the load balancer to add listeners to. Required.
	LoadBalancerID string
	// Listeners are the listeners to create, 1 to 50.
	Listeners []Listener
}

// CreateBmListenersResponse is the output of CreateBmListeners.
type CreateBmListenersResponse struct {
	Code     int    `json:"-"`
	Message  string `json:"message"`
	CodeDesc string `json:"codeDesc"`
	// TaskID is the asynchronous task's id (the wire's "requestId"): pass
	// it to WaitForTask or DescribeBmLoadBalancersTaskResult to learn the
	// outcome.
	TaskID int64 `json:"-"`
}

// UnmarshalJSON reads requestId as a number or a string.
func (r *CreateBmListenersResponse) UnmarshalJSON(b []byte) error {
	var w struct {
		Message  string      `json:"message"`
		CodeDesc string      `json:"codeDesc"`
		TaskID   lenient.Int `json:"requestId"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = CreateBmListenersResponse{Message: transport.Clip(w.Message), CodeDesc: transport.Clip(w.CodeDesc), TaskID: w.TaskID.N}
	if !w.TaskID.Set {
		r.TaskID = missingTaskID
	}
	return nil
}

// missingTaskID marks an answer without requestId (a task id is positive).
const missingTaskID = -1 << 63

func (r *CreateBmListenersResponse) checkAnswer() string {
	switch {
	case r.TaskID == missingTaskID:
		return "success answer without requestId"
	case r.TaskID <= 0:
		return "success answer whose requestId " + strconv.FormatInt(r.TaskID, 10) + " is not a task id (a positive integer)"
	}
	return ""
}

// Limits from the API page.
const (
	// MaxListeners is how many listeners a load balancer holds.
	MaxListeners     = 50
	defaultTimeOut   = 2
	defaultInterval  = 5
	requestTypeName  = "CreateBmListenersRequest"
	serviceNameShort = "bmlb"
)

// Validate checks every rule of the API page and returns all violations at
// once as a *ValidationError, or nil.
func (r *CreateBmListenersRequest) Validate() error {
	return public.Convert(r.validate())
}

func (r *CreateBmListenersRequest) validate() error {
	var v validate.Collector
	if r == nil {
		v.Add("CreateBmListenersRequest", ErrInvalidParameter, "request is nil")
		return v.Err(serviceNameShort, requestTypeName)
	}
	if r.LoadBalancerID == "" {
		v.Add("LoadBalancerID", ErrInvalidParameter, "is required")
	}
	switch n := len(r.Listeners); {
	case n == 0:
		v.Add("Listeners", ErrInvalidParameter, "at least one listener is required")
	case n > MaxListeners:
		v.Add("Listeners", ErrInvalidResourceListenerNumberOverLimit, "at most %d listeners per load balancer, got %d", MaxListeners, n)
	}
	type protocolPort struct {
		protocol Protocol
		port     int
	}
	seen := make(map[protocolPort]int, len(r.Listeners))
	for i := range r.Listeners {
		l := &r.Listeners[i]
		validateListener(&v, i, l)
		key := protocolPort{l.Protocol, l.LoadBalancerPort}
		if j, dup := seen[key]; dup {
			v.Add(listenerField(i, "LoadBalancerPort").String(), ErrInvalidParameterVportIsDuplicate,
				"%s port %d is also Listeners[%d]'s", l.Protocol, l.LoadBalancerPort, j)
		} else {
			seen[key] = i
		}
	}
	return v.Err(serviceNameShort, requestTypeName)
}

// listenerField names a field of Listeners[i]; its string is built only
// for a violation or a warning.
func listenerField(i int, field string) validate.Field {
	return validate.Field{List: "Listeners", Index: i, Name: field}
}

// inRange checks an optional field: 0 is unset, anything else within
// [lo, hi].
func inRange(v *validate.Collector, i int, field string, value, lo, hi int) {
	if value != 0 {
		v.Range(listenerField(i, field), ErrInvalidParameter, value, lo, hi)
	}
}

func validateListener(v *validate.Collector, i int, l *Listener) {
	v.Range(listenerField(i, "LoadBalancerPort"), ErrInvalidParameter, l.LoadBalancerPort, 1, 65535)
	if l.Protocol == "" {
		v.Add(listenerField(i, "Protocol").String(), ErrInvalidParameter, "is required (tcp or udp)")
	}
	validate.OneOf(v, listenerField(i, "Protocol"), ErrInvalidParameter, l.Protocol, protocolValues)
	if l.ListenerName == "" {
		v.Add(listenerField(i, "ListenerName").String(), ErrInvalidParameter, "is required")
	}
	inRange(v, i, "SessionExpire", l.SessionExpire, 900, 3600)
	inRange(v, i, "TimeOut", l.TimeOut, 2, 60)
	inRange(v, i, "IntervalTime", l.IntervalTime, 5, 300)
	inRange(v, i, "HealthNum", l.HealthNum, 2, 10)
	inRange(v, i, "UnhealthNum", l.UnhealthNum, 2, 10)
	// "响应超时时间要小于检查间隔时间", with the documented defaults for
	// whichever is unset.
	timeout, interval := l.TimeOut, l.IntervalTime
	if timeout == 0 {
		timeout = defaultTimeOut
	}
	if interval == 0 {
		interval = defaultInterval
	}
	if timeout >= interval {
		v.Add(listenerField(i, "TimeOut").String(), ErrInvalidParameter, "must be less than IntervalTime (%d), got %d", interval, timeout)
	}
	if l.Bandwidth != nil {
		v.Range(listenerField(i, "Bandwidth"), ErrInvalidParameter, *l.Bandwidth, 0, 1000)
	}
	inRange(v, i, "LineSeparatorType", l.LineSeparatorType, LineSeparatorLF, LineSeparatorLFCR)
	validate.OneOf(v, listenerField(i, "InputType"), ErrInvalidParameter, l.InputType, inputTypeValues)
	// The page's "takes effect only when" fields (a custom check needs
	// health checks on; the separator needs text content) are not
	// rejections: the service accepts and ignores them. Warnings reports
	// them. The page gives no format for hexadecimal content either.
}

// Warnings lists what the service accepts but, by the page, ignores or
// probably ignores: fields that take effect only with another one set.
// They are not errors (Validate passes them and the request is sent);
// read them to catch a setting that will do nothing.
func (r *CreateBmListenersRequest) Warnings() []string {
	if r == nil {
		return nil
	}
	var w []string
	for i := range r.Listeners {
		l := &r.Listeners[i]
		// "该字段在健康检查开启的情况下才生效"
		if l.CustomHealthSwitch && !l.HealthSwitch {
			w = append(w, listenerField(i, "CustomHealthSwitch").String()+": takes effect only with HealthSwitch (the page)")
		}
		// "探测内容类型为文本方式时"
		if l.LineSeparatorType != 0 && l.InputType != InputTypeText {
			w = append(w, listenerField(i, "LineSeparatorType").String()+": applies only to InputType text (the page)")
		}
		if !l.CustomHealthSwitch {
			for _, f := range []struct {
				name string
				set  bool
			}{{"InputType", l.InputType != ""}, {"HealthRequest", l.HealthRequest != ""}, {"HealthResponse", l.HealthResponse != ""}} {
				if f.set {
					w = append(w, listenerField(i, f.name).String()+": describes a custom health check, which is off (CustomHealthSwitch)")
				}
			}
		}
	}
	return w
}

// wireParams is the request as the service names its parameters.
type wireParams struct {
	LoadBalancerID string                      `url:"loadBalancerId"`
	Listeners      flatten.ZeroBased[Listener] `url:"listeners"`
}

func (r *CreateBmListenersRequest) params() (signing.Params, error) { return r.appendParams(nil) }

// appendParams flattens the request onto dst (a pooled list).
func (r *CreateBmListenersRequest) appendParams(dst signing.Params) (signing.Params, error) {
	return flatten.Append(dst, &wireParams{LoadBalancerID: r.LoadBalancerID, Listeners: r.Listeners})
}
