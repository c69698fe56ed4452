package gatest

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/internal/faults"
	"github.com/listenerkit/listenerkit-go/internal/replay"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Default credentials the fake accepts unless WithCredentials says otherwise.
const (
	DefaultAccessKeyID     = "LTAI5tGatestAccessKeyID"
	DefaultAccessKeySecret = "gatest-access-key-secret"
)

// Accelerator states; only StateActive accepts listeners.
const (
	StateActive      = "active"
	StateConfiguring = "configuring"
	StateBinding     = "binding"
	StateUnbinding   = "unbinding"
	StateDeleting    = "deleting"
)

// DefaultListenerQuota is how many listeners an accelerator holds unless
// WithListenerQuota says otherwise.
const DefaultListenerQuota = 10

// MaxClockSkew is how far a request's Timestamp may be from the fake's clock.
const MaxClockSkew = 15 * time.Minute

// Listener is a listener the fake holds.
type Listener struct {
	ID            string
	AcceleratorID string
	ClientToken   string
	Name          string
	Protocol      string
	PortRanges    []ga.PortRange
}

// Server is a fake GA service over httptest. It is safe for concurrent use.
type Server struct {
	// URL is the fake's endpoint, for ga.WithEndpoint.
	URL string

	srv    *httptest.Server
	id     string
	secret string
	quota  int
	now    func() time.Time
	faults *faults.Plan
	nonces *replay.Guard

	mu           sync.Mutex
	accelerators map[string]*accelerator
	tokens       map[string]*Listener // accelerator id + "\x00" + ClientToken
}

type accelerator struct {
	state     string
	listeners []*Listener
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the access key the fake accepts.
func WithCredentials(id, secret string) Option {
	return func(s *Server) { s.id, s.secret = id, secret }
}

// WithListenerQuota sets how many listeners each accelerator holds.
func WithListenerQuota(n int) Option { return func(s *Server) { s.quota = n } }

// WithClock replaces the fake's clock (for Timestamp checks).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// NewServer starts a fake GA service on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		id:           DefaultAccessKeyID,
		secret:       DefaultAccessKeySecret,
		quota:        DefaultListenerQuota,
		now:          time.Now,
		accelerators: map[string]*accelerator{},
		tokens:       map[string]*Listener{},
		nonces:       replay.NewGuard(2 * MaxClockSkew),
	}
	s.faults = faults.NewPlan(faults.Answers{
		ServerError: func() faults.Answer {
			return errorAnswer(newRequestID(), fail(ga.ErrInternalError, "The request processing has failed due to some unknown error."))
		},
		Throttle: func() faults.Answer {
			return errorAnswer(newRequestID(), fail(ga.ErrThrottlingUser, "Request was denied due to user flow control."))
		},
	})
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.faults.Serve(w, r, s.answer)
	}))
	s.URL = s.srv.URL
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Credentials returns a provider of the credentials the fake accepts.
func (s *Server) Credentials() signing.CredentialsProvider {
	return signing.NewStaticCredentials(s.id, s.secret, "")
}

// AddAccelerator adds an active accelerator.
func (s *Server) AddAccelerator(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accelerators[id]; !ok {
		s.accelerators[id] = &accelerator{state: StateActive}
	}
}

// SetAcceleratorState sets an accelerator's state (StateActive,
// StateConfiguring, ...), adding the accelerator if it is unknown.
func (s *Server) SetAcceleratorState(id, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accelerators[id]
	if !ok {
		a = &accelerator{}
		s.accelerators[id] = a
	}
	a.state = state
}

// ListenerCount is how many listeners the accelerator holds.
func (s *Server) ListenerCount(acceleratorID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accelerators[acceleratorID]; ok {
		return len(a.listeners)
	}
	return 0
}

// Listeners returns copies of the accelerator's listeners, oldest first.
func (s *Server) Listeners(acceleratorID string) []Listener {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accelerators[acceleratorID]
	if !ok {
		return nil
	}
	out := make([]Listener, len(a.listeners))
	for i, l := range a.listeners {
		out[i] = *l
		out[i].PortRanges = append([]ga.PortRange(nil), l.PortRanges...)
	}
	return out
}

// Requests is how many HTTP requests reached the fake.
func (s *Server) Requests() int { return s.faults.Requests() }

// apiError is an error answer: the code and a message.
type apiError struct {
	code ga.ErrorCode
	msg  string
}

func fail(code ga.ErrorCode, format string, args ...any) *apiError {
	return &apiError{code: code, msg: fmt.Sprintf(format, args...)}
}

// answer is the fake's reply to one request, for faults.Plan.Serve.
func (s *Server) answer(r *http.Request) faults.Answer {
	requestID := newRequestID()
	if err := r.ParseForm(); err != nil {
		return errorAnswer(requestID, fail(ga.ErrMissingParameter, "the request could not be parsed"))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return errorAnswer(requestID, fail("UnsupportedHTTPMethod", "use GET or POST"))
	}
	listenerID, e := s.handle(r.Method, r.Form)
	if e != nil {
		return errorAnswer(requestID, e)
	}
	body, _ := json.Marshal(map[string]string{"RequestId": requestID, "ListenerId": listenerID})
	return faults.Answer{Status: http.StatusOK, Body: body, Applied: true}
}

func errorAnswer(requestID string, e *apiError) faults.Answer {
	body, _ := json.Marshal(map[string]string{
		"RequestId": requestID,
		"HostId":    "ga.cn-hangzhou.aliyuncs.com",
		"Code":      string(e.code),
		"Message":   e.msg,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(string(e.code)) + "&product=Ga",
	})
	return faults.Answer{Status: e.code.HTTPStatus(), Body: body}
}

// handle authenticates, checks and applies one request.
func (s *Server) handle(method string, form url.Values) (string, *apiError) {
	if e := s.authenticate(method, form); e != nil {
		return "", e
	}
	if a := form.Get("Action"); a != "CreateListener" {
		return "", fail("InvalidAction.NotFound", "Specified api %q is not found, please check your url and method.", a)
	}
	if v := form.Get("Version"); v != ga.APIVersion {
		return "", fail("InvalidVersion", "Specified parameter Version %q is not valid.", v)
	}
	req, e := parseRequest(form)
	if e != nil {
		return "", e
	}
	return s.apply(req)
}

func (s *Server) authenticate(method string, form url.Values) *apiError {
	for _, name := range []string{"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce"} {
		if form.Get(name) == "" {
			return fail(ga.ErrIncompleteSignature, "The request signature does not conform to Aliyun standards: %s is missing.", name)
		}
	}
	for _, name := range []string{"AccessKeyId", "Timestamp", "Action", "Version"} {
		if form.Get(name) == "" {
			return fail(ga.ErrMissingParameter, "%s is mandatory for this action.", name)
		}
	}
	if form.Get("SignatureMethod") != "HMAC-SHA1" || form.Get("SignatureVersion") != "1.0" {
		return fail(ga.ErrIncompleteSignature, "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.")
	}
	if form.Get("AccessKeyId") != s.id {
		return fail(ga.ErrInvalidAccessKeyIdNotFound, "Specified access key is not found.")
	}
	received := signing.ParamsFromValues(form)
	want := signing.AlibabaRPCSignature(method, received, s.secret)
	if !hmac.Equal([]byte(want), []byte(form.Get("Signature"))) {
		return fail(ga.ErrSignatureDoesNotMatch, "Specified signature is not matched with our calculation. server string to sign is:%s",
			signing.AlibabaRPCStringToSign(method, received))
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", form.Get("Timestamp"))
	now := s.now()
	if err != nil || ts.Sub(now) > MaxClockSkew || now.Sub(ts) > MaxClockSkew {
		return fail(ga.ErrInvalidTimeStampExpired, "Specified time stamp or date value is expired.")
	}
	if !s.nonces.Fresh(form.Get("SignatureNonce"), now) {
		return fail(ga.ErrSignatureNonceUsed, "Specified signature nonce was used already.")
	}
	return nil
}

// request is a parsed CreateListener.
type request struct {
	acceleratorID, token, name, protocol string
	ranges                               []ga.PortRange
	certificates                         int
}

var (
	nameRule  = regexp.MustCompile(`^[a-zA-Z\p{Han}][a-zA-Z0-9_\-\p{Han}]{1,127}$`)
	indexRule = regexp.MustCompile(`^(PortRanges|Certificates)\.(\d+)\.(FromPort|ToPort|Id)$`)
)

// parseRequest applies the API page's rules, in the service's way: the
// first broken rule is the answer.
func parseRequest(form url.Values) (*request, *apiError) {
	req := &request{
		acceleratorID: form.Get("AcceleratorId"),
		token:         form.Get("ClientToken"),
		name:          form.Get("Name"),
		protocol:      form.Get("Protocol"),
	}
	if form.Get("RegionId") == "" || req.acceleratorID == "" {
		return nil, fail(ga.ErrMissingParameter, "RegionId and AcceleratorId are mandatory for this action.")
	}
	if form.Get("RegionId") != ga.DefaultRegionID {
		return nil, fail(ga.ErrInvalidParameter, "The specified RegionId is invalid.")
	}
	if len(req.token) > 64 || strings.IndexFunc(req.token, func(r rune) bool { return r > 127 }) >= 0 {
		return nil, fail(ga.ErrInvalidParameter, "The specified ClientToken is invalid.")
	}
	if req.name != "" && !nameRule.MatchString(req.name) {
		return nil, fail(ga.ErrInvalidParameter, "The specified Name is invalid.")
	}
	if a := form.Get("ClientAffinity"); a != "" && a != "SOURCE_IP" {
		return nil, fail(ga.ErrInvalidParameter, "The specified ClientAffinity is invalid.")
	}
	if p := form.Get("ProxyProtocol"); p != "" && p != "true" && p != "false" {
		return nil, fail(ga.ErrInvalidParameter, "The specified ProxyProtocol is invalid.")
	}
	if req.protocol == "" {
		req.protocol = "tcp"
	}
	switch req.protocol {
	case "tcp", "udp", "http", "https":
	default:
		return nil, fail(ga.ErrProtocalIllegalListener, "The specified listener protocol is invalid.")
	}
	ranges := map[int]*ga.PortRange{}
	certs := map[int]bool{}
	for key, values := range form {
		m := indexRule.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[2])
		if err != nil || n < 1 {
			return nil, fail(ga.ErrInvalidParameter, "%s: indexes start at 1.", key)
		}
		if m[1] == "Certificates" {
			certs[n] = values[0] != ""
			continue
		}
		port, err := strconv.Atoi(values[0])
		if err != nil {
			return nil, fail(ga.ErrPortRangeIllegalListener, "The specified listener port range is invalid.")
		}
		if ranges[n] == nil {
			ranges[n] = &ga.PortRange{}
		}
		if m[3] == "FromPort" {
			ranges[n].FromPort = port
		} else {
			ranges[n].ToPort = port
		}
	}
	if len(ranges) == 0 {
		return nil, fail(ga.ErrMissingParameter, "PortRanges is mandatory for this action.")
	}
	for i := 1; i <= len(ranges); i++ {
		pr := ranges[i]
		if pr == nil || pr.FromPort == 0 || pr.ToPort == 0 {
			return nil, fail(ga.ErrPortRangeIllegalListener, "The specified listener port range is invalid.")
		}
		req.ranges = append(req.ranges, *pr)
	}
	for i := 1; i <= len(certs); i++ {
		if !certs[i] {
			return nil, fail(ga.ErrInvalidParameter, "Certificates.%d.Id is invalid.", i)
		}
	}
	req.certificates = len(certs)
	if e := checkRanges(req); e != nil {
		return nil, e
	}
	if (req.protocol == "https") != (req.certificates > 0) {
		return nil, fail(ga.ErrInvalidParameter, "Certificates are required for, and only for, https listeners.")
	}
	return req, nil
}

func checkRanges(req *request) *apiError {
	for _, pr := range req.ranges {
		if pr.FromPort > 65535 || pr.ToPort > 65535 || pr.FromPort < 1 || pr.ToPort < 1 || pr.FromPort > pr.ToPort {
			return fail(ga.ErrPortRangeIllegalListener, "The specified listener port range is invalid.")
		}
		if pr.ToPort >= 65500 {
			return fail(ga.ErrSystemPortListener, "Ports 65500-65535 are system reserved ports.")
		}
	}
	if req.protocol == "http" || req.protocol == "https" {
		if len(req.ranges) != 1 || req.ranges[0].FromPort != req.ranges[0].ToPort {
			return fail(ga.ErrPortRangesMustOne, "The portRanges must be one for HTTPS and HTTP type listener.")
		}
	}
	if req.protocol == "udp" {
		for _, pr := range req.ranges {
			for _, p := range []int{250, 4789, 4790} {
				if pr.FromPort <= p && p <= pr.ToPort {
					return fail(ga.ErrPortRangeIllegalUDP, "UDP ports 250, 4789, and 4790 are system reserved ports.")
				}
			}
		}
	}
	if len(req.ranges) > 1 && totalPorts(req.ranges) > 300 { // the listener's ports, all ranges together
		return fail(ga.ErrPortRangeIllegalCount, "The hugePort listener only supports one port range.")
	}
	sorted := append([]ga.PortRange(nil), req.ranges...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].FromPort < sorted[j].FromPort })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].FromPort <= sorted[i-1].ToPort {
			return fail(ga.ErrPortConflictListener, "The listener port configuration is in conflict.")
		}
	}
	return nil
}

// hugest is the size of the largest range.
func totalPorts(ranges []ga.PortRange) int {
	n := 0
	for _, pr := range ranges {
		n += pr.ToPort - pr.FromPort + 1
	}
	return n
}

func hugest(ranges []ga.PortRange) int {
	n := 0
	for _, pr := range ranges {
		n = max(n, pr.ToPort-pr.FromPort+1)
	}
	return n
}

// family groups protocols that share ports: http and https run over TCP.
func family(protocol string) string {
	if protocol == "udp" {
		return "udp"
	}
	return "tcp"
}

// apply checks what only the service knows and creates the listener.
func (s *Server) apply(req *request) (string, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accelerators[req.acceleratorID]
	if !ok {
		return "", fail(ga.ErrNotExistAccelerator, "The accelerated instance does not exist.")
	}
	tokenKey := req.acceleratorID + "\x00" + req.token
	if l, seen := s.tokens[tokenKey]; seen && req.token != "" {
		return l.ID, nil // idempotent: the same token creates nothing new
	}
	if a.state != StateActive {
		return "", fail(ga.ErrStateErrorAccelerator, "The state of the accelerated instance is invalid.")
	}
	if len(a.listeners) >= s.quota {
		return "", fail(ga.ErrQuotaExceededListener, "The maximum number of listeners is exceeded.")
	}
	for _, l := range a.listeners {
		if family(l.Protocol) != family(req.protocol) {
			continue
		}
		if hugest(l.PortRanges) > 300 && hugest(req.ranges) > 300 {
			return "", fail(ga.ErrPortRangeIllegalExceedGaAbility,
				"The listener port range is invalid. For each accelerator instance, you can only create a listener with port range over 300 for each protocol (TCP and UDP).")
		}
		for _, old := range l.PortRanges {
			for _, pr := range req.ranges {
				if pr.FromPort <= old.ToPort && old.FromPort <= pr.ToPort {
					return "", fail(ga.ErrPortConflictListener, "The listener port configuration is in conflict.")
				}
			}
		}
	}
	l := &Listener{
		ID:            "lsr-" + randomHex(10),
		AcceleratorID: req.acceleratorID,
		ClientToken:   req.token,
		Name:          req.name,
		Protocol:      req.protocol,
		PortRanges:    req.ranges,
	}
	a.listeners = append(a.listeners, l)
	if req.token != "" {
		s.tokens[tokenKey] = l
	}
	return l.ID, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func newRequestID() string {
	h := strings.ToUpper(randomHex(16))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
