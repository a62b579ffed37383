// Package client is a typed Go client of Warden's native API, used by the
// command-line client and by end-to-end tests.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/wardenhq/warden/internal/iam"
)

// Client talks to one Warden server as one caller.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// New returns a client of the server at base (http://127.0.0.1:8080) that
// authenticates with token, if not empty. hc may be nil.
func New(base, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(base, "/"), token: token, http: hc}
}

// WithToken returns a copy of c that authenticates with token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// kindOf is the inverse of the server's kind → status map.
var kindOf = map[int]iam.Kind{
	http.StatusBadRequest:            iam.Invalid,
	http.StatusUnauthorized:          iam.Unauthenticated,
	http.StatusForbidden:             iam.PermissionDenied,
	http.StatusNotFound:              iam.NotFound,
	http.StatusConflict:              iam.Conflict,
	http.StatusPreconditionFailed:    iam.FailedPrecondition,
	http.StatusTooManyRequests:       iam.RateLimited,
	http.StatusRequestEntityTooLarge: iam.TooLarge,
	http.StatusUnsupportedMediaType:  iam.Unsupported,
	http.StatusServiceUnavailable:    iam.Unavailable,
	http.StatusUnprocessableEntity:   iam.Unprocessable,
}

// problem is the server's problem+json error body.
type problem struct {
	Status int              `json:"status"`
	Detail string           `json:"detail"`
	Code   string           `json:"code"`
	Errors []iam.FieldError `json:"errors"`
}

// do sends a request with a JSON body (if in is not nil) and decodes a JSON
// answer into out (if not nil). Errors come back as *iam.Error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, contentType string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return responseError(resp.StatusCode, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding the answer to %s %s: %w", method, path, err)
	}
	return nil
}

func responseError(status int, data []byte) error {
	var p problem
	_ = json.Unmarshal(data, &p)
	kind, ok := kindOf[status]
	if !ok {
		kind = iam.Internal
	}
	if p.Code == "" {
		p.Code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	}
	if p.Detail == "" {
		p.Detail = fmt.Sprintf("the server answered %d", status)
	}
	return &iam.Error{Kind: kind, Code: p.Code, Message: p.Detail, Fields: p.Errors}
}
