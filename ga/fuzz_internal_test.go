package ga

import (
	"errors"
	"net/http"
	"testing"

	"github.com/listenerkit/listenerkit-go/internal/transport"
)

// Any status and body decode to a listener id or a typed error, never a
// panic and never a silent zero value.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"RequestId":"r","ListenerId":"lsr-1"}`))
	f.Add(400, []byte(`{"RequestId":"r","Code":"PortConflict.Listener","Message":"m"}`))
	f.Add(200, []byte(`<CreateListenerResponse/>`))
	f.Add(503, []byte(``))
	f.Add(200, []byte(`{"ListenerId":`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var out CreateListenerResponse
		_, err := decode(&transport.Response{StatusCode: status, Header: http.Header{}, Body: body}, &out)
		var api *APIError
		var re *transport.ResponseError
		switch {
		case err == nil:
			if out.ListenerID == "" || status < 200 || status > 299 {
				t.Fatalf("success without a listener id or with status %d", status)
			}
		case errors.As(err, &api):
			if api.Code == "" {
				t.Fatal("APIError without Code")
			}
		case !errors.As(err, &re):
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// Any request validates to nil or to a *ValidationError whose violations
// each name a field and carry one of the page's codes, never a panic; and a
// request that validates flattens to a sorted list holding its ports.
func FuzzValidate(f *testing.F) {
	f.Add("", "", "ga-1", "web", "", "tcp", false, []byte{0, 80, 0, 90}, 0, "")
	f.Add("cn-hangzhou", "tok", "ga-1", "监听-1", "SOURCE_IP", "https", true, []byte{1, 187, 1, 187}, 1, "449-cn-hangzhou")
	f.Add("us-east-1", "\xff", "", "1", "x", "sctp", false, []byte{255, 255, 0, 0, 18, 181, 18, 182}, 2, "")
	f.Add("", "", "ga-1", "a", "", "udp", false, []byte{0, 250, 0, 250, 0, 200, 1, 255}, 0, "")
	f.Fuzz(func(t *testing.T, region, token, accelerator, name, affinity, protocol string, proxy bool, ports []byte, certs int, certID string) {
		req := &CreateListenerRequest{RegionID: region, ClientToken: token, AcceleratorID: accelerator, Name: name,
			ClientAffinity: ClientAffinity(affinity), Protocol: Protocol(protocol), ProxyProtocol: proxy}
		for i := 0; i+3 < len(ports) && i < 64; i += 4 {
			req.PortRanges = append(req.PortRanges, PortRange{FromPort: int(ports[i])<<8 | int(ports[i+1]), ToPort: int(ports[i+2])<<8 | int(ports[i+3])})
		}
		for i := 0; i < certs%4; i++ {
			req.Certificates = append(req.Certificates, Certificate{ID: certID})
		}
		err := req.Validate()
		if err != nil {
			var invalid *ValidationError
			if !errors.As(err, &invalid) || len(invalid.Violations) == 0 {
				t.Fatalf("not a validation error with violations: %v", err)
			}
			for _, v := range invalid.Violations {
				var code ErrorCode
				if v.Field == "" || !errors.As(v.Code, &code) || code == "" {
					t.Fatalf("violation without a field or a GA code: %+v", v)
				}
			}
			return
		}
		p, err := req.params("token")
		if err != nil {
			t.Fatal(err)
		}
		if !p.Sorted() || p.Get("AcceleratorId") != accelerator || len(p) < 2*len(req.PortRanges) {
			t.Fatalf("flattened badly: %v", p)
		}
	})
}
