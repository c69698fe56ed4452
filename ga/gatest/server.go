package gatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

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

// Listener is a listener the fake holds, with every field of the request
// that created it.
type Listener struct {
	ID             string
	AcceleratorID  string
	RegionID       string
	ClientToken    string
	Name           string
	Description    string
	ClientAffinity string
	Protocol       string
	ProxyProtocol  bool
	PortRanges     []ga.PortRange
	CertificateIDs []string
	// The fields newer than the seed page, as the request set them (zero
	// when it did not; DescribeListener then reports the documented
	// defaults).
	Type                        string
	SecurityPolicyID            string
	XForwardedForConfig         *ga.XForwardedForConfig
	IdleTimeout                 int
	RequestTimeout              int
	HTTPVersion                 string
	EndpointGroupConfigurations []ga.EndpointGroupConfiguration
	CreateTime                  time.Time
	// State is the state DescribeListener reports now (init until the
	// activation delay or poll count is reached, then active).
	State ga.ListenerState
}

// listener is a Listener with what only the fake needs.
type listener struct {
	Listener
	describes   int  // DescribeListener calls that saw it
	neverActive bool // created while SetListenersNeverActive was on
}

// Accepted is one request the fake accepted: its action and every
// parameter it carried but the signature's own (AccessKeyId, Signature,
// SignatureNonce, SecurityToken...), so tests can assert on what their code
// sent.
type Accepted struct {
	Action string
	Params url.Values
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

	portQuota       int
	activationDelay time.Duration
	activationPolls int
	busyWindow      time.Duration

	mu           sync.Mutex
	accelerators map[string]*accelerator
	tokens       map[string]*listener // accelerator id + "\x00" + ClientToken
	neverActive  bool
	accepted     []Accepted
}

type accelerator struct {
	state     string
	listeners []*listener
	busyUntil time.Time // a create meanwhile is refused with StateError.Accelerator
}

// DefaultActivationDelay is how long a new listener stays init unless
// WithActivationDelay or WithActivationPolls says otherwise.
const DefaultActivationDelay = 50 * time.Millisecond

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the access key the fake accepts.
func WithCredentials(id, secret string) Option {
	return func(s *Server) { s.id, s.secret = id, secret }
}

// WithListenerQuota sets how many listeners each accelerator holds.
func WithListenerQuota(n int) Option { return func(s *Server) { s.quota = n } }

// WithClock replaces the fake's clock (for Timestamp checks, listener
// activation and busy windows).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithListenerPortQuota sets how many ports an accelerator's listeners may
// hold together; a create past it is refused with
// QuotaExceeded.ListenerPort. Default 0: no port quota.
func WithListenerPortQuota(n int) Option { return func(s *Server) { s.portQuota = n } }

// WithActivationDelay sets how long a new listener stays init before
// DescribeListener reports it active (default DefaultActivationDelay).
func WithActivationDelay(d time.Duration) Option {
	return func(s *Server) { s.activationDelay, s.activationPolls = d, 0 }
}

// WithActivationPolls makes a new listener active from its n-th
// DescribeListener on (n >= 1), whatever the time: for tests that must not
// depend on the clock.
func WithActivationPolls(n int) Option { return func(s *Server) { s.activationPolls = max(n, 1) } }

// WithBusyWindow makes an accelerator busy for d after each listener it
// gets: a create meanwhile is refused with StateError.Accelerator, as the
// service does (default 0, never busy). DescribeAccelerator reports it
// configuring meanwhile.
func WithBusyWindow(d time.Duration) Option { return func(s *Server) { s.busyWindow = d } }

// NewServer starts a fake GA service on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		id:              DefaultAccessKeyID,
		secret:          DefaultAccessKeySecret,
		activationDelay: DefaultActivationDelay,
		quota:           DefaultListenerQuota,
		now:             time.Now,
		accelerators:    map[string]*accelerator{},
		tokens:          map[string]*listener{},
		nonces:          replay.NewGuard(2 * MaxClockSkew),
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

// SetListenersNeverActive makes the listeners created from now on stay
// init for ever (on), or behave normally (off): a create whose listener
// never becomes usable.
func (s *Server) SetListenersNeverActive(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.neverActive = on
}

// Accepted returns the requests the fake accepted (authenticated, valid),
// oldest first, each with every parameter but the signature's own.
func (s *Server) Accepted() []Accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Accepted, len(s.accepted))
	for i, a := range s.accepted {
		out[i] = Accepted{Action: a.Action, Params: cloneValues(a.Params)}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
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
	now := s.now()
	for i, l := range a.listeners {
		s.state(l, now, false)
		out[i] = l.copy()
	}
	return out
}

// copy is l as callers see it, sharing nothing.
func (l *listener) copy() Listener {
	c := l.Listener
	c.PortRanges = append([]ga.PortRange(nil), l.PortRanges...)
	c.CertificateIDs = append([]string(nil), l.CertificateIDs...)
	if l.XForwardedForConfig != nil {
		xff := *l.XForwardedForConfig
		c.XForwardedForConfig = &xff
	}
	c.EndpointGroupConfigurations = nil
	for _, g := range l.EndpointGroupConfigurations {
		g.EndpointConfigurations = append([]ga.EndpointConfiguration(nil), g.EndpointConfigurations...)
		g.PortOverrides = append([]ga.PortOverride(nil), g.PortOverrides...)
		c.EndpointGroupConfigurations = append(c.EndpointGroupConfigurations, g)
	}
	return c
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
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return errorAnswer(requestID, fail(ga.ErrMissingParameter, "the request could not be read"))
	}
	r.Body = io.NopCloser(bytes.NewReader(body)) // for ParseForm; V3 hashes the bytes
	if err := r.ParseForm(); err != nil {
		return errorAnswer(requestID, fail(ga.ErrMissingParameter, "the request could not be parsed"))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return errorAnswer(requestID, fail("UnsupportedHTTPMethod", "use GET or POST"))
	}
	var e *apiError
	if strings.HasPrefix(r.Header.Get("Authorization"), signing.AlibabaV3Algorithm+" ") {
		e = s.authenticateV3(r, body)
	} else {
		e = s.authenticate(r.Method, r.Form)
	}
	if e != nil {
		return errorAnswer(requestID, e)
	}
	answer, applied, e := s.handle(r.Form)
	if e != nil {
		return errorAnswer(requestID, e)
	}
	answer["RequestId"] = requestID
	out, _ := json.Marshal(answer)
	return faults.Answer{Status: http.StatusOK, Body: out, Applied: applied}
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

// handle authenticates and serves one request: its answer's fields and
// whether it changed the fake's state.
func (s *Server) handle(form url.Values) (answer map[string]any, applied bool, e *apiError) {
	if v := form.Get("Version"); v != ga.APIVersion {
		return nil, false, fail("InvalidVersion", "Specified parameter Version %q is not valid.", v)
	}
	switch action := form.Get("Action"); action {
	case "CreateListener":
		req, e := parseRequest(form)
		if e != nil {
			return nil, false, e
		}
		id, e := s.apply(req, form)
		if e != nil {
			return nil, false, e
		}
		return map[string]any{"ListenerId": id}, true, nil
	case "DescribeListener":
		answer, e := s.describeListener(form)
		return answer, false, e
	case "DescribeAccelerator":
		answer, e := s.describeAccelerator(form)
		return answer, false, e
	default:
		return nil, false, fail("InvalidAction.NotFound", "Specified api %q is not found, please check your url and method.", action)
	}
}

// signatureParams are the common parameters Accepted leaves out.
var signatureParams = []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SecurityToken", "Timestamp", "Format", "Version"}

// accept records an accepted request; the caller holds s.mu.
func (s *Server) accept(form url.Values) {
	kept := cloneValues(form)
	for _, name := range signatureParams {
		delete(kept, name)
	}
	action := kept.Get("Action")
	delete(kept, "Action")
	s.accepted = append(s.accepted, Accepted{Action: action, Params: kept})
}

// state advances a listener's state as of now (and counts a describe when
// describing); the caller holds s.mu.
func (s *Server) state(l *listener, now time.Time, describing bool) ga.ListenerState {
	if describing {
		l.describes++
	}
	if l.State == ga.ListenerStateInit && !l.neverActive {
		if s.activationPolls > 0 && l.describes >= s.activationPolls ||
			s.activationPolls == 0 && now.Sub(l.CreateTime) >= s.activationDelay {
			l.State = ga.ListenerStateActive
		}
	}
	return l.State
}

func (s *Server) describeListener(form url.Values) (map[string]any, *apiError) {
	id := form.Get("ListenerId")
	if id == "" || form.Get("RegionId") == "" {
		return nil, fail(ga.ErrMissingParameter, "ListenerId and RegionId are mandatory for this action.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, a := range s.accelerators {
		for _, l := range a.listeners {
			if l.ID != id {
				continue
			}
			s.accept(form)
			ranges := make([]map[string]int, len(l.PortRanges))
			for i, pr := range l.PortRanges {
				ranges[i] = map[string]int{"FromPort": pr.FromPort, "ToPort": pr.ToPort}
			}
			certs := make([]map[string]string, len(l.CertificateIDs))
			for i, c := range l.CertificateIDs {
				certs[i] = map[string]string{"Id": c, "Type": "Server"}
			}
			answer := map[string]any{
				"ListenerId": l.ID, "AcceleratorId": l.AcceleratorID, "Name": l.Name, "Description": l.Description,
				"State": string(s.state(l, now, true)), "CreateTime": strconv.FormatInt(l.CreateTime.UnixMilli(), 10),
				"Protocol": l.Protocol, "ClientAffinity": l.ClientAffinity, "ProxyProtocol": l.ProxyProtocol,
				"PortRanges": ranges, "Certificates": certs,
			}
			describeNewer(answer, &l.Listener)
			return answer, nil
		}
	}
	return nil, fail(ga.ErrNotExistListener, "The listener does not exist.")
}

func (s *Server) describeAccelerator(form url.Values) (map[string]any, *apiError) {
	id := form.Get("AcceleratorId")
	if id == "" || form.Get("RegionId") == "" {
		return nil, fail(ga.ErrMissingParameter, "AcceleratorId and RegionId are mandatory for this action.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accelerators[id]
	if !ok {
		return nil, fail(ga.ErrNotExistAccelerator, "The accelerated instance does not exist.")
	}
	s.accept(form)
	state := a.state
	if state == StateActive && s.now().Before(a.busyUntil) {
		state = StateConfiguring
	}
	return map[string]any{"AcceleratorId": id, "Name": id, "State": state}, nil
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

// maxRequestBody bounds what the fake reads of a request.
const maxRequestBody = 8 << 20

// v3Headers are the headers signature V3 must cover.
var v3Headers = []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"}

// authenticateV3 checks an ACS3-HMAC-SHA256 request as the service does:
// the body's hash, the Authorization header's key, signed headers and
// signature, the date and the nonce. It adds Action and Version to r.Form
// from their headers, so the request is then served like a 1.0 one.
func (s *Server) authenticateV3(r *http.Request, body []byte) *apiError {
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), signing.AlibabaV3Algorithm+" "), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			fields[k] = v
		}
	}
	if fields["Credential"] == "" || fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return fail(ga.ErrIncompleteSignature, "The Authorization header needs Credential, SignedHeaders and Signature.")
	}
	if fields["Credential"] != s.id {
		return fail(ga.ErrInvalidAccessKeyIdNotFound, "Specified access key is not found.")
	}
	hashed := signing.HexSHA256(body)
	if r.Header.Get("x-acs-content-sha256") != hashed {
		return fail(ga.ErrSignatureDoesNotMatch, "x-acs-content-sha256 is not the SHA-256 of the body.")
	}
	signedNames := strings.Split(fields["SignedHeaders"], ";")
	for _, name := range v3Headers {
		if !slices.Contains(signedNames, name) || r.Header.Get(name) == "" && name != "host" {
			return fail(ga.ErrIncompleteSignature, "The request signature does not conform to Aliyun standards: %s is not signed.", name)
		}
	}
	var headers signing.Params
	for _, name := range signedNames {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		headers = append(headers, signing.Param{Name: name, Value: value})
	}
	var query signing.Params
	for name, values := range r.URL.Query() {
		for _, v := range values {
			query = append(query, signing.Param{Name: name, Value: v})
		}
	}
	want, _ := signing.AlibabaV3Signature(signing.AlibabaV3Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: query, Headers: headers, HashedPayload: hashed}, s.secret)
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return fail(ga.ErrSignatureDoesNotMatch, "Specified signature is not matched with our calculation.")
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", r.Header.Get("x-acs-date"))
	now := s.now()
	if err != nil || ts.Sub(now) > MaxClockSkew || now.Sub(ts) > MaxClockSkew {
		return fail(ga.ErrInvalidTimeStampExpired, "Specified time stamp or date value is expired.")
	}
	if !s.nonces.Fresh(r.Header.Get("x-acs-signature-nonce"), now) {
		return fail(ga.ErrSignatureNonceUsed, "Specified signature nonce was used already.")
	}
	r.Form.Set("Action", r.Header.Get("x-acs-action"))
	r.Form.Set("Version", r.Header.Get("x-acs-version"))
	return nil
}

// request is a parsed CreateListener.
type request struct {
	acceleratorID, token, name, protocol string
	ranges                               []ga.PortRange
	certificateIDs                       []string
	newer                                *newer
}

var (
	indexRule = regexp.MustCompile(`^(PortRanges|Certificates)\.(\d+)\.(FromPort|ToPort|Id)$`)
)

// validName: "名称长度为2~128个字符，以大小写字母或中文开头，可包含数字、下划线（_）和短划线（-）",
// a Chinese character being a CJK ideograph, as the client decides.
func validName(name string) bool {
	n := utf8.RuneCountInString(name)
	if !utf8.ValidString(name) || n < 2 || n > 128 {
		return false
	}
	for i, c := range name {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || unicode.Is(unicode.Han, c) && unicode.Is(unicode.Ideographic, c)
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

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
	if req.name != "" && !validName(req.name) {
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
	certs := map[int]string{}
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
			certs[n] = values[0]
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
		if certs[i] == "" {
			return nil, fail(ga.ErrInvalidParameter, "Certificates.%d.Id is invalid.", i)
		}
		req.certificateIDs = append(req.certificateIDs, certs[i])
	}
	if e := checkRanges(req); e != nil {
		return nil, e
	}
	if req.protocol == "https" && len(req.certificateIDs) == 0 {
		return nil, fail(ga.ErrMissingParameter, "Certificates is mandatory for https listeners.")
	}
	n, e := parseNewer(form, req.protocol, req.ranges)
	if e != nil {
		return nil, e
	}
	req.newer = n
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
func (s *Server) apply(req *request, form url.Values) (string, *apiError) {
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
	now := s.now()
	if a.state != StateActive || now.Before(a.busyUntil) {
		return "", fail(ga.ErrStateErrorAccelerator, "The state of the accelerated instance is invalid.")
	}
	if len(a.listeners) >= s.quota {
		return "", fail(ga.ErrQuotaExceededListener, "The maximum number of listeners is exceeded.")
	}
	if s.portQuota > 0 {
		held := 0
		for _, l := range a.listeners {
			held += totalPorts(l.PortRanges)
		}
		if held+totalPorts(req.ranges) > s.portQuota {
			return "", fail(ga.ErrQuotaExceededListenerPort, "The maximum number of listener ports is exceeded.")
		}
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
	l := &listener{Listener: Listener{
		ID:             "lsr-" + randomHex(10),
		AcceleratorID:  req.acceleratorID,
		RegionID:       form.Get("RegionId"),
		ClientToken:    req.token,
		Name:           req.name,
		Description:    form.Get("Description"),
		ClientAffinity: form.Get("ClientAffinity"),
		Protocol:       req.protocol,
		ProxyProtocol:  form.Get("ProxyProtocol") == "true",
		PortRanges:     req.ranges,
		CertificateIDs: req.certificateIDs,

		Type:                        req.newer.typ,
		SecurityPolicyID:            req.newer.securityPolicy,
		XForwardedForConfig:         req.newer.xff,
		IdleTimeout:                 req.newer.idleTimeout,
		RequestTimeout:              req.newer.requestTimeout,
		HTTPVersion:                 req.newer.httpVersion,
		EndpointGroupConfigurations: req.newer.groups,
		CreateTime:                  now,
		State:                       ga.ListenerStateInit,
	}, neverActive: s.neverActive}
	a.listeners = append(a.listeners, l)
	a.busyUntil = now.Add(s.busyWindow)
	s.accept(form)
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
