package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPprofMux(t *testing.T) {
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1"} {
		w := httptest.NewRecorder()
		pprofMux().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, w.Code)
		}
	}
	w := httptest.NewRecorder()
	pprofMux().ServeHTTP(w, httptest.NewRequest("GET", "/v1/users", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("the profile mux serves /v1/users: %d", w.Code)
	}
}

func TestStartPprof(t *testing.T) {
	srv, addr, err := startPprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	res, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "warden") {
		t.Errorf("GET /debug/pprof/cmdline: %d %q", res.StatusCode, body)
	}
	if _, _, err := startPprof("256.0.0.1:0", slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a bad address starts a profile listener")
	}
}
