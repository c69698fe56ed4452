package bmlb

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/listenerkit/listenerkit-go/internal/transport"
)

// Any status and body decode to a task id or a typed error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"code":0,"message":"","codeDesc":"Success","requestId":100000}`))
	f.Add(200, []byte(`{"code":"4000","message":"(-12013)dup","codeDesc":"InvalidParameter.VportIsDuplicate"}`))
	f.Add(200, []byte(`{"code":0}`))
	f.Add(502, []byte(`<html></html>`))
	f.Add(200, []byte(`{"code":"x"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var out CreateBmListenersResponse
		_, err := decode(&transport.Response{StatusCode: status, Header: http.Header{}, Body: body}, &out)
		var api *APIError
		var re *transport.ResponseError
		switch {
		case err == nil:
			if status != http.StatusOK {
				t.Fatalf("success with status %d", status)
			}
		case errors.As(err, &api):
			if api.Code == 0 {
				t.Fatal("APIError with code 0")
			}
		case !errors.As(err, &re):
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// Any request validates to nil or to a *ValidationError whose violations
// each name a field and carry one of the API's codes, never a panic; and a
// request that validates flattens to a sorted list with every listener.
func FuzzValidate(f *testing.F) {
	f.Add("lb-1", []byte{0, 80, 0, 2, 5, 3, 3, 0}, "tcp", "web", true, false, "", "", "", 0)
	f.Add("lb-1", []byte{1, 187, 14, 60, 10, 10, 10, 3}, "udp", "dns", true, true, "hexadecimal", "0a0b", "zz", 2)
	f.Add("", []byte{255, 255, 255, 255, 255, 255, 255, 255, 0, 80, 0, 0, 0, 0, 0, 0}, "icmp", "", false, true, "text", "GET /\r\n", "200", 51)
	f.Fuzz(func(t *testing.T, lb string, data []byte, protocol, name string, health, custom bool, inputType, request, response string, bandwidth int) {
		req := &CreateBmListenersRequest{LoadBalancerID: lb}
		for i := 0; i+7 < len(data) && i < 8*60; i += 8 {
			bw := bandwidth + i
			req.Listeners = append(req.Listeners, Listener{
				LoadBalancerPort: int(data[i])<<8 | int(data[i+1]), Protocol: Protocol(protocol), ListenerName: name,
				SessionExpire: int(data[i+2]) * 20, TimeOut: int(data[i+3]), IntervalTime: int(data[i+4]),
				HealthNum: int(data[i+5]), UnhealthNum: int(data[i+6]), LineSeparatorType: int(data[i+7]) % 5,
				HealthSwitch: health, CustomHealthSwitch: custom, InputType: InputType(inputType),
				HealthRequest: request, HealthResponse: response, Bandwidth: &bw, ToaFlag: data[i]%2 == 0,
			})
		}
		err := req.Validate()
		if err != nil {
			var invalid *ValidationError
			if !errors.As(err, &invalid) || len(invalid.Violations) == 0 {
				t.Fatalf("not a validation error with violations: %v", err)
			}
			for _, v := range invalid.Violations {
				var code ErrorCode
				if v.Field == "" || !errors.As(v.Code, &code) || code.Desc() == "" {
					t.Fatalf("violation without a field or a BMLB code: %+v", v)
				}
			}
			return
		}
		p, err := req.params()
		if err != nil {
			t.Fatal(err)
		}
		if !p.Sorted() || p.Get("loadBalancerId") != lb || p.Get("listeners."+strconv.Itoa(len(req.Listeners)-1)+".protocol") != protocol {
			t.Fatalf("flattened badly: %v", p)
		}
	})
}
