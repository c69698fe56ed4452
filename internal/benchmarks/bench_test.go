package benchmarks_test

import (
	"context"
	"flag"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/listenerkit/listenerkit-go/bmlb"
	"github.com/listenerkit/listenerkit-go/ga"
	"github.com/listenerkit/listenerkit-go/internal/benchmarks"
)

// BenchmarkPairs runs each pair's client and baseline as plain
// benchmarks, for profiling (-cpuprofile, -memprofile). The figures README
// reports come from the interleaved ratio command instead.
func BenchmarkPairs(b *testing.B) {
	for _, p := range benchmarks.Pairs() {
		client, baseline, stop := p.Setup()
		b.Run(p.Name+"/client", client)
		b.Run(p.Name+"/baseline", baseline)
		stop()
	}
}

// 1,000 sequential calls reuse one TCP connection.
func TestConnectionReuse(t *testing.T) {
	gs, bs := benchmarks.NewServer(`{"RequestId":"r","ListenerId":"lsr-1"}`), benchmarks.NewServer(`{"code":0,"requestId":1}`)
	defer gs.Close()
	defer bs.Close()
	gc, err := ga.NewClient(ga.WithEndpoint(gs.URL), ga.WithCredentials(benchmarks.Credentials()))
	if err != nil {
		t.Fatal(err)
	}
	bc, err := bmlb.NewClient(bmlb.WithRegion("bj"), bmlb.WithEndpoint(bs.URL+"/v2/index.php"), bmlb.WithCredentials(benchmarks.Credentials()))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := gc.CreateListener(context.Background(), benchmarks.GARequest()); err != nil {
			t.Fatal(err)
		}
		if _, err := bc.CreateBmListeners(context.Background(), benchmarks.BMLBRequest()); err != nil {
			t.Fatal(err)
		}
	}
	if n := gs.Conns.Load(); n != 1 {
		t.Errorf("GA: 1,000 calls opened %d connections, want 1", n)
	}
	if n := bs.Conns.Load(); n != 1 {
		t.Errorf("BMLB: 1,000 calls opened %d connections, want 1", n)
	}
}

// Every pair runs: its client and its baseline succeed against their
// server (a broken pair would report a ratio of nothing).
func TestPairsRun(t *testing.T) {
	old := flag.Lookup("test.benchtime").Value.String()
	require.NoError(t, flag.Set("test.benchtime", "20x")) // a smoke run, not a measurement
	defer func() { _ = flag.Set("test.benchtime", old) }()
	for _, p := range benchmarks.Pairs() {
		client, baseline, stop := p.Setup()
		for side, f := range map[string]func(*testing.B){"client": client, "baseline": baseline} {
			if r := testing.Benchmark(f); r.N == 0 {
				t.Errorf("%s %s did not run", p.Name, side)
			}
		}
		stop()
	}
}
