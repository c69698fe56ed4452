package ga

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/internal/transport"
	"github.com/listenerkit/listenerkit-go/internal/validate"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Protocol is a listener's transport protocol.
type Protocol string

// Protocols the service accepts. HTTP and HTTPS listeners are open to
// allow-listed accounts only.
const (
	ProtocolTCP   Protocol = "tcp"
	ProtocolUDP   Protocol = "udp"
	ProtocolHTTP  Protocol = "http"
	ProtocolHTTPS Protocol = "https"
)

// Values lists every Protocol.
func (Protocol) Values() []Protocol {
	return []Protocol{ProtocolTCP, ProtocolUDP, ProtocolHTTP, ProtocolHTTPS}
}

// ClientAffinity says whether a client's connections stick to one endpoint.
type ClientAffinity string

// ClientAffinitySourceIP keeps a client's requests on one endpoint,
// whatever the source port and protocol. The empty value (the default) keeps
// no affinity.
const ClientAffinitySourceIP ClientAffinity = "SOURCE_IP"

// Values lists every non-empty ClientAffinity.
func (ClientAffinity) Values() []ClientAffinity { return []ClientAffinity{ClientAffinitySourceIP} }

// DefaultRegionID is the only region GA instances are managed in.
const DefaultRegionID = "cn-hangzhou"

// PortRange is a range of listener ports, both ends included.
type PortRange struct {
	FromPort int `url:"FromPort"`
	ToPort   int `url:"ToPort"`
}

// Certificate is an SSL certificate of an https listener.
type Certificate struct {
	ID string `url:"Id"`
}

// CreateListenerRequest is the input of CreateListener.
type CreateListenerRequest struct {
	// RegionID must be cn-hangzhou; empty means cn-hangzhou.
	RegionID string
	// ClientToken makes the call idempotent: the same token returns the
	// same listener. ASCII, at most 64 characters. Empty: the client makes
	// one per call and keeps it across retries.
	ClientToken string
	// AcceleratorID is the accelerator to add the listener to. Required.
	AcceleratorID string
	// Name: 2 to 128 characters, starting with a letter or a Chinese
	// character, then letters, Chinese characters, digits, "_" and "-". A
	// Chinese character is a CJK ideograph (Han script with the Unicode
	// Ideographic property: unified ideographs and extensions, compatibility
	// ideographs, 〇); radicals and marks such as 々 are not.
	Name string
	// Description is free text.
	Description string
	// ClientAffinity is empty (none) or ClientAffinitySourceIP.
	ClientAffinity ClientAffinity
	// Protocol is tcp, udp, http or https. Empty sends none: the page
	// gives no default, so the service chooses (the rules of http, https
	// and udp then do not apply).
	Protocol Protocol
	// ProxyProtocol passes the client's source IP to the endpoints.
	ProxyProtocol bool
	// PortRanges are the listener's ports: at least one range, ports
	// 1..65499; http and https take one range of one port.
	PortRanges []PortRange
	// Certificates are required for https. On other listeners the service
	// ignores them ("仅HTTPS协议的监听需要配置该参数"); Warnings reports that.
	Certificates []Certificate

	// The fields below are newer than the seed page (see fields.go for
	// their source). Zero values are not sent.

	// Type is Standard (the default) or CustomRouting.
	Type ListenerType
	// SecurityPolicyID is an https listener's TLS policy.
	SecurityPolicyID SecurityPolicyID
	// XForwardedForConfig says which headers an http or https listener
	// adds; nil sends none.
	XForwardedForConfig *XForwardedForConfig
	// IdleTimeout is how long an idle connection is kept, in seconds: TCP
	// 10..900, UDP 10..20, HTTP and HTTPS 1..60. 0: the default.
	IdleTimeout int
	// RequestTimeout is how long an http or https listener waits for an
	// endpoint's answer, 1..180 seconds (then 504). 0: the default.
	RequestTimeout int
	// HTTPVersion is the highest HTTP version an https listener speaks.
	HTTPVersion HTTPVersion
	// EndpointGroupConfigurations are endpoint groups created with a
	// Standard listener, at most 10.
	EndpointGroupConfigurations []EndpointGroupConfiguration
}

// CreateListenerResponse is the output of CreateListener.
type CreateListenerResponse struct {
	RequestID  string `json:"RequestId"`
	ListenerID string `json:"ListenerId"`
	// ClientToken is the token the call was sent with: the caller's, or the
	// one the client made. Sending it again returns the same listener.
	ClientToken string `json:"-"`
}

func (r *CreateListenerResponse) checkAnswer() string {
	switch {
	case r.ListenerID == "":
		return "success answer without ListenerId"
	case !transport.ValidID(r.ListenerID):
		return "success answer whose ListenerId is not an identifier (1-128 printable ASCII characters)"
	}
	return ""
}

// Port limits from the API page.
const (
	minPort          = 1
	maxPort          = 65499 // 65500-65535 are the system's
	minSystemPort    = 65500
	maxTCPPort       = 65535
	hugeRangePorts   = 300
	maxNameChars     = 128
	minNameChars     = 2
	maxClientToken   = 64
	requestTypeName  = "CreateListenerRequest"
	serviceNameShort = "ga"
)

// udpReservedPorts may not be in a UDP listener's ranges.
var udpReservedPorts = []int{250, 4789, 4790}

// Warnings lists what the service accepts but, by the documentation,
// ignores: Certificates on a listener that is not https, RequestTimeout on
// one that is not http or https, SubAddress on an endpoint that is not an
// ENI. Not errors: Validate passes them and the request is sent.
func (r *CreateListenerRequest) Warnings() []string {
	if r == nil {
		return nil
	}
	var w []string
	if r.Protocol != ProtocolHTTPS && len(r.Certificates) > 0 {
		w = append(w, "Certificates: only https listeners use certificates (the page); the service ignores them here")
	}
	return append(w, r.newerFieldWarnings()...)
}

// Validate checks every rule of the API page and returns all violations at
// once as a *ValidationError, or nil.
func (r *CreateListenerRequest) Validate() error {
	return public.Convert(r.validate())
}

func (r *CreateListenerRequest) validate() error {
	var v validate.Collector
	if r == nil {
		v.Add("CreateListenerRequest", ErrMissingParameter, "request is nil")
		return v.Err(serviceNameShort, requestTypeName)
	}
	if r.RegionID != "" && r.RegionID != DefaultRegionID {
		v.Add("RegionID", ErrInvalidParameter, "must be %s, got %q", DefaultRegionID, r.RegionID)
	}
	if r.AcceleratorID == "" {
		v.Add("AcceleratorID", ErrMissingParameter, "is required")
	}
	validateClientToken(&v, r.ClientToken)
	if r.Name != "" {
		validateNameRule(&v, "Name", r.Name)
	}
	if r.ClientAffinity != "" && r.ClientAffinity != ClientAffinitySourceIP {
		v.Add("ClientAffinity", ErrInvalidParameter, "must be empty or %s, got %q", ClientAffinitySourceIP, r.ClientAffinity)
	}
	protocol := r.Protocol
	if protocol != "" && !slices.Contains(protocol.Values(), protocol) {
		v.Add("Protocol", ErrProtocalIllegalListener, "must be tcp, udp, http or https, got %q", r.Protocol)
	}
	validatePortRanges(&v, protocol, r.PortRanges)
	validateCertificates(&v, protocol, r.Certificates)
	r.validateNewerFields(&v)
	return v.Err(serviceNameShort, requestTypeName)
}

func validateClientToken(v *validate.Collector, token string) {
	if len(token) > maxClientToken {
		v.Add("ClientToken", ErrInvalidParameter, "at most %d characters, got %d", maxClientToken, len(token))
	}
	for _, c := range []byte(token) {
		if c > unicode.MaxASCII {
			v.Add("ClientToken", ErrInvalidParameter, "must be ASCII")
			return
		}
	}
}

// validateNameRule: "名称长度为2~128个字符，以大小写字母或中文开头，可包含数字、下划线（_）和短划线（-）",
// the rule of the listener's Name and of an endpoint group's. Length
// counts characters, not bytes.
func validateNameRule(v *validate.Collector, field, name string) {
	if !utf8.ValidString(name) {
		v.Add(field, ErrInvalidParameter, "must be valid UTF-8")
		return
	}
	if n := utf8.RuneCountInString(name); n < minNameChars || n > maxNameChars {
		v.Add(field, ErrInvalidParameter, "must be %d to %d characters, got %d", minNameChars, maxNameChars, n)
	}
	first, _ := utf8.DecodeRuneInString(name)
	if !isASCIILetter(first) && !isChineseCharacter(first) {
		v.Add(field, ErrInvalidParameter, "must start with a letter or a Chinese character, got %q", first)
	}
	if i := strings.IndexFunc(name, func(c rune) bool {
		return !isASCIILetter(c) && !isChineseCharacter(c) && !('0' <= c && c <= '9') && c != '_' && c != '-'
	}); i >= 0 {
		c, _ := utf8.DecodeRuneInString(name[i:])
		v.Add(field, ErrInvalidParameter, "may hold only letters, Chinese characters, digits, _ and -, got %q", c)
	}
}

// isChineseCharacter is what the SDK takes "中文" in the page's name rule
// to mean: a CJK ideograph, that is a character of the Han script with the
// Unicode Ideographic property — the unified ideographs and all their
// extensions, the compatibility ideographs, and 〇. Radicals (⺀, ⼀) and
// marks such as 々 are Han but not ideographs, so they are not. Where the
// page is vague the SDK leans to accepting: a name the service refuses
// costs one round trip and a typed InvalidParameter; one the SDK refused
// wrongly could never be sent.
func isChineseCharacter(c rune) bool {
	return unicode.Is(unicode.Han, c) && unicode.Is(unicode.Ideographic, c)
}

func isASCIILetter(c rune) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// validatePortRanges checks the page's port rules in O(n log n), so that a
// request of thousands of ranges is judged in milliseconds.
//
// The page bounds how many ranges a listener takes: a listener of more
// than 300 ports takes one range only (PortRangeIllegal.Count), and every
// range holds at least one port, so more than 300 ranges always break that
// rule; no separate limit is needed, or invented.
func validatePortRanges(v *validate.Collector, protocol Protocol, ranges []PortRange) {
	if len(ranges) == 0 {
		v.Add("PortRanges", ErrMissingParameter, "at least one port range is required")
		return
	}
	if (protocol == ProtocolHTTP || protocol == ProtocolHTTPS) &&
		(len(ranges) != 1 || ranges[0].FromPort != ranges[0].ToPort) {
		v.Add("PortRanges", ErrPortRangesMustOne, "an %s listener takes exactly one range with FromPort == ToPort", protocol)
	}
	valid := make([]int, 0, len(ranges)) // indexes of well-formed ranges
	ports := 0
	for i, pr := range ranges {
		ok := checkPort(v, i, "FromPort", pr.FromPort)
		ok = checkPort(v, i, "ToPort", pr.ToPort) && ok
		if !ok {
			continue
		}
		if pr.FromPort > pr.ToPort {
			v.Add(portRangeField(i, ""), ErrPortRangeIllegalListener, "FromPort %d is greater than ToPort %d", pr.FromPort, pr.ToPort)
			continue
		}
		if protocol == ProtocolUDP {
			for _, reserved := range udpReservedPorts {
				if pr.FromPort <= reserved && reserved <= pr.ToPort {
					v.Add(portRangeField(i, ""), ErrPortRangeIllegalUDP, "UDP port %d is reserved (250, 4789 and 4790 are)", reserved)
				}
			}
		}
		valid = append(valid, i)
		ports += pr.ToPort - pr.FromPort + 1
	}
	// "海量端口监听（端口数>300）仅支持配置一个端口范围": the listener's ports, all
	// ranges together.
	if ports > hugeRangePorts && len(ranges) > 1 {
		v.Add("PortRanges", ErrPortRangeIllegalCount, "a listener of more than %d ports takes one range only; these %d ranges hold %d ports",
			hugeRangePorts, len(ranges), ports)
	}
	// Overlaps: sorted by FromPort, a range overlaps the earlier range that
	// reaches furthest whenever it starts at or before that one's end.
	slices.SortStableFunc(valid, func(a, b int) int { return cmp.Compare(ranges[a].FromPort, ranges[b].FromPort) })
	reach := -1 // index of the range reaching furthest so far
	for _, i := range valid {
		if reach >= 0 && ranges[i].FromPort <= ranges[reach].ToPort {
			first, second := min(i, reach), max(i, reach)
			v.Add(portRangeField(second, ""), ErrPortConflictListener, "overlaps PortRanges[%d] (%d-%d)",
				first, ranges[first].FromPort, ranges[first].ToPort)
		}
		if reach < 0 || ranges[i].ToPort > ranges[reach].ToPort {
			reach = i
		}
	}
}

// checkPort checks one end of PortRanges[i]: 65500-65535 are the system's,
// and listeners take 1..65499.
func checkPort(v *validate.Collector, i int, end string, port int) bool {
	switch {
	case port >= minSystemPort && port <= maxTCPPort:
		v.Add(portRangeField(i, end), ErrSystemPortListener, "ports %d-%d are reserved, got %d", minSystemPort, maxTCPPort, port)
		return false
	case port < minPort || port > maxPort:
		v.Add(portRangeField(i, end), ErrPortRangeIllegalListener, "must be %d..%d, got %d", minPort, maxPort, port)
		return false
	}
	return true
}

// portRangeField names PortRanges[i] or one of its fields; built only for a
// violation.
func portRangeField(i int, field string) string {
	name := "PortRanges[" + strconv.Itoa(i) + "]"
	if field != "" {
		name += "." + field
	}
	return name
}

// validateCertificates: "仅HTTPS协议的监听需要配置该参数" — an https listener
// needs one; on others they are ignored, not refused (see Warnings).
func validateCertificates(v *validate.Collector, protocol Protocol, certs []Certificate) {
	if protocol != ProtocolHTTPS {
		return
	}
	if len(certs) == 0 {
		v.Add("Certificates", ErrMissingParameter, "an https listener needs a certificate")
	}
	for i, c := range certs {
		if c.ID == "" {
			v.Add(fmt.Sprintf("Certificates[%d].ID", i), ErrMissingParameter, "is required")
		}
	}
}

// wireParams is the request as the service names its parameters.
type wireParams struct {
	RegionID       string                        `url:"RegionId"`
	ClientToken    string                        `url:"ClientToken"`
	AcceleratorID  string                        `url:"AcceleratorId"`
	Name           string                        `url:"Name,omitempty"`
	Description    string                        `url:"Description,omitempty"`
	ClientAffinity ClientAffinity                `url:"ClientAffinity,omitempty"`
	Protocol       Protocol                      `url:"Protocol,omitempty"`
	ProxyProtocol  bool                          `url:"ProxyProtocol"`
	PortRanges     flatten.OneBased[PortRange]   `url:"PortRanges"`
	Certificates   flatten.OneBased[Certificate] `url:"Certificates,omitempty"`

	Type                        ListenerType                        `url:"Type,omitempty"`
	SecurityPolicyID            SecurityPolicyID                    `url:"SecurityPolicyId,omitempty"`
	XForwardedForConfig         flatten.Dotted[XForwardedForConfig] `url:"XForwardedForConfig"`
	IdleTimeout                 int                                 `url:"IdleTimeout,omitempty"`
	RequestTimeout              int                                 `url:"RequestTimeout,omitempty"`
	HTTPVersion                 HTTPVersion                         `url:"HttpVersion,omitempty"`
	EndpointGroupConfigurations flatten.OneBased[wireEndpointGroup] `url:"EndpointGroupConfigurations,omitempty"`
}

// wire is the request as the service names its parameters, with token as
// its ClientToken.
func (r *CreateListenerRequest) wire(token string) wireParams {
	region := r.RegionID
	if region == "" {
		region = DefaultRegionID
	}
	return wireParams{
		RegionID:       region,
		ClientToken:    token,
		AcceleratorID:  r.AcceleratorID,
		Name:           r.Name,
		Description:    r.Description,
		ClientAffinity: r.ClientAffinity,
		Protocol:       r.Protocol,
		ProxyProtocol:  r.ProxyProtocol,
		PortRanges:     r.PortRanges,
		Certificates:   r.Certificates,

		Type:                        r.Type,
		SecurityPolicyID:            r.SecurityPolicyID,
		XForwardedForConfig:         flatten.Dotted[XForwardedForConfig]{V: r.XForwardedForConfig},
		IdleTimeout:                 r.IdleTimeout,
		RequestTimeout:              r.RequestTimeout,
		HTTPVersion:                 r.HTTPVersion,
		EndpointGroupConfigurations: wireGroups(r.EndpointGroupConfigurations),
	}
}

// params flattens a validated request, with token as its ClientToken.
func (r *CreateListenerRequest) params(token string) (signing.Params, error) {
	return r.appendParams(nil, token)
}

// appendParams flattens the request onto dst (a pooled list).
func (r *CreateListenerRequest) appendParams(dst signing.Params, token string) (signing.Params, error) {
	w := r.wire(token)
	return flatten.Append(dst, &w)
}
