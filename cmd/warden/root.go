package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newRootCmd(getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "warden",
		Short:         "Warden: identity and access server, and its command-line client",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd, getenv)
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newServeCmd(), newMigrateCmd(), newSeedCmd(), newBenchCmd(), newBenchCeilingCmd())
	addClientCommands(root, getenv)
	documentEnv(root)
	return root
}

// envName is the environment variable that sets a flag: --database-url is
// WARDEN_DATABASE_URL.
func envName(flag string) string {
	return "WARDEN_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its WARDEN_*
// variable, so a flag wins over the environment, which wins over the default.
// A malformed value is an error, not silently the default.
func applyEnv(cmd *cobra.Command, getenv func(string) string) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		v := getenv(envName(f.Name))
		if err != nil || f.Changed || v == "" || f.Name == "help" {
			return
		}
		if e := f.Value.Set(v); e != nil {
			err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
		}
	})
	return err
}

// documentEnv names each flag's variable in its help text.
func documentEnv(cmd *cobra.Command) {
	note := func(f *pflag.Flag) {
		if f.Name != "help" && !strings.Contains(f.Usage, "WARDEN_") {
			f.Usage += " (" + envName(f.Name) + ")"
		}
	}
	cmd.Flags().VisitAll(note)
	cmd.PersistentFlags().VisitAll(note)
	for _, c := range cmd.Commands() {
		documentEnv(c)
	}
}
