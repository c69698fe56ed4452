package flatten_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/signing"
)

// Any values flatten to what go-querystring makes of them, as a list
// sorted by name, with no name twice, that
// crosses the wire (AppendQuery, then a form parser) unchanged, holding
// exactly the fields the tags say: every plain field, non-zero omitempty
// fields, one entry per list element field.
func FuzzFlatten(f *testing.F) {
	f.Add("l", true, 3, 1, -1, "监听 a+b&c=d%", uint8(2), true)
	f.Add("", false, 0, 0, 0, "", uint8(0), false)
	f.Add("Name", true, 65535, 12, 11, "\x00\xff", uint8(200), true)
	f.Fuzz(func(t *testing.T, name string, proxy bool, port, ranges, entries int, text string, bandwidth uint8, health bool) {
		ranges, entries = abs(ranges)%40, abs(entries)%40
		req := alibabaRequest{Name: name, ProxyProtocol: proxy}
		for i := 0; i < ranges; i++ {
			req.PortRanges = append(req.PortRanges, portRange{FromPort: port + i, ToPort: port - i})
		}
		want := 1 + 2*ranges // ProxyProtocol, and both ports of each range
		if name != "" {
			want++
		}
		for i := 0; i < entries; i++ {
			bw := int(bandwidth) + i
			e := tencentEntry{Port: port * i, Health: health, Toa: i%2 == 0, Timeout: i}
			if i%3 == 0 {
				e.Bandwidth = &bw
				want++
			}
			want++ // toaFlag is always sent
			for _, set := range []bool{e.Port != 0, health, e.Timeout != 0} {
				if set {
					want++
				}
			}
			req.Listeners = append(req.Listeners, e)
		}
		if text != "" {
			req.Certificates = []certificate{{ID: text}}
			want++
		}

		got, err := flatten.Values(&req)
		if err != nil {
			t.Fatal(err)
		}
		agreesWithReference(t, &req) // go-querystring, the slow reference, says the same
		if !got.Sorted() {
			t.Fatalf("not sorted: %v", got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Name == got[i-1].Name {
				t.Fatalf("%s twice", got[i].Name)
			}
		}
		if len(got) != want {
			t.Fatalf("%d parameters, want %d: %v", len(got), want, got)
		}
		wire, err := url.ParseQuery(string(got.AppendQuery(nil)))
		if err != nil {
			t.Fatal(err)
		}
		if back := signing.ParamsFromValues(wire); len(back) != len(got) {
			t.Fatalf("sent %v, received %v", got, back)
		} else {
			for i := range back {
				if back[i] != got[i] {
					t.Fatalf("sent %q, received %q", got[i], back[i])
				}
			}
		}
		if ranges > 0 && got.Get("PortRanges."+strconv.Itoa(ranges)+".ToPort") != strconv.Itoa(port-ranges+1) {
			t.Fatalf("last range wrong: %v", got)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
