// SPDX-License-Identifier: BSD-3-Clause
//
// The corpus's gin service: GET /work runs the behaviour of -mode; /metrics
// is client_golang's default registry, /debug/pprof/ is net/http/pprof, as a
// new user sets them up.
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"

	"drench-corpus/behaviour"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8080", "address:port to serve on")
	flag.Parse()
	if err := behaviour.Setup(); err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/work", func(c *gin.Context) { c.String(http.StatusOK, behaviour.Handle()) })
	r.GET("/payload", func(c *gin.Context) { behaviour.HelperPayload(c.Writer) })
	r.GET("/metrics", gin.WrapH(promhttp.Handler()))
	r.GET("/debug/pprof/*any", gin.WrapH(http.DefaultServeMux))
	log.Printf("gin %s: serving on %s", *behaviour.Mode, *addr)
	log.Fatal(r.Run(*addr))
}
