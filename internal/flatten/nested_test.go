package flatten_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/signing"
)

// The shapes of GA's newer CreateListener fields (issue 16): a struct as
// Parent.Child, lists of structs holding lists, chained 1-based indexes.
type switches struct {
	On    bool `url:"On,omitempty"`
	Other bool `url:"Other,omitempty"`
}

type endpoint struct {
	Address string `url:"Endpoint,omitempty"`
	Weight  *int   `url:"Weight"`
}

type override struct {
	ListenerPort int `url:"ListenerPort,omitempty"`
}

type group struct {
	Name      string                       `url:"EndpointGroupName,omitempty"`
	Health    flatten.Dotted[switches]     `url:"Health"`
	Endpoints flatten.OneBased[endpoint]   `url:"EndpointConfigurations"`
	Overrides flatten.OneBased[override]   `url:"PortOverrides"`
	Ports     flatten.ZeroBased[portRange] `url:"ports"`
}

type nestedRequest struct {
	Name   string                   `url:"Name,omitempty"`
	XFF    flatten.Dotted[switches] `url:"XForwardedForConfig"`
	Groups flatten.OneBased[group]  `url:"EndpointGroupConfigurations"`
	Zeta   string                   `url:"Zeta"`
}

func TestNested_StructsAndListsChain(t *testing.T) {
	zero, five := 0, 5
	req := nestedRequest{
		Name: "l",
		XFF:  flatten.Dotted[switches]{V: &switches{On: true}},
		Groups: flatten.OneBased[group]{
			{Name: "g1", Endpoints: flatten.OneBased[endpoint]{{Address: "1.1.1.1", Weight: &zero}, {Address: "2.2.2.2", Weight: &five}}},
			{Name: "g2", Overrides: flatten.OneBased[override]{{ListenerPort: 443}}, Health: flatten.Dotted[switches]{V: &switches{Other: true}},
				Ports: flatten.ZeroBased[portRange]{{FromPort: 1, ToPort: 2}}},
		},
		Zeta: "z",
	}
	got, err := flatten.Values(&req)
	require.NoError(t, err)
	assert.Equal(t, signing.Params{
		{Name: "EndpointGroupConfigurations.1.EndpointConfigurations.1.Endpoint", Value: "1.1.1.1"},
		{Name: "EndpointGroupConfigurations.1.EndpointConfigurations.1.Weight", Value: "0"},
		{Name: "EndpointGroupConfigurations.1.EndpointConfigurations.2.Endpoint", Value: "2.2.2.2"},
		{Name: "EndpointGroupConfigurations.1.EndpointConfigurations.2.Weight", Value: "5"},
		{Name: "EndpointGroupConfigurations.1.EndpointGroupName", Value: "g1"},
		{Name: "EndpointGroupConfigurations.2.EndpointGroupName", Value: "g2"},
		{Name: "EndpointGroupConfigurations.2.Health.Other", Value: "true"},
		{Name: "EndpointGroupConfigurations.2.PortOverrides.1.ListenerPort", Value: "443"},
		{Name: "EndpointGroupConfigurations.2.ports.0.FromPort", Value: "1"},
		{Name: "EndpointGroupConfigurations.2.ports.0.ToPort", Value: "2"},
		{Name: "Name", Value: "l"},
		{Name: "XForwardedForConfig.On", Value: "true"},
		{Name: "Zeta", Value: "z"},
	}, got)
	agreesWithReference(t, &req)

	// A nil struct and empty lists send nothing.
	got, err = flatten.Values(&nestedRequest{Zeta: "z"})
	require.NoError(t, err)
	assert.Equal(t, signing.Params{{Name: "Zeta", Value: "z"}}, got)
}

// Nested values of any shape flatten to what go-querystring makes of them,
// sorted, each name once, and cross the wire unchanged.
func FuzzFlattenNested(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(1), true, false, "g", "a+b&c=%")
	f.Add(uint8(12), uint8(11), uint8(0), false, true, "", "监听")
	f.Fuzz(func(t *testing.T, groups, endpoints, overrides uint8, on, other bool, name, text string) {
		req := nestedRequest{Name: name, Zeta: text}
		if on || other {
			req.XFF.V = &switches{On: on, Other: other}
		}
		for g := 0; g < int(groups%15); g++ {
			grp := group{Name: text}
			for e := 0; e < int(endpoints%15); e++ {
				w := e * g
				grp.Endpoints = append(grp.Endpoints, endpoint{Address: name, Weight: &w})
			}
			for o := 0; o < int(overrides%6); o++ {
				grp.Overrides = append(grp.Overrides, override{ListenerPort: o})
				grp.Ports = append(grp.Ports, portRange{FromPort: o, ToPort: g})
			}
			if g%2 == 0 {
				grp.Health.V = &switches{On: on}
			}
			req.Groups = append(req.Groups, grp)
		}
		got, err := flatten.Values(&req)
		if err != nil {
			t.Fatal(err)
		}
		agreesWithReference(t, &req)
		if !got.Sorted() {
			t.Fatalf("not sorted: %v", got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Name == got[i-1].Name {
				t.Fatalf("%s twice", got[i].Name)
			}
		}
		wire, err := url.ParseQuery(string(got.AppendQuery(nil)))
		if err != nil {
			t.Fatal(err)
		}
		back := signing.ParamsFromValues(wire)
		if len(back) != len(got) {
			t.Fatalf("sent %d parameters, received %d", len(got), len(back))
		}
		for i := range back {
			if back[i] != got[i] {
				t.Fatalf("sent %q, received %q", got[i], back[i])
			}
		}
	})
}
