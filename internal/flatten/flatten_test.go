package flatten_test

import (
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/internal/flatten"
	"github.com/listenerkit/listenerkit-go/signing"
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
	assert.True(t, got.Sorted())
	assert.Equal(t, url.Values{
		"Name":                  {"l"},
		"ProxyProtocol":         {"true"},
		"PortRanges.1.FromPort": {"20"},
		"PortRanges.1.ToPort":   {"20"},
		"PortRanges.2.FromPort": {"30"},
		"PortRanges.2.ToPort":   {"40"},
		"Certificates.1.Id":     {"449-cn-hangzhou"},
	}, got.Values())
}

func TestZeroBased_TencentIndexesSwitchesAndZeros(t *testing.T) {
	zero, five := 0, 5
	got, err := flatten.Values(alibabaRequest{Listeners: []tencentEntry{
		{Port: 80, Health: true, Toa: true, Bandwidth: &zero},
		{Port: 81, Bandwidth: &five, Timeout: 2},
		{Port: 82},
	}})
	require.NoError(t, err)
	assert.True(t, got.Sorted())
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
	}, got.Values())
}

func TestIndexesPastNine(t *testing.T) {
	ranges := make([]portRange, 12)
	got, err := flatten.Values(alibabaRequest{PortRanges: ranges})
	require.NoError(t, err)
	assert.Contains(t, got.Values(), "PortRanges.12.ToPort")
	assert.NotContains(t, got.Values(), "PortRanges.0.ToPort")
	assert.Len(t, got, 12*2+1)
	assert.True(t, got.Sorted(), "PortRanges.10 and .11 come between .1 and .2")
}

func TestEmptyListsAreOmitted(t *testing.T) {
	got, err := flatten.Values(alibabaRequest{})
	require.NoError(t, err)
	assert.Equal(t, signing.Params{{Name: "ProxyProtocol", Value: "false"}}, got)
}

// Lists longer than the kept names (maxCachedIndexes) build the rest per
// call, in the same order.
func TestLongListsPastTheKeptNames(t *testing.T) {
	ranges := make([]portRange, 1100)
	for i := range ranges {
		ranges[i] = portRange{i, i}
	}
	got, err := flatten.Values(&alibabaRequest{PortRanges: ranges})
	require.NoError(t, err)
	assert.Len(t, got, 1100*2+1)
	assert.True(t, got.Sorted())
	assert.Equal(t, "1099", got.Values().Get("PortRanges.1100.ToPort"))
	assert.Equal(t, "0", got.Values().Get("PortRanges.1.FromPort"))
}

type kinds struct {
	Skipped   string `url:"-"`
	Untagged  string
	private   string `url:"private"`
	Count     uint16 `url:"Count"`
	Negative  int64  `url:"Negative"`
	EmptyName string `url:"Empty"`
	Zero      int    `url:"Zero,omitempty"`
}

func TestKindsAndSkippedFields(t *testing.T) {
	got, err := flatten.Values(kinds{Skipped: "x", Untagged: "y", private: "z", Count: 65535, Negative: -7})
	require.NoError(t, err)
	assert.Equal(t, signing.Params{{Name: "Count", Value: "65535"}, {Name: "Empty", Value: ""}, {Name: "Negative", Value: "-7"}}, got)
}

func TestUnsupportedKindsAreErrors(t *testing.T) {
	_, err := flatten.Values(struct {
		F float64 `url:"F"`
	}{})
	assert.ErrorContains(t, err, "unsupported type float64")
	_, err = flatten.Values(struct {
		L flatten.OneBased[int] `url:"L"`
	}{})
	assert.ErrorContains(t, err, "a list of int, not of structs")
	_, err = flatten.Values(42)
	assert.ErrorContains(t, err, "is not a struct")
}

// Append keeps what dst held.
func TestAppendExtends(t *testing.T) {
	got, err := flatten.Append(signing.Params{{Name: "Action", Value: "X"}}, alibabaRequest{Name: "n"})
	require.NoError(t, err)
	assert.Equal(t, signing.Params{{Name: "Action", Value: "X"}, {Name: "Name", Value: "n"}, {Name: "ProxyProtocol", Value: "false"}}, got)
}

// Many goroutines flattening new types and long lists at once share plans
// and kept names safely (run under -race).
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ls := make([]tencentEntry, 1+g*7)
			got, err := flatten.Values(alibabaRequest{Listeners: ls})
			assert.NoError(t, err)
			assert.True(t, got.Sorted())
			assert.Len(t, got, 1+len(ls)) // ProxyProtocol, and each zero entry's toaFlag
		}()
	}
	wg.Wait()
}
