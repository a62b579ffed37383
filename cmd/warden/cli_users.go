package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/iam"
)

func newUsersCmd(cc *cliContext) *cobra.Command {
	cmd := &cobra.Command{Use: "users", Short: "Manage the users of your organization"}
	cmd.AddCommand(newUsersListCmd(cc), newUsersGetCmd(cc), newUsersCreateCmd(cc), newUsersUpdateCmd(cc), newUsersDeleteCmd(cc))
	return cmd
}

func userRows(users ...client.User) [][]string {
	rows := make([][]string, len(users))
	for i, u := range users {
		rows[i] = []string{u.ID.String(), u.Email, u.Username, u.FullName, strings.Join(u.Roles, ","), strconv.FormatBool(u.Disabled)}
	}
	return rows
}

var userHeader = []string{"ID", "EMAIL", "USERNAME", "NAME", "ROLES", "DISABLED"}

func newUsersListCmd(cc *cliContext) *cobra.Command {
	var q client.UserQuery
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users, a page at a time (--all for every page)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := cc.client()
			var users []client.User
			for {
				page, err := c.ListUsers(cmd.Context(), q)
				if err != nil {
					return err
				}
				users = append(users, page.Users...)
				if !all || page.NextCursor == "" {
					if !all && page.NextCursor != "" {
						fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", page.NextCursor)
					}
					break
				}
				q.Cursor = page.NextCursor
			}
			return cc.print(cmd.OutOrStdout(), users, userHeader, userRows(users...))
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Email, "email", "", "only the user with this email")
	f.StringVar(&q.Q, "q", "", "only users whose email, username or name starts with this")
	f.IntVar(&q.Limit, "limit", 50, "users per page (1-1000)")
	f.StringVar(&q.Cursor, "cursor", "", "start after this cursor, from a previous page")
	f.BoolVar(&all, "all", false, "follow the cursors through every page")
	return cmd
}

func newUsersGetCmd(cc *cliContext) *cobra.Command {
	return &cobra.Command{
		Use:   "get ID|current",
		Short: "Show one user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := cc.client().GetUser(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), u, userHeader, userRows(*u))
		},
	}
}

func newUsersCreateCmd(cc *cliContext) *cobra.Command {
	var in client.NewUser
	var metadata string
	var withPassword bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a user (with --password-stdin, the password is read from stdin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if metadata != "" {
				in.Metadata = json.RawMessage(metadata)
			}
			if withPassword {
				p, err := readSecret(cmd, "Password: ")
				if err != nil {
					return err
				}
				in.Password = p
			}
			u, err := cc.client().CreateUser(cmd.Context(), in)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), u, userHeader, userRows(*u))
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Email, "email", "", "email address (required)")
	f.StringVar(&in.Username, "username", "", "username")
	f.StringVar(&in.FirstName, "first-name", "", "first name")
	f.StringVar(&in.LastName, "last-name", "", "last name")
	f.StringVar(&in.FullName, "full-name", "", "full name (default: first and last name)")
	f.StringSliceVar(&in.Roles, "roles", nil, "org roles: admin, user, reader (default user)")
	f.StringVar(&metadata, "metadata", "", "free JSON object")
	f.BoolVar(&in.Disabled, "disabled", false, "create the user disabled")
	f.BoolVar(&withPassword, "password-stdin", false, "read a password from stdin")
	return cmd
}

func newUsersUpdateCmd(cc *cliContext) *cobra.Command {
	var jsonPatch, metadata string
	var roles []string
	var disabled bool
	fields := map[string]*string{}
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change a user: the flags given become a JSON merge patch, or --json-patch sends RFC 6902 operations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := cc.client()
			if jsonPatch != "" {
				var ops []client.PatchOp
				if err := json.Unmarshal([]byte(jsonPatch), &ops); err != nil {
					return fmt.Errorf("--json-patch: %w", err)
				}
				u, err := c.PatchUser(cmd.Context(), args[0], client.JSONPatch, ops)
				if err != nil {
					return err
				}
				return cc.print(cmd.OutOrStdout(), u, userHeader, userRows(*u))
			}
			patch := map[string]any{}
			for name, v := range fields {
				if cmd.Flags().Changed(name) {
					patch[strings.ReplaceAll(name, "-", "_")] = *v
				}
			}
			if cmd.Flags().Changed("roles") {
				patch["roles"] = roles
			}
			if cmd.Flags().Changed("disabled") {
				patch["disabled"] = disabled
			}
			if metadata != "" {
				patch["metadata"] = json.RawMessage(metadata)
			}
			if len(patch) == 0 {
				return fmt.Errorf("nothing to change: give at least one field flag or --json-patch")
			}
			u, err := c.PatchUser(cmd.Context(), args[0], client.MergePatch, patch)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), u, userHeader, userRows(*u))
		},
	}
	f := cmd.Flags()
	for _, name := range []string{"email", "username", "first-name", "last-name", "full-name"} {
		fields[name] = f.String(name, "", "new "+strings.ReplaceAll(name, "-", " "))
	}
	f.StringSliceVar(&roles, "roles", nil, "new org roles (replaces the list)")
	f.BoolVar(&disabled, "disabled", false, "disable (true) or enable (false) the user")
	f.StringVar(&metadata, "metadata", "", "JSON object merged into the metadata (null removes a key)")
	f.StringVar(&jsonPatch, "json-patch", "", `JSON Patch operations, e.g. '[{"op":"replace","path":"/full_name","value":"Ada"}]'`)
	return cmd
}

func newUsersDeleteCmd(cc *cliContext) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a user, with their password and sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cc.client().DeleteUser(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "deleted", args[0])
			return nil
		},
	}
}

func joinIDs(ids []iam.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ",")
}
