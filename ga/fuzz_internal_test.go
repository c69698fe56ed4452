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
