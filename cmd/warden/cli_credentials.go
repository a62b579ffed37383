package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/client"
)

// ownerFlags selects whose credentials a command manages: the caller's own
// by default, another user's with --user, a service account's with
// --service-account.
type ownerFlags struct{ user, serviceAccount string }

func (o *ownerFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&o.user, "user", "", "a user ID (default: yourself)")
	cmd.PersistentFlags().StringVar(&o.serviceAccount, "service-account", "", "a service account ID instead of a user")
}

func (o *ownerFlags) owner(cmd *cobra.Command, cc *cliContext) (client.Owner, error) {
	if o.serviceAccount != "" {
		return client.Owner{ServiceAccount: true, ID: o.serviceAccount}, nil
	}
	id, err := userOrSelf(cmd, cc, o.user)
	return client.Owner{ID: id}, err
}

// userOrSelf is id, or the caller's own user ID when id is empty.
func userOrSelf(cmd *cobra.Command, cc *cliContext, id string) (string, error) {
	if id != "" {
		return id, nil
	}
	me, err := cc.client().CurrentUser(cmd.Context())
	if err != nil {
		return "", err
	}
	return me.ID.String(), nil
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}

func newAPIKeysCmd(cc *cliContext) *cobra.Command {
	var of ownerFlags
	cmd := &cobra.Command{Use: "apikeys", Short: "Manage API keys (yours, a user's or a service account's)"}
	of.register(cmd)
	header := []string{"ID", "PREFIX", "DESCRIPTION", "SOURCES", "EXPIRES", "LAST USED", "REVOKED"}
	rows := func(keys ...client.APIKey) [][]string {
		out := make([][]string, len(keys))
		for i, k := range keys {
			out[i] = []string{k.ID.String(), k.Prefix, k.Description, strings.Join(k.ValidSources, ","), when(k.ExpiresAt),
				when(k.LastUsedAt), when(k.RevokedAt)}
		}
		return out
	}

	var in client.NewAPIKey
	var days int
	create := &cobra.Command{
		Use: "create", Short: "Create an API key; the key is printed this once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, err := of.owner(cmd, cc)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("expiration-days") {
				in.ExpirationDays = &days
			}
			k, err := cc.client().CreateAPIKey(cmd.Context(), owner, in)
			if err != nil {
				return err
			}
			if !cc.jsonOut {
				fmt.Fprintln(cmd.ErrOrStderr(), "the key, shown this once:")
				fmt.Fprintln(cmd.OutOrStdout(), k.Key)
				return nil
			}
			return cc.print(cmd.OutOrStdout(), k, header, rows(*k))
		},
	}
	create.Flags().StringVar(&in.Description, "description", "", "what the key is for")
	create.Flags().StringSliceVar(&in.ValidSources, "source", nil, "an IP or CIDR the key may be used from (repeatable)")
	create.Flags().IntVar(&days, "expiration-days", 90, "days until it expires; 0 is never (needs apikeys.unlimited)")
	create.Flags().StringSliceVar(&in.Permissions, "permission", nil, "narrow the key to these permissions (repeatable)")

	list := &cobra.Command{
		Use: "list", Short: "List API keys (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			owner, err := of.owner(cmd, cc)
			if err != nil {
				return err
			}
			keys, err := cc.client().ListAPIKeys(cmd.Context(), owner)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), keys, header, rows(keys...))
		},
	}

	var renewDays int
	renew := &cobra.Command{
		Use: "renew KEY_ID", Short: "Extend an API key's life", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			owner, err := of.owner(cmd, cc)
			if err != nil {
				return err
			}
			k, err := cc.client().RenewAPIKey(cmd.Context(), owner, args[0], renewDays)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), k, header, rows(*k))
		},
	}
	renew.Flags().IntVar(&renewDays, "expiration-days", 90, "days from now until it expires; 0 is never")

	revoke := &cobra.Command{
		Use: "revoke KEY_ID", Short: "Revoke an API key at once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			owner, err := of.owner(cmd, cc)
			if err != nil {
				return err
			}
			if err := cc.client().RevokeAPIKey(cmd.Context(), owner, args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "revoked", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, renew, revoke)
	return cmd
}

func newServiceAccountsCmd(cc *cliContext) *cobra.Command {
	cmd := &cobra.Command{Use: "service-accounts", Short: "Manage service accounts and their OAuth clients"}
	header := []string{"ID", "NAME", "DESCRIPTION", "DISABLED", "CREATED"}
	rows := func(sas ...client.ServiceAccount) [][]string {
		out := make([][]string, len(sas))
		for i, sa := range sas {
			out[i] = []string{sa.ID.String(), sa.Name, sa.Description, fmt.Sprint(sa.Disabled), sa.CreatedAt.Format("2006-01-02 15:04")}
		}
		return out
	}
	var limit int
	var cursor string
	list := &cobra.Command{
		Use: "list", Short: "List service accounts", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sas, next, err := cc.client().ListServiceAccounts(cmd.Context(), limit, cursor)
			if err != nil {
				return err
			}
			if next != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", next)
			}
			return cc.print(cmd.OutOrStdout(), sas, header, rows(sas...))
		},
	}
	list.Flags().IntVar(&limit, "limit", 50, "service accounts per page")
	list.Flags().StringVar(&cursor, "cursor", "", "start after this cursor")

	get := &cobra.Command{
		Use: "get ID", Short: "Show a service account", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sa, err := cc.client().GetServiceAccount(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), sa, header, rows(*sa))
		},
	}

	var description string
	create := &cobra.Command{
		Use: "create NAME", Short: "Create a service account", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sa, err := cc.client().CreateServiceAccount(cmd.Context(), args[0], description)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), sa, header, rows(*sa))
		},
	}
	create.Flags().StringVar(&description, "description", "", "what it is for")

	del := &cobra.Command{
		Use: "delete ID", Short: "Delete a service account with its keys and clients", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cc.client().DeleteServiceAccount(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "deleted", args[0])
			return nil
		},
	}

	addClient := &cobra.Command{
		Use: "add-client ID NAME", Short: "Create an OAuth client (client_credentials); the secret is printed this once", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cc.client().CreateOAuthClient(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), c, []string{"CLIENT ID", "CLIENT SECRET"}, [][]string{{c.ClientID.String(), c.ClientSecret}})
		},
	}
	cmd.AddCommand(list, get, create, del, addClient)
	return cmd
}

func newSessionsCmd(cc *cliContext) *cobra.Command {
	var user string
	cmd := &cobra.Command{Use: "sessions", Short: "List and sign out sessions (yours, or a user's with --user)"}
	cmd.PersistentFlags().StringVar(&user, "user", "", "a user ID (default: yourself)")
	header := []string{"ID", "METHOD", "IP", "CREATED", "LAST SEEN", "CURRENT"}
	list := &cobra.Command{
		Use: "list", Short: "List active sessions", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			ss, err := cc.client().ListSessions(cmd.Context(), id)
			if err != nil {
				return err
			}
			rows := make([][]string, len(ss))
			for i, s := range ss {
				rows[i] = []string{s.ID.String(), s.Method, s.IP, when(&s.CreatedAt), when(&s.LastSeenAt), fmt.Sprint(s.Current)}
			}
			return cc.print(cmd.OutOrStdout(), ss, header, rows)
		},
	}
	var all bool
	revoke := &cobra.Command{
		Use: "revoke [SESSION_ID]", Short: "Sign a session out at once (--all: every session)", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return fmt.Errorf("name a session, or pass --all to sign out everywhere")
			}
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			sid := ""
			if len(args) == 1 {
				sid = args[0]
			}
			if err := cc.client().RevokeSession(cmd.Context(), id, sid); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "signed out")
			return nil
		},
	}
	revoke.Flags().BoolVar(&all, "all", false, "sign out every session of the user")
	cmd.AddCommand(list, revoke)
	return cmd
}

func newMFACmd(cc *cliContext) *cobra.Command {
	var user string
	cmd := &cobra.Command{Use: "mfa", Short: "Set up and manage multi-factor authentication"}
	cmd.PersistentFlags().StringVar(&user, "user", "", "a user ID (default: yourself)")
	methods := &cobra.Command{
		Use: "methods", Short: "List authentication methods", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			ms, err := cc.client().ListAuthMethods(cmd.Context(), id)
			if err != nil {
				return err
			}
			rows := make([][]string, len(ms))
			for i, m := range ms {
				rows[i] = []string{m.Method, fmt.Sprint(m.Initialized), fmt.Sprint(m.Enabled), when(m.LastLoginAt), m.LastLoginIP}
			}
			return cc.print(cmd.OutOrStdout(), ms, []string{"METHOD", "INITIALIZED", "ENABLED", "LAST LOGIN", "FROM"}, rows)
		},
	}
	enrol := &cobra.Command{
		Use: "totp-enrol", Short: "Start TOTP set-up: prints the secret and the otpauth:// URL for an authenticator app", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			e, err := cc.client().EnrolTOTP(cmd.Context(), id)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), e, []string{"SECRET", "OTPAUTH URL"}, [][]string{{e.Secret, e.OTPAuthURL}})
		},
	}
	verify := &cobra.Command{
		Use: "totp-verify CODE", Short: "Finish TOTP set-up with a first code; prints the recovery codes this once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			codes, err := cc.client().VerifyTOTP(cmd.Context(), id, args[0])
			if err != nil {
				return err
			}
			rows := make([][]string, len(codes))
			for i, c := range codes {
				rows[i] = []string{c}
			}
			return cc.print(cmd.OutOrStdout(), codes, []string{"RECOVERY CODES"}, rows)
		},
	}
	disable := &cobra.Command{
		Use: "disable METHOD", Short: "Turn an authentication method off (totp, password)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := userOrSelf(cmd, cc, user)
			if err != nil {
				return err
			}
			if err := cc.client().DisableAuthMethod(cmd.Context(), id, args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "disabled", args[0])
			return nil
		},
	}
	cmd.AddCommand(methods, enrol, verify, disable)
	return cmd
}
