package sms_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/sms"
)

func TestValidPhone(t *testing.T) {
	for _, p := range []string{"+4712345678", "+14155552671", "+1234567", "+123456789012345"} {
		if !sms.ValidPhone(p) {
			t.Errorf("ValidPhone(%q) = false", p)
		}
	}
	for _, p := range []string{"", "4712345678", "+0712345678", "+47 1234 5678", "+47-12345678", "+123456", "+1234567890123456", "+47abc45678", "++4712345678"} {
		if sms.ValidPhone(p) {
			t.Errorf("ValidPhone(%q) = true", p)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+4712345678":  "+47******78",
		"+14155552671": "+14*******71",
		"+1234567":     "+12***67",
		"garbage":      "*******",
	} {
		if got := sms.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNew(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, spec := range []string{"", "log", "log-codes", "file:/tmp/x.jsonl", "https://sms.example/send", "http://127.0.0.1:9/x", "http://localhost/x"} {
		if _, err := sms.New(spec, log, time.Now); err != nil {
			t.Errorf("New(%q): %v", spec, err)
		}
	}
	for _, spec := range []string{"file:", "http://sms.example/send", "smtp://x", "https://", "loud"} {
		if _, err := sms.New(spec, log, time.Now); err == nil {
			t.Errorf("New(%q) accepted", spec)
		}
	}
}

func TestLogSenderHidesTheCodeUnlessAsked(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	quiet, _ := sms.New("log", log, time.Now)
	if err := quiet.Send(context.Background(), "+4712345678", "Your code is 493817"); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "493817") || strings.Contains(out, "12345678") || !strings.Contains(out, "+47******78") {
		t.Fatalf("log sender wrote %q", out)
	}
	buf.Reset()
	loud, _ := sms.New("log-codes", log, time.Now)
	loud.Send(context.Background(), "+4712345678", "Your code is 493817")
	if !strings.Contains(buf.String(), "493817") {
		t.Fatalf("log-codes sender wrote %q", buf.String())
	}
}

func TestFileSenderAppendsJSONLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sms.jsonl")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := sms.New("file:"+path, slog.New(slog.DiscardHandler), func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"first 111111", "second 222222"} {
		if err := s.Send(context.Background(), "+4712345678", m); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []sms.Message
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m sms.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != 2 || got[0].Message != "first 111111" || got[1].Message != "second 222222" ||
		got[0].To != "+4712345678" || !got[1].At.Equal(at) {
		t.Fatalf("file holds %+v", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
}

func TestWebhook(t *testing.T) {
	type call struct {
		ctype string
		body  map[string]string
	}
	calls := make(chan call, 10)
	var status atomic.Int32
	status.Store(http.StatusAccepted)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		if r.Method != http.MethodPost {
			body = map[string]string{"method": r.Method}
		}
		calls <- call{r.Header.Get("Content-Type"), body}
		switch r.URL.Path {
		case "/slow":
			time.Sleep(500 * time.Millisecond)
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	ctx := context.Background()

	t.Run("a 2xx answer is success", func(t *testing.T) {
		if err := sms.NewWebhook(srv.URL+"/send", time.Second).Send(ctx, "+4712345678", "code 123456"); err != nil {
			t.Fatal(err)
		}
		c := <-calls
		if c.ctype != "application/json" || c.body["to"] != "+4712345678" || c.body["message"] != "code 123456" || len(c.body) != 2 {
			t.Fatalf("the gateway got %+v", c)
		}
	})
	t.Run("a non-2xx answer is an error", func(t *testing.T) {
		status.Store(http.StatusBadGateway)
		defer status.Store(http.StatusAccepted)
		err := sms.NewWebhook(srv.URL+"/send", time.Second).Send(ctx, "+4712345678", "code 123456")
		if err == nil || !strings.Contains(err.Error(), "502") || strings.Contains(err.Error(), "123456") {
			t.Fatalf("err = %v", err)
		}
		<-calls
	})
	t.Run("a slow gateway times out", func(t *testing.T) {
		if err := sms.NewWebhook(srv.URL+"/slow", 50*time.Millisecond).Send(ctx, "+4712345678", "x"); err == nil {
			t.Fatal("no timeout")
		}
		<-calls
	})
	t.Run("a redirect is not followed", func(t *testing.T) {
		if err := sms.NewWebhook(srv.URL+"/moved", time.Second).Send(ctx, "+4712345678", "x"); err == nil {
			t.Fatal("the redirect was followed")
		}
		<-calls
		select {
		case c := <-calls:
			t.Fatalf("the redirect target was called: %+v", c)
		default:
		}
	})
	t.Run("an unreachable gateway is an error", func(t *testing.T) {
		if err := sms.NewWebhook("http://127.0.0.1:1/x", time.Second).Send(ctx, "+4712345678", "x"); err == nil {
			t.Fatal("no error")
		}
	})
}
