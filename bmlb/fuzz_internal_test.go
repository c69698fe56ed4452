package bmlb

import (
	"errors"
	"net/http"
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
