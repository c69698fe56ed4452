package signingtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/listenerkit/listenerkit-go/signing"
)

// Request is one request a fake received.
type Request struct {
	Method string
	Path   string
	// Header holds the request's headers (the IMDSv2 token, X-TC-*).
	Header http.Header
	// Params is the form (Alibaba STS) or JSON body fields (Tencent STS).
	Params map[string]string
}

// clock is shared by the fakes: expiries are computed from it.
type clock struct {
	mu  sync.Mutex
	now func() time.Time
}

func (c *clock) time() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// Metadata is a fake instance metadata service: Alibaba Cloud ECS's
// (NewAlibabaMetadata) or Tencent Cloud CVM's (NewTencentMetadata). It
// serves one role, whose credentials are fresh at every request (a counter
// in the id) and expire after the lifetime set (default one hour).
type Metadata struct {
	// URL is the base URL to give signing.WithMetadataEndpoint.
	URL string

	srv     *httptest.Server
	alibaba bool
	clock   clock
	mu      sync.Mutex
	role    string
	v2      imdsV2Mode
	status  int // non-zero: the role's credentials are refused with it
	life    time.Duration
	issued  int
	seen    []Request
	tokens  map[string]bool
}

type imdsV2Mode int

const (
	imdsV2Offered imdsV2Mode = iota
	imdsV2Required
	imdsV2Unsupported
)

// NewAlibabaMetadata starts a fake ECS metadata service serving role; it
// offers IMDSv2 tokens and also answers v1 requests. Close stops it.
func NewAlibabaMetadata(role string) *Metadata {
	return newMetadata(role, true)
}

// NewTencentMetadata starts a fake CVM metadata service serving role. Close
// stops it.
func NewTencentMetadata(role string) *Metadata {
	return newMetadata(role, false)
}

func newMetadata(role string, alibaba bool) *Metadata {
	m := &Metadata{alibaba: alibaba, role: role, life: time.Hour, tokens: map[string]bool{}}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	m.URL = m.srv.URL
	return m
}

// Close stops the server.
func (m *Metadata) Close() { m.srv.Close() }

// SetRole changes the role attached; "" means none (the listing answers
// 404).
func (m *Metadata) SetRole(role string) { m.mu.Lock(); m.role = role; m.mu.Unlock() }

// SetLifetime sets how long the credentials it hands out live.
func (m *Metadata) SetLifetime(d time.Duration) { m.mu.Lock(); m.life = d; m.mu.Unlock() }

// SetClock sets the clock expiries are computed from (default time.Now).
func (m *Metadata) SetClock(now func() time.Time) {
	m.clock.mu.Lock()
	m.clock.now = now
	m.clock.mu.Unlock()
}

// RequireIMDSv2 makes the ECS fake refuse requests without a token (403),
// as an instance set to IMDSv2-only does.
func (m *Metadata) RequireIMDSv2() { m.mu.Lock(); m.v2 = imdsV2Required; m.mu.Unlock() }

// DisableIMDSv2 makes the ECS fake answer the token request 404, as a
// service without IMDSv2 would.
func (m *Metadata) DisableIMDSv2() { m.mu.Lock(); m.v2 = imdsV2Unsupported; m.mu.Unlock() }

// RefuseRole makes the role's credentials answer status (0: serve again).
func (m *Metadata) RefuseRole(status int) { m.mu.Lock(); m.status = status; m.mu.Unlock() }

// Requests returns every request received, in order.
func (m *Metadata) Requests() []Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Request(nil), m.seen...)
}

// Issued is how many credentials it has handed out.
func (m *Metadata) Issued() int { m.mu.Lock(); defer m.mu.Unlock(); return m.issued }

func (m *Metadata) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()})
	prefix := "/latest/meta-data/cam/security-credentials/"
	if m.alibaba {
		prefix = "/latest/meta-data/ram/security-credentials/"
		if r.URL.Path == "/latest/api/token" && r.Method == http.MethodPut {
			if m.v2 == imdsV2Unsupported || r.Header.Get("X-aliyun-ecs-metadata-token-ttl-seconds") == "" {
				http.NotFound(w, r)
				return
			}
			token := fmt.Sprintf("imds-token-%d", len(m.tokens)+1)
			m.tokens[token] = true
			_, _ = io.WriteString(w, token)
			return
		}
		if token := r.Header.Get("X-aliyun-ecs-metadata-token"); token != "" && !m.tokens[token] || token == "" && m.v2 == imdsV2Required {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
	}
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, prefix) {
		http.NotFound(w, r)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case name == "" && m.role == "":
		http.NotFound(w, r)
	case name == "":
		_, _ = io.WriteString(w, m.role)
	case name != m.role:
		http.NotFound(w, r)
	case m.status != 0:
		http.Error(w, "refused", m.status)
	default:
		m.issued++
		expires := m.clock.time().Add(m.life).UTC()
		id, secret, token := fmt.Sprintf("STS.meta-%d", m.issued), fmt.Sprintf("meta-secret-%d", m.issued), fmt.Sprintf("meta-token-%d", m.issued)
		if m.alibaba {
			writeJSON(w, http.StatusOK, map[string]any{"Code": "Success", "AccessKeyId": id, "AccessKeySecret": secret, "SecurityToken": token,
				"Expiration": expires.Format(time.RFC3339), "LastUpdated": m.clock.time().UTC().Format(time.RFC3339)})
		} else {
			writeJSON(w, http.StatusOK, map[string]any{"Code": "Success", "TmpSecretId": id, "TmpSecretKey": secret, "Token": token,
				"ExpiredTime": expires.Unix(), "Expiration": expires.Format(time.RFC3339)})
		}
	}
}

// STS is a fake of both vendors' STS calls the chains make: Alibaba Cloud's
// AssumeRole (RPC signature 1.0 verified against the keys added with
// AddAccessKey) and AssumeRoleWithOIDC (the token must be one added with
// AllowToken), and Tencent Cloud's AssumeRoleWithWebIdentity (API 3.0 JSON,
// the same tokens). Every role is assumable unless refused with
// RefuseRole. Credentials it hands out are fresh each time, may themselves
// sign AssumeRole (as chained roles do), and expire after the lifetime set
// (default one hour).
type STS struct {
	// URL is the base URL to give signing.WithSTSEndpoint.
	URL string

	srv     *httptest.Server
	clock   clock
	mu      sync.Mutex
	keys    map[string]string
	tokens  map[string]bool
	refused map[string]bool
	life    time.Duration
	issued  int
	seen    []Request
}

// NewSTS starts a fake STS. Close stops it.
func NewSTS() *STS {
	s := &STS{keys: map[string]string{}, tokens: map[string]bool{}, refused: map[string]bool{}, life: time.Hour}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *STS) Close() { s.srv.Close() }

// AddAccessKey lets id and secret sign AssumeRole.
func (s *STS) AddAccessKey(id, secret string) { s.mu.Lock(); s.keys[id] = secret; s.mu.Unlock() }

// AllowToken accepts an OIDC token (AssumeRoleWithOIDC,
// AssumeRoleWithWebIdentity).
func (s *STS) AllowToken(token string) { s.mu.Lock(); s.tokens[token] = true; s.mu.Unlock() }

// RefuseRole makes every call for roleArn fail as if the role did not
// trust the caller.
func (s *STS) RefuseRole(roleArn string) { s.mu.Lock(); s.refused[roleArn] = true; s.mu.Unlock() }

// SetLifetime sets how long the credentials it hands out live.
func (s *STS) SetLifetime(d time.Duration) { s.mu.Lock(); s.life = d; s.mu.Unlock() }

// SetClock sets the clock expiries are computed from (default time.Now).
func (s *STS) SetClock(now func() time.Time) {
	s.clock.mu.Lock()
	s.clock.now = now
	s.clock.mu.Unlock()
}

// Requests returns every request received, in order.
func (s *STS) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}

// Issued is how many credentials it has handed out.
func (s *STS) Issued() int { s.mu.Lock(); defer s.mu.Unlock(); return s.issued }

func (s *STS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	defer s.mu.Unlock()
	if action := r.Header.Get("X-TC-Action"); action != "" {
		s.serveTencent(w, r, action, body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || r.Method != http.MethodPost {
		writeJSON(w, http.StatusBadRequest, map[string]string{"Code": "InvalidParameter", "Message": "expected a form POST"})
		return
	}
	params := map[string]string{}
	for k := range form {
		params[k] = form.Get(k)
	}
	s.seen = append(s.seen, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Params: params})
	refuse := func(status int, code, msg string) {
		writeJSON(w, status, map[string]string{"RequestId": "fake", "Code": code, "Message": msg})
	}
	switch {
	case params["Version"] != "2015-04-01" || params["Format"] != "JSON":
		refuse(http.StatusBadRequest, "InvalidVersion", "Version must be 2015-04-01, Format JSON")
		return
	case params["RoleArn"] == "" || params["RoleSessionName"] == "":
		refuse(http.StatusBadRequest, "MissingParameter", "RoleArn and RoleSessionName are required")
		return
	}
	switch params["Action"] {
	case "AssumeRole":
		secret, ok := s.keys[params["AccessKeyId"]]
		if !ok {
			refuse(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
			return
		}
		signed := signing.ParamsFromValues(form)
		if got, want := params["Signature"], signing.AlibabaRPCSignature(http.MethodPost, signed, secret); got != want {
			refuse(http.StatusBadRequest, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
			return
		}
	case "AssumeRoleWithOIDC":
		if !s.tokens[params["OIDCToken"]] || params["OIDCProviderArn"] == "" {
			refuse(http.StatusBadRequest, "AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid.")
			return
		}
	default:
		refuse(http.StatusBadRequest, "InvalidAction.NotFound", "unknown action")
		return
	}
	if s.refused[params["RoleArn"]] {
		refuse(http.StatusForbidden, "NoPermission.RoleNotTrusted", "You are not authorized to assume the role.")
		return
	}
	id, secret, token, expires := s.issue()
	writeJSON(w, http.StatusOK, map[string]any{"RequestId": "fake", "Credentials": map[string]string{
		"AccessKeyId": id, "AccessKeySecret": secret, "SecurityToken": token, "Expiration": expires.Format(time.RFC3339)}})
}

func (s *STS) serveTencent(w http.ResponseWriter, r *http.Request, action string, body []byte) {
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	params := map[string]string{}
	for k, v := range in {
		params[k] = fmt.Sprint(v)
	}
	s.seen = append(s.seen, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Params: params})
	refuse := func(code, msg string) {
		writeJSON(w, http.StatusOK, map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": "fake"}})
	}
	switch {
	case action != "AssumeRoleWithWebIdentity" || r.Header.Get("X-TC-Version") != "2018-08-13":
		refuse("InvalidAction", "unknown action or version")
	case r.Header.Get("X-TC-Region") == "":
		refuse("MissingParameter", "X-TC-Region is required")
	case params["ProviderId"] == "" || params["RoleArn"] == "" || params["RoleSessionName"] == "":
		refuse("MissingParameter", "ProviderId, RoleArn and RoleSessionName are required")
	case !s.tokens[params["WebIdentityToken"]]:
		refuse("InvalidParameter.WebIdentityTokenError", "The web identity token is invalid.")
	case s.refused[params["RoleArn"]]:
		refuse("InvalidParameter.RoleNotExist", "The role does not exist or does not trust the provider.")
	default:
		id, secret, token, expires := s.issue()
		writeJSON(w, http.StatusOK, map[string]any{"Response": map[string]any{
			"Credentials": map[string]string{"TmpSecretId": id, "TmpSecretKey": secret, "Token": token},
			"ExpiredTime": expires.Unix(), "Expiration": expires.Format(time.RFC3339), "RequestId": "fake"}})
	}
}

func (s *STS) issue() (id, secret, token string, expires time.Time) {
	s.issued++
	id, secret = fmt.Sprintf("STS.sts-%d", s.issued), fmt.Sprintf("sts-secret-%d", s.issued)
	s.keys[id] = secret // temporary keys may sign AssumeRole too (ChainableRamRoleArn)
	return id, secret, fmt.Sprintf("sts-token-%d", s.issued),
		s.clock.time().Add(s.life).UTC().Truncate(time.Second)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
