// SPDX-License-Identifier: BSD-3-Clause
//
// The corpus's echo service: the same routes and behaviour as the gin one.
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"

	"drench-corpus/behaviour"

	"github.com/labstack/echo"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:8080", "address:port to serve on")
	flag.Parse()
	if err := behaviour.Setup(); err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.GET("/work", func(c echo.Context) error { return c.String(http.StatusOK, behaviour.Handle()) })
	e.GET("/payload", func(c echo.Context) error {
		behaviour.HelperPayload(c.Response())
		return nil
	})
	e.GET("/metrics", echo.WrapHandler(promhttp.Handler()))
	e.GET("/debug/pprof/*", echo.WrapHandler(http.DefaultServeMux))
	log.Printf("echo %s: serving on %s", *behaviour.Mode, *addr)
	log.Fatal(e.Start(*addr))
}
