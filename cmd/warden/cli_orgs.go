package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/client"
)

func newOrgsCmd(cc *cliContext) *cobra.Command {
	cmd := &cobra.Command{Use: "orgs", Short: "Manage organizations (instance administrators)"}
	header := []string{"ID", "NAME", "CREATED"}
	rows := func(orgs ...client.Org) [][]string {
		out := make([][]string, len(orgs))
		for i, o := range orgs {
			out[i] = []string{o.ID.String(), o.Name, o.CreatedAt.Format("2006-01-02 15:04:05")}
		}
		return out
	}
	var limit int
	var cursor string
	list := &cobra.Command{
		Use: "list", Short: "List organizations", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			page, err := cc.client().ListOrgs(cmd.Context(), limit, cursor)
			if err != nil {
				return err
			}
			if page.NextCursor != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", page.NextCursor)
			}
			return cc.print(cmd.OutOrStdout(), page.Orgs, header, rows(page.Orgs...))
		},
	}
	list.Flags().IntVar(&limit, "limit", 50, "organizations per page")
	list.Flags().StringVar(&cursor, "cursor", "", "start after this cursor")

	get := &cobra.Command{
		Use: "get ID", Short: "Show one organization", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := cc.client().GetOrg(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), o, header, rows(*o))
		},
	}

	var adminEmail string
	var adminPassword bool
	create := &cobra.Command{
		Use: "create NAME", Short: "Create an organization, optionally with its first administrator", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := client.NewOrg{Name: args[0]}
			if adminEmail != "" {
				in.Admin = &client.NewUser{Email: adminEmail}
				if adminPassword {
					p, err := readSecret(cmd, "Administrator password: ")
					if err != nil {
						return err
					}
					in.Admin.Password = p
				}
			}
			o, err := cc.client().CreateOrg(cmd.Context(), in)
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), o, header, rows(*o))
		},
	}
	create.Flags().StringVar(&adminEmail, "admin-email", "", "email of the first administrator to create")
	create.Flags().BoolVar(&adminPassword, "admin-password-stdin", false, "read the administrator's password from stdin")

	var name string
	update := &cobra.Command{
		Use: "update ID --name NAME", Short: "Rename an organization", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := cc.client().PatchOrg(cmd.Context(), args[0], client.MergePatch, map[string]string{"name": name})
			if err != nil {
				return err
			}
			return cc.print(cmd.OutOrStdout(), o, header, rows(*o))
		},
	}
	update.Flags().StringVar(&name, "name", "", "new name")
	_ = update.MarkFlagRequired("name")

	del := &cobra.Command{
		Use: "delete ID", Short: "Delete an organization and everything in it", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cc.client().DeleteOrg(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "deleted", args[0])
			return nil
		},
	}
	cmd.AddCommand(list, get, create, update, del)
	return cmd
}
