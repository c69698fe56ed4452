package bmlb

import (
	"encoding/hex"
	"encoding/json"
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
func (Protocol) Values() []Protocol { return []Protocol{ProtocolTCP, ProtocolUDP} }

// InputType is the kind of custom health-check content.
type InputType string

// Custom health-check content types.
const (
	InputTypeText        InputType = "text"
	InputTypeHexadecimal InputType = "hexadecimal"
)

// Values lists every InputType.
func (InputType) Values() []InputType { return []InputType{InputTypeText, InputTypeHexadecimal} }

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
	// CustomHealthSwitch turns a custom health check on; it needs
	// HealthSwitch.
	CustomHealthSwitch bool `url:"customHealthSwitch,int,omitempty"`
	// InputType is the custom check's content type; needs
	// CustomHealthSwitch.
	InputType InputType `url:"inputType,omitempty"`
	// LineSeparatorType replaces line breaks of text content (1 LF, 2 CR,
	// 3 LF+CR); needs InputType text.
	LineSeparatorType int `url:"lineSeparatorType,omitempty"`
	// HealthRequest is the custom check's request; needs CustomHealthSwitch.
	HealthRequest string `url:"healthRequest,omitempty"`
	// HealthResponse is the custom check's expected answer; needs
	// CustomHealthSwitch.
	HealthResponse string `url:"healthResponse,omitempty"`
	// ToaFlag turns TOA on (fullnat load balancers only).
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
			v.Add(listenerField(i, "LoadBalancerPort"), ErrInvalidParameterVportIsDuplicate,
				"%s port %d is also Listeners[%d]'s", l.Protocol, l.LoadBalancerPort, j)
		} else {
			seen[key] = i
		}
	}
	return v.Err(serviceNameShort, requestTypeName)
}

// listenerField names a field of Listeners[i]; built only for a violation.
func listenerField(i int, field string) string {
	return "Listeners[" + strconv.Itoa(i) + "]." + field
}

// inRange checks an optional field: 0 is unset, anything else within
// [lo, hi].
func inRange(v *validate.Collector, i int, field string, value, lo, hi int) {
	if value != 0 && (value < lo || value > hi) {
		v.Add(listenerField(i, field), ErrInvalidParameter, "must be %d..%d, got %d", lo, hi, value)
	}
}

func validateListener(v *validate.Collector, i int, l *Listener) {
	if l.LoadBalancerPort < 1 || l.LoadBalancerPort > 65535 {
		v.Add(listenerField(i, "LoadBalancerPort"), ErrInvalidParameter, "must be 1..65535, got %d", l.LoadBalancerPort)
	}
	if l.Protocol != ProtocolTCP && l.Protocol != ProtocolUDP {
		v.Add(listenerField(i, "Protocol"), ErrInvalidParameter, "must be tcp or udp, got %q", l.Protocol)
	}
	if l.ListenerName == "" {
		v.Add(listenerField(i, "ListenerName"), ErrInvalidParameter, "is required")
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
		v.Add(listenerField(i, "TimeOut"), ErrInvalidParameter, "must be less than IntervalTime (%d), got %d", interval, timeout)
	}
	if l.Bandwidth != nil && (*l.Bandwidth < 0 || *l.Bandwidth > 1000) {
		v.Add(listenerField(i, "Bandwidth"), ErrInvalidParameter, "must be 0..1000, got %d", *l.Bandwidth)
	}
	if l.LineSeparatorType != 0 && (l.LineSeparatorType < LineSeparatorLF || l.LineSeparatorType > LineSeparatorLFCR) {
		v.Add(listenerField(i, "LineSeparatorType"), ErrInvalidParameter, "must be 1, 2 or 3, got %d", l.LineSeparatorType)
	}
	if l.InputType != "" && l.InputType != InputTypeText && l.InputType != InputTypeHexadecimal {
		v.Add(listenerField(i, "InputType"), ErrInvalidParameter, "must be text or hexadecimal, got %q", l.InputType)
	}
	// The page: a custom check only takes effect with health checks on, and
	// the separator only for text; setting them where the service would
	// silently ignore them is a mistake.
	if l.CustomHealthSwitch && !l.HealthSwitch {
		v.Add(listenerField(i, "CustomHealthSwitch"), ErrInvalidParameter, "needs HealthSwitch")
	}
	if !l.CustomHealthSwitch {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"InputType", l.InputType != ""}, {"LineSeparatorType", l.LineSeparatorType != 0},
			{"HealthRequest", l.HealthRequest != ""}, {"HealthResponse", l.HealthResponse != ""},
		} {
			if f.set {
				v.Add(listenerField(i, f.name), ErrInvalidParameter, "needs CustomHealthSwitch")
			}
		}
	}
	if l.LineSeparatorType != 0 && l.InputType != InputTypeText {
		v.Add(listenerField(i, "LineSeparatorType"), ErrInvalidParameter, "applies only to InputType text")
	}
	if l.InputType == InputTypeHexadecimal {
		if _, err := hex.DecodeString(l.HealthRequest); err != nil {
			v.Add(listenerField(i, "HealthRequest"), ErrInvalidParameter, "must be hexadecimal: %v", err)
		}
		if _, err := hex.DecodeString(l.HealthResponse); err != nil {
			v.Add(listenerField(i, "HealthResponse"), ErrInvalidParameter, "must be hexadecimal: %v", err)
		}
	}
}

// wireParams is the request as the service names its parameters.
type wireParams struct {
	LoadBalancerID string                      `url:"loadBalancerId"`
	Listeners      flatten.ZeroBased[Listener] `url:"listeners"`
}

func (r *CreateBmListenersRequest) params() (signing.Params, error) {
	return flatten.Values(&wireParams{LoadBalancerID: r.LoadBalancerID, Listeners: r.Listeners})
}
