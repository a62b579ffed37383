package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/client"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
)

func newAuditCmd(cc *cliContext) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Read and verify the audit log"}
	cmd.AddCommand(newAuditListCmd(cc), newAuditVerifyCmd(cc))
	return cmd
}

func newAuditListCmd(cc *cliContext) *cobra.Command {
	var q client.AuditQuery
	var since, until string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List audit events, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if q.Since, err = parseTimeFlag("since", since); err != nil {
				return err
			}
			if q.Until, err = parseTimeFlag("until", until); err != nil {
				return err
			}
			page, err := cc.client().ListAudit(cmd.Context(), q)
			if err != nil {
				return err
			}
			if page.NextCursor != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", page.NextCursor)
			}
			rows := make([][]string, len(page.Events))
			for i, e := range page.Events {
				rows[i] = []string{strconv.FormatInt(e.Seq, 10), e.Time.Local().Format("2006-01-02 15:04:05"),
					e.Actor.Type + ":" + e.Actor.ID, e.Action, e.Target.Type + ":" + e.Target.ID, e.SourceIP, e.Surface}
			}
			return cc.print(cmd.OutOrStdout(), page.Events, []string{"SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "SOURCE", "SURFACE"}, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "only events at or after this time (RFC 3339, or a duration ago such as 24h)")
	f.StringVar(&until, "until", "", "only events before this time (RFC 3339, or a duration ago)")
	f.StringVar(&q.Actor, "actor", "", "only events by this user or service account ID")
	f.StringVar(&q.Action, "action", "", "only events of this action, such as user.created")
	f.StringVar(&q.Target, "target", "", "only events about this target ID")
	f.IntVar(&q.Limit, "limit", 50, "events per page (1-1000)")
	f.StringVar(&q.Cursor, "cursor", "", "continue after this cursor, from a previous page")
	f.BoolVar(&q.Ascending, "oldest-first", false, "oldest events first")
	return cmd
}

// parseTimeFlag takes an RFC 3339 time or a duration meaning that long ago.
func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return time.Now().Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--%s: %q is neither an RFC 3339 time nor a duration", name, v)
}

var errChainBroken = errors.New("the audit chain is broken")

func newAuditVerifyCmd(cc *cliContext) *cobra.Command {
	var offline bool
	var sf storeFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit hash chain and name the first broken link",
		Long: "Without --offline, asks the server to verify your organization's chain. With --offline, " +
			"reads the database directly (--data or --database-url) and verifies every organization's chain.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !offline {
				rep, err := cc.client().VerifyAudit(cmd.Context())
				if err != nil {
					return err
				}
				r := service.ChainReport{OrgID: rep.OrgID, Events: rep.Events}
				if b := rep.Broken; b != nil {
					r.Broken = &service.BrokenLink{Seq: b.Seq, ID: b.ID, Reason: b.Reason}
				}
				return reportChains(cmd.OutOrStdout(), cc, []*service.ChainReport{&r})
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			st, err := sf.open(cmd.Context(), log)
			if err != nil {
				return err
			}
			defer st.Close()
			var reports []*service.ChainReport
			page := iam.Page{Limit: 1000}
			for {
				orgs, err := st.ListOrgs(cmd.Context(), page)
				if err != nil {
					return err
				}
				for _, o := range orgs {
					r, err := service.VerifyChain(cmd.Context(), st, o.ID)
					if err != nil {
						return err
					}
					reports = append(reports, r)
				}
				if len(orgs) < page.Limit {
					break
				}
				page.After = orgs[len(orgs)-1].ID
			}
			return reportChains(cmd.OutOrStdout(), cc, reports)
		},
	}
	cmd.Flags().BoolVar(&offline, "offline", false, "verify from the database instead of through the server")
	sf.register(cmd)
	return cmd
}

// reportChains prints the reports and fails if any chain is broken.
func reportChains(w io.Writer, cc *cliContext, reports []*service.ChainReport) error {
	broken := false
	rows := make([][]string, len(reports))
	for i, r := range reports {
		status := "intact"
		if b := r.Broken; b != nil {
			broken = true
			status = fmt.Sprintf("BROKEN at event %d (%s): %s", b.Seq, b.ID, b.Reason)
		}
		rows[i] = []string{r.OrgID.String(), strconv.FormatInt(r.Events, 10), status}
	}
	if err := cc.print(w, reports, []string{"ORGANIZATION", "EVENTS VERIFIED", "CHAIN"}, rows); err != nil {
		return err
	}
	if broken {
		return errChainBroken
	}
	return nil
}
