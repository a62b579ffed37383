package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// FileSender appends each message as a JSON line {to, message, at} to a
// file, created with mode 0600: for tests and development.
type FileSender struct {
	Path string
	Now  func() time.Time // default time.Now

	mu sync.Mutex
}

// Message is one line of a FileSender's file.
type Message struct {
	To      string    `json:"to"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

func (s *FileSender) Send(_ context.Context, phone, message string) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	line, err := json.Marshal(Message{To: phone, Message: message, At: now().UTC()})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sms file: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("sms file: %w", err)
	}
	return f.Close()
}
