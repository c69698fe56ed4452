package flatten_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
)

type portRange struct {
	FromPort int `url:"FromPort"`
	ToPort   int `url:"ToPort"`
}

type certificate struct {
	ID string `url:"Id"`
}

type alibabaRequest struct {
	Name          string                          `url:"Name,omitempty"`
	ProxyProtocol bool                            `url:"ProxyProtocol"`
	PortRanges    flatten.OneBased[portRange]     `url:"PortRanges,omitempty"`
	Certificates  flatten.OneBased[certificate]   `url:"Certificates,omitempty"`
	Listeners     flatten.ZeroBased[tencentEntry] `url:"listeners,omitempty"`
}

type tencentEntry struct {
	Port      int  `url:"loadBalancerPort,omitempty"`
	Health    bool `url:"healthSwitch,int,omitempty"`
	Toa       bool `url:"toaFlag,int"`
	Bandwidth *int `url:"bandwidth,omitempty"`
	Timeout   int  `url:"timeOut,omitempty"`
}

func TestOneBased_AlibabaIndexes(t *testing.T) {
	got, err := flatten.Values(alibabaRequest{
		Name:          "l",
		ProxyProtocol: true,
		PortRanges:    []portRange{{20, 20}, {30, 40}},
		Certificates:  []certificate{{"449-cn-hangzhou"}},
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"Name":                  {"l"},
		"ProxyProtocol":         {"true"},
		"PortRanges.1.FromPort": {"20"},
		"PortRanges.1.ToPort":   {"20"},
		"PortRanges.2.FromPort": {"30"},
		"PortRanges.2.ToPort":   {"40"},
		"Certificates.1.Id":     {"449-cn-hangzhou"},
	}, got)
}

func TestZeroBased_TencentIndexesSwitchesAndZeros(t *testing.T) {
	zero, five := 0, 5
	got, err := flatten.Values(alibabaRequest{Listeners: []tencentEntry{
		{Port: 80, Health: true, Toa: true, Bandwidth: &zero},
		{Port: 81, Bandwidth: &five, Timeout: 2},
		{Port: 82},
	}})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"ProxyProtocol":                {"false"}, // a plain bool is always sent
		"listeners.0.loadBalancerPort": {"80"},
		"listeners.0.healthSwitch":     {"1"},
		"listeners.0.toaFlag":          {"1"},
		"listeners.0.bandwidth":        {"0"}, // explicit zero through a pointer
		"listeners.1.loadBalancerPort": {"81"},
		"listeners.1.toaFlag":          {"0"},
		"listeners.1.bandwidth":        {"5"},
		"listeners.1.timeOut":          {"2"},
		"listeners.2.loadBalancerPort": {"82"},
		"listeners.2.toaFlag":          {"0"},
	}, got)
}

func TestIndexesPastNine(t *testing.T) {
	ranges := make([]portRange, 12)
	got, err := flatten.Values(alibabaRequest{PortRanges: ranges})
	require.NoError(t, err)
	assert.Contains(t, got, "PortRanges.12.ToPort")
	assert.NotContains(t, got, "PortRanges.0.ToPort")
	assert.Len(t, got, 12*2+1)
}

func TestEmptyListsAreOmitted(t *testing.T) {
	got, err := flatten.Values(alibabaRequest{})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"ProxyProtocol": {"false"}}, got)
}
