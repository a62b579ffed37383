package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultWebhookTimeout bounds one webhook call.
const DefaultWebhookTimeout = 10 * time.Second

// Webhook POSTs {"to", "message"} as JSON to an SMS gateway's URL. Any
// answer but a 2xx is an error; redirects are not followed (they could
// carry a code to another host).
type Webhook struct {
	URL    string
	Client *http.Client
}

// NewWebhook returns a webhook with its own client; a timeout of 0 means
// DefaultWebhookTimeout.
func NewWebhook(url string, timeout time.Duration) *Webhook {
	if timeout <= 0 {
		timeout = DefaultWebhookTimeout
	}
	return &Webhook{URL: url, Client: &http.Client{Timeout: timeout, CheckRedirect: noRedirects}}
}

func noRedirects(*http.Request, []*http.Request) error {
	return errors.New("the SMS webhook answered with a redirect, which is not followed")
}

func (s *Webhook) Send(ctx context.Context, phone, message string) error {
	body, err := json.Marshal(struct {
		To      string `json:"to"`
		Message string `json:"message"`
	}{phone, message})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.Client.Do(req)
	if err != nil {
		// The error names the URL, never the message.
		return fmt.Errorf("sms webhook: %w", err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("sms webhook: answered %s", res.Status)
	}
	return nil
}
