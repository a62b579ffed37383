package loadgen

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// CheckLoopback refuses a server URL whose host is not on this machine's
// loopback: localhost, 127.0.0.0/8 or ::1. A load test aims at nothing else
// unless the caller explicitly allows it.
func CheckLoopback(server string) error {
	u, err := url.Parse(server)
	if err != nil {
		return fmt.Errorf("--server %q: %w", server, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("--server %q: must be an http:// or https:// URL", server)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("--server %q: has no host", server)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--server %q is not a loopback address (localhost, 127.0.0.0/8, ::1); pass --allow-remote to load a remote server", server)
}

// Target is the server under test.
//
// Requests go through fasthttp's HostClient rather than net/http's
// Transport: the load generator shares the machine with the server, and
// every microsecond it spends on a request is taken from the server.
// net/http's Transport hands each request between three goroutines (the
// caller's, the connection's writer and its reader); on a two-core machine
// a whoami-jwt request cost the load generator as much CPU as it cost the
// server. HostClient sends and reads on the caller's goroutine, over a
// pool of keep-alive connections.
type Target struct {
	Base string // scheme://host:port, no trailing slash
	c    *fasthttp.HostClient
	err  error // base is not a usable URL
}

// requestTimeout bounds a request whose server stopped answering.
const requestTimeout = 60 * time.Second

// NewTarget is a Target for base with room for connections concurrent
// requests (and a few more for the reports' own calls).
func NewTarget(base string, connections int) *Target {
	t := &Target{Base: strings.TrimRight(base, "/")}
	u, err := url.Parse(t.Base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.err = fmt.Errorf("server %q is not an http:// or https:// URL", base)
		return t
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	t.c = &fasthttp.HostClient{
		Addr:                     addr,
		IsTLS:                    u.Scheme == "https",
		TLSConfig:                &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12},
		MaxConns:                 connections + 8,
		MaxConnWaitTimeout:       requestTimeout,
		ReadTimeout:              requestTimeout,
		WriteTimeout:             requestTimeout,
		NoDefaultUserAgentHeader: true,
	}
	return t
}

// Call sends one request and reads the whole answer, into out when it is
// not nil (reset first). A status other than 2xx is a *StatusError. ctx is
// checked before sending; a request in flight runs to its answer or to
// requestTimeout, as the engine lets a request at the deadline finish.
func (t *Target) Call(ctx context.Context, method, path, token string, body []byte, out *bytes.Buffer) error {
	if t.err != nil {
		return t.err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(t.Base + path)
	req.Header.SetMethod(method)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	if err := t.c.Do(req, resp); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if st := resp.StatusCode(); st < 200 || st > 299 {
		b := resp.Body()
		return &StatusError{Method: method, Path: path, Status: st, Body: strings.TrimSpace(string(b[:min(len(b), 300)]))}
	}
	if out != nil {
		out.Reset()
		out.Write(resp.Body())
	}
	return nil
}

// JSON sends in (when not nil) as JSON and decodes the answer into out
// (when not nil). It is for setup, not for measured requests.
func (t *Target) JSON(ctx context.Context, method, path, token string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := t.Call(ctx, method, path, token, body, &buf); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(buf.Bytes(), out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}
