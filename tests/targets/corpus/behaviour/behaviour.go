// SPDX-License-Identifier: BSD-3-Clause
//
// Package behaviour holds what the corpus services do per request, shared by
// the gin and the echo service so the two differ only in the framework. Each
// mode keeps its memory in a function of its own so a heap profile names it.
package behaviour

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

var (
	Mode          = flag.String("mode", "clean", "behaviour: "+modeNames())
	garbageBytes  = flag.Int("garbage-bytes", 8192, "short-lived bytes every request allocates")
	residentMiB   = flag.Int("resident-mib", 0, "long-lived state allocated at start (config, lookup tables)")
	fastBytes     = flag.Int("fast-bytes", 1024, "fast: bytes retained by every request")
	slowEvery     = flag.Uint64("slow-every", 50, "slow: one request in this many retains -slow-bytes")
	slowBytes     = flag.Int("slow-bytes", 512, "slow: bytes retained by one request in -slow-every")
	goEvery       = flag.Uint64("goroutine-every", 50, "goroutine: one request in this many leaves a blocked goroutine")
	helperURL     = flag.String("helper", "", "body: URL of the local helper called per request")
	cacheEntries  = flag.Int("cache-entries", 4096, "cache, slowcache: capacity in entries (oldest evicted)")
	cacheBytes    = flag.Int("cache-bytes", 8192, "cache, slowcache: bytes per entry")
	keyedKeys     = flag.Int("keyed-keys", 3000, "keyed: size of the key universe (random keys, no eviction)")
	keyedBytes    = flag.Int("keyed-bytes", 2048, "keyed: bytes per key")
	sawtoothBytes = flag.Int("sawtooth-bytes", 2048, "sawtooth: bytes batched per request")
	sawtoothEvery = flag.Duration("sawtooth-every", 15*time.Second, "sawtooth: batch flush period")
	inflightBytes = flag.Int("inflight-bytes", 256<<10, "inflight: per-request state held while it runs")
	inflightHold  = flag.Duration("inflight-hold", 50*time.Millisecond, "inflight: how long a request holds its state")

	served uint64 // requests served on the behaviour route

	// sink keeps the per-request garbage off the stack.
	sink     []byte
	resident [][]byte
)

var modes = map[string]func(n uint64){
	"clean":     func(uint64) {},
	"fast":      fastLeak,
	"slow":      slowLeak,
	"goroutine": goroutineLeak,
	"ticker":    tickerLeak,
	"body":      bodyLeak,
	"cache":     boundedCache,
	"slowcache": boundedCache,
	"keyed":     keyedCache,
	"sawtooth":  sawtoothBatch,
	"inflight":  inflightState,
}

func modeNames() string {
	return "clean fast slow goroutine ticker body cache slowcache keyed sawtooth inflight helper"
}

// Setup checks the mode and starts what runs beside the requests.
func Setup() error {
	if _, ok := modes[*Mode]; !ok && *Mode != "helper" {
		return fmt.Errorf("unknown -mode %q (want one of: %s)", *Mode, modeNames())
	}
	if *Mode == "body" && *helperURL == "" {
		return fmt.Errorf("-mode body needs -helper URL")
	}
	for i := 0; i < *residentMiB; i++ {
		resident = append(resident, touched(1<<20))
	}
	if *Mode == "sawtooth" {
		go sawtoothFlusher()
	}
	return nil
}

// Handle does one request's work in the chosen mode; the frameworks call it
// from their handler for the behaviour route.
func Handle() string {
	n := atomic.AddUint64(&served, 1)
	sink = make([]byte, *garbageBytes)
	sink = nil // garbage from now on: only the GC sees it
	modes[*Mode](n)
	return "ok\n"
}

// HelperPayload is what the helper mode serves to the body mode's calls.
func HelperPayload(w io.Writer) {
	fmt.Fprintf(w, "%0512d\n", 0)
}

func touched(size int) []byte {
	b := make([]byte, size)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	return b
}

// The seeds' first pattern: a global collection that only grows.
var (
	keptMu sync.Mutex
	kept   [][]byte
)

func keep(b []byte) {
	keptMu.Lock()
	kept = append(kept, b)
	keptMu.Unlock()
}

// fastLeak retains a small slice on every request.
func fastLeak(uint64) { keep(make([]byte, *fastBytes)) }

// slowLeak retains a little, rarely: a few bytes per request on average.
func slowLeak(n uint64) {
	if n%*slowEvery == 0 {
		keep(make([]byte, *slowBytes))
	}
}

// goroutineLeak starts, now and then, a worker that waits on a channel
// nobody ever writes to or closes.
func goroutineLeak(n uint64) {
	if n%*goEvery != 0 {
		return
	}
	results := make(chan []byte)
	go func() {
		r := <-results
		_ = r
	}()
}

// tickerLeak creates a ticker and never stops it (Go before 1.23 keeps it).
func tickerLeak(uint64) {
	t := time.NewTicker(time.Hour)
	_ = t
}

// bodyLeak calls the helper and never closes the response body: the
// connection never returns to the pool, so each call keeps a connection,
// its buffers and its two transport goroutines.
func bodyLeak(uint64) {
	resp, err := http.Get(*helperURL)
	if err != nil {
		return
	}
	_ = resp.StatusCode
}

// A bounded FIFO cache: fills at the request rate until it holds
// -cache-entries, then each insert evicts the oldest entry.
var (
	cacheMu   sync.Mutex
	cacheRing [][]byte
)

func boundedCache(n uint64) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if cacheRing == nil {
		cacheRing = make([][]byte, *cacheEntries)
	}
	cacheRing[n%uint64(len(cacheRing))] = make([]byte, *cacheBytes)
}

// A cache keyed by a random id from a finite universe, with no eviction:
// it fills fast, then slower and slower (each new request is more likely a
// hit), and is flat once every key is in.
var (
	keyedMu sync.Mutex
	keyed   = map[int][]byte{}
)

func keyedCache(uint64) {
	k := rand.Intn(*keyedKeys)
	keyedMu.Lock()
	defer keyedMu.Unlock()
	if _, ok := keyed[k]; !ok {
		keyed[k] = make([]byte, *keyedBytes)
	}
}

// A batch that grows per request and is flushed (freed) periodically.
var (
	batchMu sync.Mutex
	batch   [][]byte
)

func sawtoothBatch(uint64) {
	batchMu.Lock()
	batch = append(batch, make([]byte, *sawtoothBytes))
	batchMu.Unlock()
}

func sawtoothFlusher() {
	for range time.Tick(*sawtoothEvery) {
		batchMu.Lock()
		batch = nil
		batchMu.Unlock()
	}
}

// inflightState holds large per-request state while the request runs:
// memory follows the requests in flight, and nothing is kept.
func inflightState(uint64) {
	state := touched(*inflightBytes)
	time.Sleep(*inflightHold)
	sink = state[:1]
	sink = nil
}
