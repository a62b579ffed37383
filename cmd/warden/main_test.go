package main

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for warden when bench starts its
// ceiling server as a child process of os.Executable().
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == benchCeilingCmd {
		if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "warden:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
