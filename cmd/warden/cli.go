package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/client"
)

const defaultServer = "http://127.0.0.1:8080"

// cliContext is what every client command shares: where the server is, the
// token, the output format and the saved credentials.
type cliContext struct {
	getenv  func(string) string
	server  string
	token   string
	jsonOut bool
}

// addClientCommands adds the commands that talk to a running server.
func addClientCommands(root *cobra.Command, getenv func(string) string) {
	cc := &cliContext{getenv: getenv}
	pf := root.PersistentFlags()
	pf.StringVar(&cc.server, "server", "", "URL of the Warden server (default: the one you logged in to, else "+defaultServer+")")
	pf.StringVar(&cc.token, "token", "", "access token (default: the one saved by warden login)")
	pf.BoolVar(&cc.jsonOut, "json", false, "print JSON instead of tables")
	root.AddCommand(newLoginCmd(cc), newLogoutCmd(cc), newWhoamiCmd(cc), newUsersCmd(cc), newOrgsCmd(cc), newAuditCmd(cc),
		newAPIKeysCmd(cc), newServiceAccountsCmd(cc), newSessionsCmd(cc), newMFACmd(cc))
}

// credentials is what warden login saves.
type credentials struct {
	Server string `json:"server"`
	Token  string `json:"token"`
}

// credentialsPath is $WARDEN_CONFIG_DIR/credentials.json, or the user's
// config directory's warden/credentials.json.
func (cc *cliContext) credentialsPath() (string, error) {
	if dir := cc.getenv("WARDEN_CONFIG_DIR"); dir != "" {
		return filepath.Join(dir, "credentials.json"), nil
	}
	dir := cc.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := cc.getenv("HOME")
		if home == "" {
			return "", errors.New("cannot find a config directory: set WARDEN_CONFIG_DIR or HOME")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "warden", "credentials.json"), nil
}

func (cc *cliContext) saved() credentials {
	var c credentials
	if p, err := cc.credentialsPath(); err == nil {
		if b, err := os.ReadFile(p); err == nil {
			_ = json.Unmarshal(b, &c)
		}
	}
	return c
}

func (cc *cliContext) save(c credentials) error {
	p, err := cc.credentialsPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	return os.WriteFile(p, b, 0o600)
}

// serverURL is --server, else the saved server, else the default.
func (cc *cliContext) serverURL() string {
	if cc.server != "" {
		return cc.server
	}
	if s := cc.saved().Server; s != "" {
		return s
	}
	return defaultServer
}

// client returns an API client with the token of --token, or the saved one
// when it was saved for this server.
func (cc *cliContext) client() *client.Client {
	server, token := cc.serverURL(), cc.token
	if token == "" {
		if s := cc.saved(); s.Server == server {
			token = s.Token
		}
	}
	return client.New(server, token, nil)
}

// print writes v as JSON, or as a table of header and rows.
func (cc *cliContext) print(w io.Writer, v any, header []string, rows [][]string) error {
	if cc.jsonOut {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// readSecret reads one line from stdin, for passwords that must not appear
// in the process list or shell history.
func readSecret(cmd *cobra.Command, prompt string) (string, error) {
	if f, ok := cmd.InOrStdin().(*os.File); ok && isTerminal(f) {
		fmt.Fprint(cmd.ErrOrStderr(), prompt)
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newLoginCmd(cc *cliContext) *cobra.Command {
	return &cobra.Command{
		Use:   "login EMAIL_OR_USERNAME",
		Short: "Log in and save the token for later commands (the password is read from stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			password, err := readSecret(cmd, "Password: ")
			if err != nil {
				return err
			}
			server := cc.serverURL()
			res, err := client.New(server, "", nil).Login(cmd.Context(), args[0], password)
			if err != nil {
				return err
			}
			if err := cc.save(credentials{Server: server, Token: res.AccessToken}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Logged in to %s as %s until %s.\n", server, res.User.Email, res.ExpiresAt.Local().Format("2006-01-02 15:04"))
			return nil
		},
	}
}

func newLogoutCmd(cc *cliContext) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the saved session and forget its token",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cc.client().Logout(cmd.Context()); err != nil {
				return err
			}
			return cc.save(credentials{Server: cc.serverURL()})
		},
	}
}

func newWhoamiCmd(cc *cliContext) *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who the saved token belongs to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := cc.client().WhoAmI(cmd.Context())
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), w, []string{"EMAIL", "USERNAME", "ROLES", "ORGANIZATION"},
				[][]string{{w.Email, w.Username, strings.Join(w.Roles, ","), joinIDs(w.OrganizationIDs)}})
		},
	}
}
