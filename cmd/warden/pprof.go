package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofMux serves the runtime profiles (net/http/pprof) under /debug/pprof/.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also heap, goroutine, allocs, block, mutex, threadcreate
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startPprof serves pprofMux on its own listener at addr, apart from the
// API, so that the profiles (which reveal memory contents and cost CPU) are
// never reachable through the API's address. It returns the server, to be
// closed on shutdown, and the address it listens on.
func startPprof(addr string, log *slog.Logger) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Warn("serving profiles (--pprof): keep this address private", "pprof_addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return srv, ln.Addr().String(), nil
}
