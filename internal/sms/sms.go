// Package sms sends text messages (one-time codes) to phone numbers. A
// Sender is the seam: the server picks one of the built-in senders by
// configuration (New), and tests use the file sender to read what was
// "sent".
package sms

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Sender delivers message to phone, an E.164 number (+4712345678).
type Sender interface {
	Send(ctx context.Context, phone, message string) error
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidPhone reports whether phone is an E.164 number: a plus sign and 7
// to 15 digits, the first not 0, with no spaces or punctuation.
func ValidPhone(phone string) bool { return e164.MatchString(phone) }

// MaskPhone hides all but the country-code end and the last two digits of
// a number: +4712345678 is +47******78. Short or malformed input is masked
// entirely.
func MaskPhone(phone string) string {
	if !ValidPhone(phone) {
		return strings.Repeat("*", len(phone))
	}
	digits := phone[1:]
	return "+" + digits[:2] + strings.Repeat("*", len(digits)-4) + digits[len(digits)-2:]
}

// New returns the sender a --sms-sender setting names:
//
//	""  or "log"     log that a code was sent, to a masked number (the default)
//	"log-codes"      log the whole message, code included: development only
//	"file:<path>"    append a JSON line {to, message, at} to path
//	"https://…"      POST JSON {to, message} to the URL (http:// only to
//	                 a loopback host)
func New(spec string, log *slog.Logger, now func() time.Time) (Sender, error) {
	switch {
	case spec == "" || spec == "log":
		return &LogSender{Log: log}, nil
	case spec == "log-codes":
		return &LogSender{Log: log, ShowMessages: true}, nil
	case strings.HasPrefix(spec, "file:"):
		path := strings.TrimPrefix(spec, "file:")
		if path == "" {
			return nil, fmt.Errorf("sms sender %q: name a file after file:", spec)
		}
		return &FileSender{Path: path, Now: now}, nil
	case strings.HasPrefix(spec, "https://") || strings.HasPrefix(spec, "http://"):
		u, err := url.Parse(spec)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("sms sender %q: not a URL", spec)
		}
		if u.Scheme == "http" && !loopback(u.Hostname()) {
			return nil, fmt.Errorf("sms sender %q: a webhook must use https (http only to localhost)", spec)
		}
		return NewWebhook(spec, 0), nil
	}
	return nil, fmt.Errorf("sms sender %q: want log, log-codes, file:<path> or an https:// URL", spec)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LogSender sends nothing: it logs that a message went to a masked
// number. Only with ShowMessages (--sms-sender=log-codes, for development)
// does the log hold the message, and so the code.
type LogSender struct {
	Log          *slog.Logger
	ShowMessages bool
}

func (s *LogSender) Send(ctx context.Context, phone, message string) error {
	attrs := []any{"to", MaskPhone(phone)}
	if s.ShowMessages {
		attrs = append(attrs, "message", message)
	}
	s.Log.InfoContext(ctx, "sms sent (logged only)", attrs...)
	return nil
}
