// Command ratio measures each client against its bare net/http baseline
// the way README reports it: client and baseline interleaved, round after
// round, in a shuffled order, so that the machine's drift falls on both
// sides of each round's ratio; then the median of the per-round ratios and
// their spread (lowest..highest), at each GOMAXPROCS asked for.
//
//	go run ./internal/benchmarks/ratio                 # 10 rounds, GOMAXPROCS 2 and 1
//	go run ./internal/benchmarks/ratio -rounds 20 -cpu 2 -benchtime 500ms
//
// Time is the ratio of ns/op (client ÷ baseline; lower is better); for the
// parallel pair it is also read as throughput, baseline ÷ client. Bytes
// and allocations are per call, medians over the rounds.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/listenerkit/listenerkit-go/internal/benchmarks"
)

func main() {
	testing.Init()
	rounds := flag.Int("rounds", 10, "interleaved rounds")
	cpus := flag.String("cpu", "2,1", "GOMAXPROCS values, comma-separated")
	benchtime := flag.Duration("benchtime", 200*time.Millisecond, "time per benchmark per round")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "shuffle seed")
	flag.Parse()
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(os.Stdout, *rounds, *cpus, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "ratio:", err)
		os.Exit(1)
	}
}

// sample is one benchmark's result in one round.
type sample struct{ ns, bytes, allocs float64 }

func run(out io.Writer, rounds int, cpus string, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	fmt.Fprintf(out, "%s, %s/%s, %d CPUs; %d rounds, benchtime %s, seed %d\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), rounds, flag.Lookup("test.benchtime").Value, seed)
	for _, field := range strings.Split(cpus, ",") {
		procs, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || procs < 1 {
			return fmt.Errorf("bad -cpu value %q", field)
		}
		previous := runtime.GOMAXPROCS(procs)
		err = measure(out, rng, rounds, procs)
		runtime.GOMAXPROCS(previous)
		if err != nil {
			return err
		}
	}
	return nil
}

func measure(out io.Writer, rng *rand.Rand, rounds, procs int) error {
	pairs := benchmarks.Pairs()
	type side struct {
		pair   int
		client bool
		body   func(*testing.B)
	}
	var sides []side
	var stops []func()
	for i, p := range pairs {
		client, baseline, stop := p.Setup()
		sides = append(sides, side{i, true, client}, side{i, false, baseline})
		stops = append(stops, stop)
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	ratios := make([][]float64, len(pairs))
	client := make([][]sample, len(pairs))
	baseline := make([][]sample, len(pairs))
	for r := 0; r < rounds; r++ {
		rng.Shuffle(len(sides), func(i, j int) { sides[i], sides[j] = sides[j], sides[i] })
		got := make([][2]sample, len(pairs))
		for _, s := range sides {
			res := testing.Benchmark(s.body)
			if res.N == 0 {
				return fmt.Errorf("%s failed to run", pairs[s.pair].Name)
			}
			smp := sample{float64(res.NsPerOp()), float64(res.AllocedBytesPerOp()), float64(res.AllocsPerOp())}
			if s.client {
				got[s.pair][0] = smp
			} else {
				got[s.pair][1] = smp
			}
		}
		for i := range pairs {
			ratios[i] = append(ratios[i], got[i][0].ns/got[i][1].ns)
			client[i] = append(client[i], got[i][0])
			baseline[i] = append(baseline[i], got[i][1])
		}
	}
	fmt.Fprintf(out, "GOMAXPROCS=%d\n\n", procs)
	fmt.Fprintln(out, "| benchmark | client ns/op | baseline ns/op | client ÷ baseline (median, spread) | B/op client / baseline | allocs/op client / baseline |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	for i, p := range pairs {
		lo, med, hi := spread(ratios[i])
		ratio := fmt.Sprintf("**%.2f×** (%.2f..%.2f)", med, lo, hi)
		if p.Parallel {
			ratio += fmt.Sprintf("; throughput **%.2f×**", 1/med)
		}
		fmt.Fprintf(out, "| %s | %.0f | %.0f | %s | %.0f / %.0f | %.0f / %.0f |\n", p.Name,
			median(client[i], func(s sample) float64 { return s.ns }), median(baseline[i], func(s sample) float64 { return s.ns }), ratio,
			median(client[i], func(s sample) float64 { return s.bytes }), median(baseline[i], func(s sample) float64 { return s.bytes }),
			median(client[i], func(s sample) float64 { return s.allocs }), median(baseline[i], func(s sample) float64 { return s.allocs }))
	}
	fmt.Fprintln(out)
	return nil
}

// spread is the lowest, the median and the highest of xs.
func spread(xs []float64) (lo, med, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[0], medianSorted(s), s[len(s)-1]
}

func median(samples []sample, of func(sample) float64) float64 {
	xs := make([]float64, len(samples))
	for i, s := range samples {
		xs[i] = of(s)
	}
	slices.Sort(xs)
	return medianSorted(xs)
}

func medianSorted(s []float64) float64 {
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
