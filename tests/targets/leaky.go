// SPDX-License-Identifier: BSD-3-Clause
//
// leaky: a Gin service whose endpoints leak memory the ways the seeds
// describe, plus a clean one, so drench's leak detector can be checked
// against the real Go runtime. Each endpoint keeps its leak in a function
// of its own so a heap profile's top entry names it.
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	leakBytes    = flag.Int("leak-bytes", 256, "bytes retained per request by /leak/map")
	garbageBytes = flag.Int("garbage-bytes", 8192, "short-lived bytes every request allocates")

	// Per-request work (decoding, rendering) leaves garbage behind; passing
	// it through this variable keeps the compiler from putting it on the stack.
	sink []byte

	requests = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "target_http_requests_total",
		Help: "Requests served by the test endpoints (not /metrics).",
	})

	// The seeds' first pattern: a global map used as a cache, never evicted.
	sessionsMu sync.Mutex
	sessions   = map[string][]byte{}
	sessionSeq uint64
)

// mapLeakHandler stores a buffer per request in a global map with no eviction.
func mapLeakHandler(c *gin.Context) {
	buf := make([]byte, *leakBytes)
	sessionsMu.Lock()
	sessionSeq++
	sessions[strconv.FormatUint(sessionSeq, 10)] = buf
	sessionsMu.Unlock()
	c.String(http.StatusOK, "stored\n")
}

// goroutineLeakHandler starts a worker that waits on a channel nobody
// ever writes to or closes: the goroutine and its stack live forever.
func goroutineLeakHandler(c *gin.Context) {
	results := make(chan []byte)
	go func() {
		r := <-results
		_ = r
	}()
	c.String(http.StatusOK, "started\n")
}

// tickerLeakHandler creates a ticker and returns without Stop(): the
// runtime keeps every live ticker (Go before 1.23 never collects them).
func tickerLeakHandler(c *gin.Context) {
	t := time.NewTicker(time.Hour)
	_ = t
	c.String(http.StatusOK, "ticking\n")
}

// cleanHandler allocates per request but keeps nothing.
func cleanHandler(c *gin.Context) {
	buf := make([]byte, *leakBytes)
	c.String(http.StatusOK, "ok %d\n", len(buf))
}

// work stands for what a real handler does per request: it allocates
// garbage that the next GC reclaims, so GC runs often as in a real service.
func work(c *gin.Context) {
	if c.Request.URL.Path != "/metrics" {
		requests.Inc()
		sink = make([]byte, *garbageBytes)
		sink = nil // garbage from now on: only the GC sees it
	}
	c.Next()
}

func main() {
	addr := flag.String("listen", "127.0.0.1:8080", "address:port to serve on")
	flag.Parse()
	prometheus.MustRegister(requests)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(work)
	r.GET("/leak/map", mapLeakHandler)
	r.GET("/leak/goroutine", goroutineLeakHandler)
	r.GET("/leak/ticker", tickerLeakHandler)
	r.GET("/clean", cleanHandler)
	r.GET("/metrics", gin.WrapH(promhttp.Handler()))
	// net/http/pprof registers on the default mux.
	r.GET("/debug/pprof/*any", gin.WrapH(http.DefaultServeMux))
	log.Printf("leaky: serving on %s", *addr)
	log.Fatal(r.Run(*addr))
}
