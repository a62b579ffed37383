package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// NewHTTPClient is a client for many concurrent keep-alive connections to
// one host: every connection stays open between requests, none is shared.
func NewHTTPClient(connections int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        connections * 2,
		MaxIdleConnsPerHost: connections * 2,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

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
type Target struct {
	Base string // scheme://host:port, no trailing slash
	HTTP *http.Client
}

// NewTarget is a Target for base with a client sized for connections.
func NewTarget(base string, connections int) *Target {
	return &Target{Base: strings.TrimRight(base, "/"), HTTP: NewHTTPClient(connections)}
}

// Call sends one request and reads the whole answer, into out when it is
// not nil (reset first), else into nothing. A status other than 2xx is a
// *StatusError.
func (t *Target) Call(ctx context.Context, method, path, token string, body []byte, out *bytes.Buffer) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.Base+path, rd)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		io.Copy(io.Discard, resp.Body)
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
	}
	if out != nil {
		out.Reset()
		_, err = out.ReadFrom(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return err
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
