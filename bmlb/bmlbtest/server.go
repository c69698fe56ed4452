package bmlbtest

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/internal/faults"
	"github.com/listenerkit/listenerkit-go/internal/replay"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Default credentials the fake accepts unless WithCredentials says otherwise.
const (
	DefaultSecretID  = "AKIDbmlbtestSecretID0001"
	DefaultSecretKey = "bmlbtest-secret-key-0001"
)

// Load balancer statuses (as DescribeBmLoadBalancers reports them); only
// StatusRunning accepts listeners.
const (
	StatusCreating = 0
	StatusRunning  = 1
)

// MaxClockSkew is how far a request's Timestamp may be from the fake's clock.
const MaxClockSkew = 5 * time.Minute

// Path is the endpoint's path; URL includes it.
const Path = "/v2/index.php"

// Listener is a listener the fake holds, with every field of the request
// that created it, as sent.
type Listener struct {
	LoadBalancerID string
	ListenerID     string
	Port           int
	Protocol       string
	Name           string
	TaskID         int64
	// Fields holds every listeners.n.* field the request sent, by its wire
	// name (healthSwitch, timeOut, healthRequest...).
	Fields map[string]string
	// Status follows the listener's task: bmlb.ListenerCreating while it
	// runs, then bmlb.ListenerRunning (a failed task removes its listeners).
	Status  bmlb.ListenerStatus
	Created time.Time
}

// Accepted is one request the fake accepted: its action and every
// parameter but the signature's own (SecretId, Signature, Nonce, Token...).
type Accepted struct {
	Action string
	Params url.Values
}

// DefaultTaskDuration is how long a create task runs unless
// WithTaskDuration says otherwise.
const DefaultTaskDuration = 50 * time.Millisecond

type task struct {
	id             int64
	loadBalancerID string
	done           time.Time
	fail           bool
	status         bmlb.TaskStatus
}

// Server is a fake BMLB 2.0 service over httptest. Safe for concurrent use.
type Server struct {
	// URL is the full endpoint, path included, for bmlb.WithEndpoint.
	URL string

	srv    *httptest.Server
	id     string
	secret string
	now    func() time.Time
	faults *faults.Plan
	nonces *replay.Guard

	taskDuration time.Duration

	mu            sync.Mutex
	loadBalancers map[string]*loadBalancer
	nextTask      int64
	tasks         map[int64]*task
	failTasks     int
	failRate      float64
	failRNG       *mrand.Rand
	accepted      []Accepted
}

type loadBalancer struct {
	status    int
	listeners []*Listener
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the SecretId and SecretKey the fake accepts.
func WithCredentials(id, secret string) Option {
	return func(s *Server) { s.id, s.secret = id, secret }
}

// WithClock replaces the fake's clock (for Timestamp checks and tasks).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTaskDuration sets how long a create task runs before it succeeds
// (or fails, see FailNextTasks); default DefaultTaskDuration.
func WithTaskDuration(d time.Duration) Option { return func(s *Server) { s.taskDuration = d } }

// NewServer starts a fake BMLB service on a loopback port. Close it when
// done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		id:            DefaultSecretID,
		secret:        DefaultSecretKey,
		now:           time.Now,
		loadBalancers: map[string]*loadBalancer{},
		nonces:        replay.NewGuard(2 * MaxClockSkew),
		nextTask:      100000,
		tasks:         map[int64]*task{},
		taskDuration:  DefaultTaskDuration,
	}
	s.faults = faults.NewPlan(faults.Answers{
		ServerError: func() faults.Answer {
			return faults.Answer{Status: http.StatusBadGateway, ContentType: "text/html",
				Body: []byte("<html><body><h1>502 Bad Gateway</h1></body></html>")}
		},
		Throttle: func() faults.Answer {
			return errorAnswer(&apiError{code: bmlb.ErrQuotaExceeded, message: "请求的次数超过了频率限制"})
		},
	})
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) { s.faults.Serve(w, r, s.answer) })
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + Path
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Credentials returns a provider of the credentials the fake accepts.
func (s *Server) Credentials() signing.CredentialsProvider {
	return signing.NewStaticCredentials(s.id, s.secret, "")
}

// AddLoadBalancer adds a running load balancer.
func (s *Server) AddLoadBalancer(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.loadBalancers[id]; !ok {
		s.loadBalancers[id] = &loadBalancer{status: StatusRunning}
	}
}

// SetLoadBalancerStatus sets a load balancer's status (StatusRunning,
// StatusCreating, ...), adding it if it is unknown.
func (s *Server) SetLoadBalancerStatus(id string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lb, ok := s.loadBalancers[id]
	if !ok {
		lb = &loadBalancer{}
		s.loadBalancers[id] = lb
	}
	lb.status = status
}

// FailNextTasks makes the next n create tasks fail when they end: their
// listeners are removed, as a failed task creates nothing.
func (s *Server) FailNextTasks(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failTasks += n
}

// SetRandomTaskFailures makes each create task fail with probability
// rate, drawn from a generator seeded with seed so a run can be repeated.
func (s *Server) SetRandomTaskFailures(rate float64, seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRate, s.failRNG = rate, mrand.New(mrand.NewPCG(seed, seed^0x5eed))
}

// ListenerCount is how many listeners the load balancer holds now (those
// of running tasks included).
func (s *Server) ListenerCount(loadBalancerID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.now())
	if lb, ok := s.loadBalancers[loadBalancerID]; ok {
		return len(lb.listeners)
	}
	return 0
}

// Listeners returns copies of the load balancer's listeners, oldest first.
func (s *Server) Listeners(loadBalancerID string) []Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.now())
	lb, ok := s.loadBalancers[loadBalancerID]
	if !ok {
		return nil
	}
	out := make([]Listener, len(lb.listeners))
	for i, l := range lb.listeners {
		out[i] = *l
		out[i].Fields = make(map[string]string, len(l.Fields))
		for k, v := range l.Fields {
			out[i].Fields[k] = v
		}
	}
	return out
}

// Accepted returns the requests the fake accepted, oldest first.
func (s *Server) Accepted() []Accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Accepted, len(s.accepted))
	for i, a := range s.accepted {
		params := make(url.Values, len(a.Params))
		for k, v := range a.Params {
			params[k] = append([]string(nil), v...)
		}
		out[i] = Accepted{Action: a.Action, Params: params}
	}
	return out
}

// signatureParams are the common parameters Accepted leaves out.
var signatureParams = []string{"SecretId", "Signature", "SignatureMethod", "Nonce", "Timestamp", "Token", "Action"}

// accept records an accepted request; the caller holds s.mu.
func (s *Server) accept(form url.Values) {
	kept := make(url.Values, len(form))
	for k, v := range form {
		kept[k] = append([]string(nil), v...)
	}
	for _, name := range signatureParams {
		delete(kept, name)
	}
	s.accepted = append(s.accepted, Accepted{Action: form.Get("Action"), Params: kept})
}

// settle ends the tasks whose time has come: their listeners run, or go
// away when the task fails. The caller holds s.mu.
func (s *Server) settle(now time.Time) {
	for _, t := range s.tasks {
		if t.status != bmlb.TaskRunning || now.Before(t.done) {
			continue
		}
		lb := s.loadBalancers[t.loadBalancerID]
		if t.fail {
			t.status = bmlb.TaskFailed
			kept := lb.listeners[:0]
			for _, l := range lb.listeners {
				if l.TaskID != t.id {
					kept = append(kept, l)
				}
			}
			lb.listeners = kept
			continue
		}
		t.status = bmlb.TaskSucceeded
		for _, l := range lb.listeners {
			if l.TaskID == t.id {
				l.Status = bmlb.ListenerRunning
			}
		}
	}
}

// Requests is how many HTTP requests reached the fake.
func (s *Server) Requests() int { return s.faults.Requests() }

// apiError is an error answer: the code in "code", its codeDesc, the
// message.
type apiError struct {
	code    bmlb.ErrorCode
	desc    string
	message string
}

// fail answers code as the service does: a page's code under its common
// code, with the page's code as the message's "(NNNN)" prefix.
func fail(code bmlb.ErrorCode, format string, args ...any) *apiError {
	prefix := ""
	if code.Common() != code {
		prefix = "(" + strconv.Itoa(int(code)) + ")"
	}
	return &apiError{code: code.Common(), desc: code.Desc(), message: prefix + fmt.Sprintf(format, args...)}
}

// errorAnswer is a 2.0 error: HTTP 200 with a non-zero code.
func errorAnswer(e *apiError) faults.Answer {
	body, _ := json.Marshal(map[string]any{"code": int(e.code), "message": e.message, "codeDesc": e.desc})
	return faults.Answer{Status: http.StatusOK, Body: body}
}

// answer is the fake's reply to one request, for faults.Plan.Serve.
func (s *Server) answer(r *http.Request) faults.Answer {
	if err := r.ParseForm(); err != nil {
		return errorAnswer(fail(bmlb.ErrInvalidRequest, "the request could not be parsed"))
	}
	answer, applied, e := s.handle(r)
	if e != nil {
		return errorAnswer(e)
	}
	answer["code"], answer["message"], answer["codeDesc"] = 0, "", "Success"
	body, _ := json.Marshal(answer)
	return faults.Answer{Status: http.StatusOK, Body: body, Applied: applied}
}

func (s *Server) handle(r *http.Request) (answer map[string]any, applied bool, e *apiError) {
	form := r.Form
	if e := s.authenticate(r.Method, r.Host, r.URL.Path, form); e != nil {
		return nil, false, e
	}
	switch action := form.Get("Action"); action {
	case "CreateBmListeners":
		listeners, e := parseListeners(form)
		if e != nil {
			return nil, false, e
		}
		taskID, e := s.apply(form, listeners)
		if e != nil {
			return nil, false, e
		}
		return map[string]any{"requestId": taskID}, true, nil
	case "DescribeBmListeners":
		answer, e := s.describeListeners(form)
		return answer, false, e
	case "DescribeBmLoadBalancersTaskResult":
		answer, e := s.taskResult(form)
		return answer, false, e
	default:
		return nil, false, fail(bmlb.ErrInvalidRequest, "(100001)action %q is not supported", action)
	}
}

// describeListeners answers DescribeBmListeners in the documented shape.
func (s *Server) describeListeners(form url.Values) (map[string]any, *apiError) {
	id := form.Get("loadBalancerId")
	if id == "" {
		return nil, fail(bmlb.ErrInvalidParameter, "loadBalancerId is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.now())
	lb, ok := s.loadBalancers[id]
	if !ok {
		return nil, fail(bmlb.ErrInvalidParameterCCDBLBNotExist, "CCDB中不存在该负载均衡记录信息")
	}
	s.accept(form)
	only := map[string]bool{}
	for key, values := range form {
		if strings.HasPrefix(key, "listenerIds.") {
			only[values[0]] = true
		}
	}
	set := []map[string]any{}
	for _, l := range lb.listeners {
		if len(only) > 0 && !only[l.ListenerID] {
			continue
		}
		num := func(field string, dflt int) int {
			if n, err := strconv.Atoi(l.Fields[field]); err == nil {
				return n
			}
			return dflt
		}
		set = append(set, map[string]any{
			"listenerId": l.ListenerID, "listenerName": l.Name, "protocol": l.Protocol, "loadBalancerPort": l.Port,
			"bandwidth": num("bandwidth", 0), "listenerType": "L4Listener", "sessionExpire": num("sessionExpire", 0),
			"healthSwitch": num("healthSwitch", 0), "timeOut": num("timeOut", 2), "intervalTime": num("intervalTime", 5),
			"healthNum": num("healthNum", 3), "unhealthNum": num("unhealthNum", 3), "customHealthSwitch": num("customHealthSwitch", 0),
			"inputType": l.Fields["inputType"], "lineSeparatorType": num("lineSeparatorType", 0),
			"healthRequest": l.Fields["healthRequest"], "healthResponse": l.Fields["healthResponse"],
			"toaFlag": num("toaFlag", 0), "status": int(l.Status),
			"addTimestamp": l.Created.In(chinaStandardTime).Format(time.DateTime),
		})
	}
	return map[string]any{"totalCount": len(set), "listenerSet": set}, nil
}

// chinaStandardTime is the service's local time, UTC+8.
var chinaStandardTime = time.FixedZone("CST", 8*60*60)

// taskResult answers DescribeBmLoadBalancersTaskResult.
func (s *Server) taskResult(form url.Values) (map[string]any, *apiError) {
	id, err := strconv.ParseInt(form.Get("requestId"), 10, 64)
	if err != nil {
		return nil, fail(bmlb.ErrInvalidParameter, "requestId is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.now())
	t, ok := s.tasks[id]
	if !ok {
		return nil, fail(bmlb.ErrInvalidParameter, "task %d does not exist", id)
	}
	s.accept(form)
	return map[string]any{"data": map[string]any{"status": int(t.status)}}, nil
}

func (s *Server) authenticate(method, host, path string, form url.Values) *apiError {
	for _, name := range []string{"Action", "Timestamp", "Nonce", "SecretId", "Signature"} {
		if form.Get(name) == "" {
			return fail(bmlb.ErrInvalidRequest, "(100002)%s is required", name)
		}
	}
	if form.Get("Region") == "" {
		return fail(bmlb.ErrInvalidRequest, "(100002)Region is required")
	}
	if form.Get("SecretId") != s.id {
		return &apiError{code: 4104, desc: "AuthFailure.SecretIdNotFound", message: "SecretId does not exist"}
	}
	method2 := form.Get("SignatureMethod") // absent: HmacSHA1, as the service does
	want := signing.TencentV2Signature(method, host, path, signing.ParamsFromValues(form), s.secret, method2)
	if !hmac.Equal([]byte(want), []byte(form.Get("Signature"))) {
		return &apiError{code: bmlb.ErrAuthFailure, desc: "AuthFailure.SignatureFailure", message: "signature verification failed"}
	}
	ts, err := strconv.ParseInt(form.Get("Timestamp"), 10, 64)
	now := s.now()
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > MaxClockSkew {
		return fail(bmlb.ErrReplayAttack, "Timestamp is too far from the server's time")
	}
	nonce := form.Get("Nonce")
	if n, err := strconv.ParseInt(nonce, 10, 64); err != nil || n <= 0 {
		return fail(bmlb.ErrInvalidRequest, "Nonce must be a positive integer")
	}
	if !s.nonces.Fresh(nonce, now) {
		return fail(bmlb.ErrReplayAttack, "Nonce was used already")
	}
	return nil
}

var listenerKey = regexp.MustCompile(`^listeners\.(\d+)\.(\w+)$`)

// parseListeners applies the API page's rules to listeners.n.*, in the
// service's way: the first broken rule is the answer.
func parseListeners(form url.Values) ([]map[string]string, *apiError) {
	if form.Get("loadBalancerId") == "" {
		return nil, fail(bmlb.ErrInvalidParameter, "loadBalancerId is required")
	}
	byIndex := map[int]map[string]string{}
	for key, values := range form {
		m := listenerKey.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if byIndex[n] == nil {
			byIndex[n] = map[string]string{}
		}
		byIndex[n][m[2]] = values[0]
	}
	if len(byIndex) == 0 {
		return nil, fail(bmlb.ErrInvalidParameter, "listeners is required")
	}
	if len(byIndex) > bmlb.MaxListeners {
		return nil, fail(bmlb.ErrInvalidResourceListenerNumberOverLimit, "too many listeners")
	}
	listeners := make([]map[string]string, len(byIndex))
	seen := map[string]bool{}
	for i := range listeners {
		l, ok := byIndex[i]
		if !ok {
			return nil, fail(bmlb.ErrInvalidParameter, "listeners.%d is missing", i)
		}
		if e := checkListener(i, l); e != nil {
			return nil, e
		}
		key := l["protocol"] + "/" + l["loadBalancerPort"]
		if seen[key] {
			return nil, fail(bmlb.ErrInvalidParameterVportIsDuplicate, "该负载均衡已经存在该端口的监听器")
		}
		seen[key] = true
		listeners[i] = l
	}
	return listeners, nil
}

func checkListener(i int, l map[string]string) *apiError {
	bad := func(field string) *apiError {
		return fail(bmlb.ErrInvalidParameter, "listeners.%d.%s is invalid", i, field)
	}
	intIn := func(field string, lo, hi, dflt int) (int, *apiError) {
		v, ok := l[field]
		if !ok {
			return dflt, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return 0, bad(field)
		}
		return n, nil
	}
	if _, e := intIn("loadBalancerPort", 1, 65535, -1); e != nil || l["loadBalancerPort"] == "" {
		return bad("loadBalancerPort")
	}
	if p := l["protocol"]; p != "tcp" && p != "udp" {
		return bad("protocol")
	}
	if l["listenerName"] == "" {
		return bad("listenerName")
	}
	ranges := []struct {
		field        string
		lo, hi, dflt int
	}{
		{"sessionExpire", 900, 3600, 0}, {"healthSwitch", 0, 1, 0}, {"timeOut", 2, 60, 2}, {"intervalTime", 5, 300, 5},
		{"healthNum", 2, 10, 3}, {"unhealthNum", 2, 10, 3}, {"bandwidth", 0, 1000, 0},
		{"customHealthSwitch", 0, 1, 0}, {"lineSeparatorType", 1, 3, 0}, {"toaFlag", 0, 1, 0},
	}
	values := map[string]int{}
	for _, r := range ranges {
		n, e := intIn(r.field, r.lo, r.hi, r.dflt)
		if e != nil {
			return e
		}
		values[r.field] = n
	}
	if values["timeOut"] >= values["intervalTime"] {
		return bad("timeOut")
	}
	if t := l["inputType"]; t != "" && t != "text" && t != "hexadecimal" {
		return bad("inputType")
	}
	return nil
}

// apply checks what only the service knows and creates the listeners, in
// a task that runs for the task duration.
func (s *Server) apply(form url.Values, listeners []map[string]string) (int64, *apiError) {
	id := form.Get("loadBalancerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.settle(now)
	lb, ok := s.loadBalancers[id]
	if !ok {
		return 0, fail(bmlb.ErrInvalidParameterCCDBLBNotExist, "CCDB中不存在该负载均衡记录信息")
	}
	if lb.status != StatusRunning {
		return 0, fail(bmlb.ErrIncorrectStatusLBWrongStatus, "该负载均衡状态不正确,无法执行当前操作")
	}
	if len(lb.listeners)+len(listeners) > bmlb.MaxListeners {
		return 0, fail(bmlb.ErrInvalidResourceListenerNumberOverLimit, "该负载均衡的监听器数量超过限制")
	}
	for _, l := range listeners {
		for _, old := range lb.listeners { // a running task's listeners count
			if old.Protocol == l["protocol"] && strconv.Itoa(old.Port) == l["loadBalancerPort"] {
				return 0, fail(bmlb.ErrInvalidParameterVportIsDuplicate, "该负载均衡已经存在该端口的监听器")
			}
		}
	}
	s.nextTask++
	t := &task{id: s.nextTask, loadBalancerID: id, done: now.Add(s.taskDuration), status: bmlb.TaskRunning}
	if s.failTasks > 0 {
		s.failTasks--
		t.fail = true
	} else if s.failRNG != nil && s.failRNG.Float64() < s.failRate {
		t.fail = true
	}
	s.tasks[t.id] = t
	for _, l := range listeners {
		port, _ := strconv.Atoi(l["loadBalancerPort"])
		lb.listeners = append(lb.listeners, &Listener{LoadBalancerID: id, ListenerID: "lbl-" + randomHex(4), Port: port,
			Protocol: l["protocol"], Name: l["listenerName"], TaskID: t.id, Fields: l, Status: bmlb.ListenerCreating, Created: now})
	}
	s.accept(form)
	s.settle(now) // a task of no duration is over at once
	return t.id, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
