package bmlbtest

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
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

// Listener is a listener the fake holds.
type Listener struct {
	LoadBalancerID string
	Port           int
	Protocol       string
	Name           string
	TaskID         int64
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

	mu            sync.Mutex
	loadBalancers map[string]*loadBalancer
	nextTask      int64
}

type loadBalancer struct {
	status    int
	listeners []Listener
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the SecretId and SecretKey the fake accepts.
func WithCredentials(id, secret string) Option {
	return func(s *Server) { s.id, s.secret = id, secret }
}

// WithClock replaces the fake's clock (for Timestamp checks).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

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

// ListenerCount is how many listeners the load balancer holds.
func (s *Server) ListenerCount(loadBalancerID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lb, ok := s.loadBalancers[loadBalancerID]; ok {
		return len(lb.listeners)
	}
	return 0
}

// Listeners returns copies of the load balancer's listeners, oldest first.
func (s *Server) Listeners(loadBalancerID string) []Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lb, ok := s.loadBalancers[loadBalancerID]; ok {
		return append([]Listener(nil), lb.listeners...)
	}
	return nil
}

// Requests is how many HTTP requests reached the fake.
func (s *Server) Requests() int { return s.faults.Requests() }

// apiError is an error answer.
type apiError struct {
	code    bmlb.ErrorCode
	message string
}

func fail(code bmlb.ErrorCode, format string, args ...any) *apiError {
	prefix := ""
	if code.Module != 0 {
		prefix = "(" + strconv.Itoa(code.Module) + ")"
	}
	return &apiError{code: code, message: prefix + fmt.Sprintf(format, args...)}
}

// errorAnswer is a 2.0 error: HTTP 200 with a non-zero code.
func errorAnswer(e *apiError) faults.Answer {
	body, _ := json.Marshal(map[string]any{"code": e.code.Code, "message": e.message, "codeDesc": e.code.Desc})
	return faults.Answer{Status: http.StatusOK, Body: body}
}

// answer is the fake's reply to one request, for faults.Plan.Serve.
func (s *Server) answer(r *http.Request) faults.Answer {
	if err := r.ParseForm(); err != nil {
		return errorAnswer(fail(bmlb.ErrInvalidRequest, "the request could not be parsed"))
	}
	taskID, e := s.handle(r)
	if e != nil {
		return errorAnswer(e)
	}
	body, _ := json.Marshal(map[string]any{"code": 0, "message": "", "codeDesc": "Success", "requestId": taskID})
	return faults.Answer{Status: http.StatusOK, Body: body, Applied: true}
}

func (s *Server) handle(r *http.Request) (int64, *apiError) {
	form := r.Form
	if e := s.authenticate(r.Method, r.Host, r.URL.Path, form); e != nil {
		return 0, e
	}
	if a := form.Get("Action"); a != "CreateBmListeners" {
		return 0, fail(bmlb.ErrInvalidRequest, "(100001)action %q is not supported", a)
	}
	listeners, e := parseListeners(form)
	if e != nil {
		return 0, e
	}
	return s.apply(form.Get("loadBalancerId"), listeners)
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
		return &apiError{code: bmlb.ErrorCode{Code: 4104, Desc: "AuthFailure.SecretIdNotFound"}, message: "SecretId does not exist"}
	}
	method2 := form.Get("SignatureMethod") // absent: HmacSHA1, as the service does
	want := signing.TencentV2Signature(method, host, path, signing.ParamsFromValues(form), s.secret, method2)
	if !hmac.Equal([]byte(want), []byte(form.Get("Signature"))) {
		return &apiError{code: bmlb.ErrorCode{Code: 4100, Desc: "AuthFailure.SignatureFailure"}, message: "signature verification failed"}
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
	if l["inputType"] == "hexadecimal" {
		for _, f := range []string{"healthRequest", "healthResponse"} {
			if _, err := hex.DecodeString(l[f]); err != nil {
				return bad(f)
			}
		}
	}
	return nil
}

// apply checks what only the service knows and creates the listeners.
func (s *Server) apply(id string, listeners []map[string]string) (int64, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
		for _, old := range lb.listeners {
			if old.Protocol == l["protocol"] && strconv.Itoa(old.Port) == l["loadBalancerPort"] {
				return 0, fail(bmlb.ErrInvalidParameterVportIsDuplicate, "该负载均衡已经存在该端口的监听器")
			}
		}
	}
	s.nextTask++
	for _, l := range listeners {
		port, _ := strconv.Atoi(l["loadBalancerPort"])
		lb.listeners = append(lb.listeners, Listener{LoadBalancerID: id, Port: port, Protocol: l["protocol"], Name: l["listenerName"], TaskID: s.nextTask})
	}
	return s.nextTask, nil
}
