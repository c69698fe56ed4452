package flatten

import (
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// inByteOrder yields exactly the integers of [lo, hi], in the order sorting
// their decimal strings gives.
func TestInByteOrderMatchesSortedStrings(t *testing.T) {
	for _, lo := range []int{0, 1} {
		for hi := lo; hi < 1200; hi++ {
			var want []string
			for i := lo; i <= hi; i++ {
				want = append(want, strconv.Itoa(i))
			}
			slices.Sort(want)
			var got []string
			for _, i := range inByteOrder(lo, hi, nil) {
				got = append(got, strconv.Itoa(i))
			}
			if !assert.Equal(t, want, got, "lo %d hi %d", lo, hi) {
				return
			}
		}
	}
}
