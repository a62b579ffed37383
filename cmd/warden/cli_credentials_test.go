package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/iam"
)

// TestCLICredentials drives apikeys, service-accounts, sessions and mfa
// through the CLI against a real server.
func TestCLICredentials(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	anon := client.New(srv.url, "", nil)
	must(anon.Signup(ctx, client.Signup{Email: "ada@example.com", Password: "correct horse battery", OrgName: "Analytical"}))(t)
	cfg := t.TempDir()
	cli := func(stdin string, args ...string) string {
		t.Helper()
		out, err := runCLI(t, cfg, stdin, args...)
		if err != nil {
			t.Fatalf("warden %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	cli("correct horse battery\n", "login", "ada@example.com", "--server", srv.url)

	key := firstLine(cli("", "apikeys", "create", "--description", "laptop", "--source", "127.0.0.1"))
	if !strings.HasPrefix(key, "wdn_") {
		t.Fatalf("apikeys create printed %q", key)
	}
	if who := must(anon.WithToken(key).WhoAmI(ctx))(t); who.Email != "ada@example.com" {
		t.Fatalf("the key authenticates %+v", who)
	}
	var keys []client.APIKey
	noErr(t, json.Unmarshal([]byte(cli("", "apikeys", "list", "--json")), &keys))
	if len(keys) != 1 || keys[0].Description != "laptop" || strings.Contains(cli("", "apikeys", "list"), key) {
		t.Fatalf("apikeys list: %+v", keys)
	}
	cli("", "apikeys", "renew", keys[0].ID.String(), "--expiration-days", "30")
	cli("", "apikeys", "revoke", keys[0].ID.String())
	if _, err := anon.WithToken(key).WhoAmI(ctx); iam.CodeOf(err) != "apikey_revoked" {
		t.Fatalf("a revoked key: %v", err)
	}

	var sa client.ServiceAccount
	noErr(t, json.Unmarshal([]byte(cli("", "service-accounts", "create", "deployer", "--json")), &sa))
	if !strings.Contains(cli("", "service-accounts", "list"), "deployer") {
		t.Fatal("service-accounts list lacks the new account")
	}
	if out := cli("", "service-accounts", "add-client", sa.ID.String(), "pipeline"); !strings.Contains(out, "wsc_") {
		t.Fatalf("add-client printed no secret:\n%s", out)
	}
	saKey := firstLine(cli("", "apikeys", "create", "--service-account", sa.ID.String(), "--source", "127.0.0.1"))
	if who := must(anon.WithToken(saKey).WhoAmI(ctx))(t); who.ServiceAccountID == nil || *who.ServiceAccountID != sa.ID {
		t.Fatalf("the service account's key authenticates %+v", who)
	}
	cli("", "service-accounts", "delete", sa.ID.String())

	// A second session, then sign everything out from the first.
	other := must(anon.Login(ctx, "ada@example.com", "correct horse battery"))(t).AccessToken
	if out := cli("", "sessions", "list"); strings.Count(out, "password") != 2 {
		t.Fatalf("sessions list:\n%s", out)
	}
	var enrol client.TOTPEnrolment
	noErr(t, json.Unmarshal([]byte(cli("", "mfa", "totp-enrol", "--json")), &enrol))
	code := must(totp.GenerateCode(enrol.Secret, time.Now()))(t)
	if out := cli("", "mfa", "totp-verify", code); strings.Count(out, "\n") < 10 {
		t.Fatalf("totp-verify printed no recovery codes:\n%s", out)
	}
	if out := cli("", "mfa", "methods"); !strings.Contains(out, "totp") {
		t.Fatalf("mfa methods:\n%s", out)
	}
	if _, err := anon.Login(ctx, "ada@example.com", "correct horse battery"); iam.CodeOf(err) != "mfa_required" {
		t.Fatalf("a login after enrolment: %v, want mfa_required", err)
	}
	cli("", "mfa", "disable", "totp")
	cli("", "sessions", "revoke", "--all")
	if _, err := anon.WithToken(other).WhoAmI(ctx); !iam.IsKind(err, iam.Unauthenticated) {
		t.Fatalf("the other session survived sign-out everywhere: %v", err)
	}
}

// firstLine is the first line of a command's output: its stdout, before
// what it said on stderr.
func firstLine(out string) string {
	line, _, _ := strings.Cut(out, "\n")
	return line
}
