package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/wardenhq/warden/internal/authn"
	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/store/sqlstore"
)

// seedConfig is what `warden seed` makes.
type seedConfig struct {
	store      storeFlags
	orgs       int
	users      int
	groups     int // -1: users/100
	workspaces int // -1: users/1000, at least one per organization
	projects   int // per workspace
	bindings   int // most role bindings and memberships per user
	apiKeys    int
	audit      int // events per organization; -1: its number of users
	manifest   string
	force      bool
	progress   time.Duration
	cpuProfile string
}

// seedManifest is what `warden bench` reads: credentials, keys and emails
// of the seeded data.
type seedManifest struct {
	Database     string         `json:"database"`
	Orgs         []manifestOrg  `json:"orgs"`
	Password     string         `json:"password"`
	APIKeys      []string       `json:"api_keys"`
	SampleEmails []string       `json:"sample_emails"`
	Users        int            `json:"users"`
	Rows         map[string]int `json:"rows,omitempty"`
}

type manifestOrg struct {
	ID            iam.ID `json:"id"`
	Name          string `json:"name"`
	AdminEmail    string `json:"admin_email"`
	AdminPassword string `json:"admin_password"`
	Users         int    `json:"users"`
}

const (
	minSeedAPIKeys  = 64
	seedSamples     = 1000
	seedBatch       = 2000 // users per batch handed to the writer
	seedKeySources  = `["127.0.0.0/8","::1/128"]`
	seedHistoryDays = 730
)

func newSeedCmd() *cobra.Command {
	c := seedConfig{}
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill a new database with a large, realistic data set for benchmarks",
		Long: `Seed fills a database with organizations, users (all with one password), groups,
workspaces, projects, role bindings, API keys and a hash-chained audit log, in
bulk, and writes a manifest of credentials for 'warden bench'.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return seed(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	c.store.register(cmd)
	f.IntVar(&c.orgs, "orgs", 1, "organizations")
	f.IntVar(&c.users, "users", 1_000_000, "users in all, spread over the organizations (each has an administrator)")
	f.IntVar(&c.groups, "groups", -1, "groups in all; default users/100")
	f.IntVar(&c.workspaces, "workspaces", -1, "workspaces in all; default users/1000, at least one per organization")
	f.IntVar(&c.projects, "projects", 5, "projects per workspace")
	f.IntVar(&c.bindings, "bindings", 3, "most role bindings per user: the org role plus up to this many minus one workspace or project bindings, direct or through a group")
	f.IntVar(&c.apiKeys, "api-keys", 1000, "API keys of seeded users (at least 64)")
	f.IntVar(&c.audit, "audit", -1, "audit events per organization; default its number of users")
	f.StringVar(&c.manifest, "manifest", "warden-seed.json", "where to write the manifest for warden bench")
	f.BoolVar(&c.force, "force", false, "seed even if the database already has users")
	f.DurationVar(&c.progress, "progress", 250*time.Millisecond, "how often to refresh the progress line; 0 = none")
	f.StringVar(&c.cpuProfile, "cpu-profile", "", "write a CPU profile of the load to this file")
	_ = f.MarkHidden("cpu-profile")
	return cmd
}

// check fills in defaults and refuses impossible sizes.
func (c *seedConfig) check() error {
	if c.orgs < 1 {
		return errors.New("--orgs must be at least 1")
	}
	if c.users < c.orgs {
		return fmt.Errorf("--users must be at least --orgs (%d): every organization has an administrator", c.orgs)
	}
	if c.groups < 0 {
		c.groups = c.users / 100
	}
	if c.workspaces < 0 {
		c.workspaces = c.users / 1000
	}
	c.workspaces = max(c.workspaces, c.orgs)
	if c.projects < 0 || c.bindings < 1 {
		return errors.New("--projects must be at least 0 and --bindings at least 1")
	}
	if c.apiKeys < minSeedAPIKeys {
		return fmt.Errorf("--api-keys must be at least %d (warden bench needs them)", minSeedAPIKeys)
	}
	return nil
}

// share is org i's part of total spread over n organizations.
func share(total, n, i int) int {
	v := total / n
	if i < total%n {
		v++
	}
	return v
}

var (
	firstNames = strings.Fields(`james mary robert patricia john jennifer michael linda david elizabeth william barbara
		richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony
		margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin
		amanda brian dorothy george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura
		ryan cynthia jacob kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela
		justin emma scott nicole brandon helen benjamin samantha samuel katherine gregory christine alexander debra
		frank rachel patrick carolyn raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth
		jose julie adam olivia nathan joyce henry virginia zachary victoria douglas kelly peter lauren kyle christina
		noah joan ethan evelyn jeremy judith walter megan christian andrea keith cheryl roger hannah terry jacqueline
		austin martha sean gloria gerald teresa carl ann harold sara dylan madison arthur frances lawrence kathryn
		jordan janice jesse jean bryan abigail billy alice bruce judy gabriel sophia joe grace logan denise albert
		amber willie doris alan marilyn juan danielle wayne beverly elijah isabella randy theresa roy diana vincent
		natalie ralph brittany eugene charlotte russell marie bobby kayla mason alexis philip lori louis anahi`)
	lastNames = strings.Fields(`smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
		lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez
		clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams
		nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz
		edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson
		bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray
		mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins
		perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan
		patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson
		ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods
		washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter`)
	departments = []string{"engineering", "sales", "support", "finance", "marketing", "legal", "operations", "research"}
	userAgents  = []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1",
		"warden-cli/1.0", "python-requests/2.31"}
)

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// userCreated is the audit changes of user.created, with the keys in the
// order encoding/json gives the service's map.
type userCreated struct {
	Disabled    bool     `json:"disabled"`
	Email       string   `json:"email"`
	FirstName   string   `json:"first_name"`
	FullName    string   `json:"full_name"`
	LastName    string   `json:"last_name"`
	PasswordSet bool     `json:"password_set"`
	Roles       []string `json:"roles"`
	Username    string   `json:"username"`
}

// seedRows is the rows of one batch, table by table, in insert order.
type seedRows struct {
	tables map[string][][]any
	users  int
	events int
}

var seedCols = map[string][]string{
	"orgs":          {"id", "name", "name_norm", "created_at", "updated_at"},
	"workspaces":    {"id", "org_id", "title", "domain", "created_at", "updated_at"},
	"projects":      {"id", "org_id", "workspace_id", "name", "name_norm", "description", "created_at", "updated_at"},
	"groups":        {"id", "org_id", "name", "name_norm", "description", "created_at", "updated_at"},
	"users":         {"id", "org_id", "email", "username", "first_name", "last_name", "full_name", "metadata", "disabled", "instance_admin", "version", "created_at", "updated_at", "last_login_at", "org_roles"},
	"passwords":     {"user_id", "org_id", "hash", "changed_at"},
	"group_members": {"group_id", "org_id", "principal_type", "principal_id", "created_at"},
	"role_bindings": {"id", "org_id", "subject_type", "subject_id", "role", "scope_type", "scope_id", "created_at"},
	"api_keys":      {"id", "org_id", "principal_kind", "principal_id", "secret_hash", "description", "valid_sources", "permissions", "created_at", "expires_at", "last_used_at", "last_used_from", "revoked_at"},
	"audit_events":  {"id", "org_id", "seq", "time", "actor_type", "actor_id", "action", "target_type", "target_id", "source_ip", "user_agent", "surface", "changes", "prev_hash", "hash"},
	"audit_heads":   {"org_id", "seq", "hash"},
}

// seedTableOrder lists the tables in the order parents come before children.
var seedTableOrder = []string{"orgs", "workspaces", "projects", "groups", "users", "passwords", "group_members",
	"role_bindings", "api_keys", "audit_events", "audit_heads"}

func (b *seedRows) add(table string, row ...any) {
	if b.tables == nil {
		b.tables = map[string][][]any{}
	}
	b.tables[table] = append(b.tables[table], row)
}

// generator makes the data set; it runs beside the writer.
type generator struct {
	c         seedConfig
	rng       *mrand.Rand
	ids       *mrand.ChaCha8
	now       time.Time
	start     time.Time // the first user's creation
	userHash  string
	adminHash string
	adminPass string
	tag       string
	firstOrg  bool // the first organization's admin becomes instance administrator
	m         seedManifest
	out       chan<- *seedRows
	userIdx   int // users made so far, over all organizations
	keysMade  int
	members   int // users made so far who are not administrators
}

func (g *generator) id(t time.Time) iam.ID {
	id, err := iam.NewID(t, g.ids)
	if err != nil {
		panic(err) // ChaCha8 never fails
	}
	return id
}

// userTime is when the i-th user of the whole set was created: spread over
// the last two years, in order.
func (g *generator) userTime(i int) time.Time {
	span := g.now.Add(-24 * time.Hour).Sub(g.start)
	return g.start.Add(time.Duration(float64(span) * float64(i) / float64(g.c.users))).Truncate(time.Microsecond)
}

// chain hashes events of one organization as AppendAudit would.
type chain struct {
	org  iam.ID
	seq  int64
	hash []byte
	max  int
}

func (ch *chain) full() bool { return ch.max >= 0 && ch.seq >= int64(ch.max) }

func (ch *chain) append(b *seedRows, e *iam.AuditEvent) {
	ch.seq++
	e.OrgID, e.Seq, e.PrevHash = ch.org, ch.seq, ch.hash
	if e.PrevHash == nil {
		e.PrevHash = []byte{}
	}
	if e.Surface == "" {
		e.Surface = "native"
	}
	e.Hash = iam.ChainHash(e.PrevHash, e)
	ch.hash = e.Hash
	b.add("audit_events", e.ID, e.OrgID, e.Seq, e.Time.UnixMicro(), e.ActorType, e.ActorID, e.Action, e.TargetType,
		e.TargetID, e.SourceIP, e.UserAgent, e.Surface, string(e.Changes), e.PrevHash, e.Hash)
	b.events++
}

func (g *generator) ip() string {
	return fmt.Sprintf("10.%d.%d.%d", g.rng.IntN(256), g.rng.IntN(256), 1+g.rng.IntN(254))
}

func (g *generator) run(ctx context.Context) error {
	defer close(g.out)
	c := g.c
	keysLeft := c.apiKeys
	for oi := range c.orgs {
		if err := g.org(ctx, oi, &keysLeft); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) send(ctx context.Context, b *seedRows) error {
	select {
	case g.out <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *generator) org(ctx context.Context, oi int, keysLeft *int) error {
	c := g.c
	nUsers := share(c.users, c.orgs, oi)
	nWs := share(c.workspaces, c.orgs, oi)
	nGroups := share(c.groups, c.orgs, oi)
	nKeys := share(c.apiKeys, c.orgs, oi)
	if oi == c.orgs-1 {
		nKeys = *keysLeft
	}
	*keysLeft -= nKeys
	nAudit := c.audit
	if nAudit < 0 {
		nAudit = nUsers
	}
	created := g.userTime(g.userIdx).Add(-time.Hour)
	b := &seedRows{}
	org := iam.Org{ID: g.id(created), Name: fmt.Sprintf("Example %d %s", oi+1, g.tag), CreatedAt: created}
	ch := &chain{org: org.ID, max: nAudit}
	b.add("orgs", org.ID, org.Name, strings.ToLower(org.Name), micros(created), micros(created))
	admin := g.id(created)
	adminEmail := fmt.Sprintf("admin.%d.%s@example-org-%d.com", oi+1, g.tag, oi+1)
	g.m.Orgs = append(g.m.Orgs, manifestOrg{ID: org.ID, Name: org.Name, AdminEmail: adminEmail,
		AdminPassword: g.adminPass, Users: nUsers})
	if !ch.full() {
		ch.append(b, &iam.AuditEvent{ID: g.id(created), Time: created, ActorType: iam.ActorUser, ActorID: admin,
			Action: "org.created", TargetType: "org", TargetID: org.ID.String(),
			Changes: json.RawMessage(must2(json.Marshal(map[string]any{"name": org.Name})))})
	}

	// Workspaces, projects, groups and the groups' bindings.
	type scope struct {
		typ string
		id  iam.ID
	}
	var scopes []scope // every workspace and project, for memberships
	for wi := range nWs {
		ws := g.id(created)
		b.add("workspaces", ws, org.ID, fmt.Sprintf("Workspace %d", wi+1), fmt.Sprintf("ws-%d", wi+1), micros(created), micros(created))
		scopes = append(scopes, scope{iam.ScopeWorkspace, ws})
		for pi := range c.projects {
			p := g.id(created)
			name := fmt.Sprintf("Project %d.%d", wi+1, pi+1)
			b.add("projects", p, org.ID, ws, name, strings.ToLower(name), "", micros(created), micros(created))
			scopes = append(scopes, scope{iam.ScopeProject, p})
		}
	}
	groups := make([]iam.ID, nGroups)
	for gi := range groups {
		groups[gi] = g.id(created)
		name := fmt.Sprintf("%s team %d", title(departments[gi%len(departments)]), gi+1)
		b.add("groups", groups[gi], org.ID, name, strings.ToLower(name), "", micros(created), micros(created))
		s := scopes[g.rng.IntN(len(scopes))]
		role := authz.RoleProjectMember
		if s.typ == iam.ScopeWorkspace {
			role = authz.RoleProjectReader
		}
		b.add("role_bindings", g.id(created), org.ID, iam.SubjectGroup, groups[gi], role, s.typ, s.id, micros(created))
	}
	if err := g.send(ctx, b); err != nil {
		return err
	}

	// Users, in batches, with their password, bindings, memberships and
	// user.created events; some get API keys.
	keyEvery := max(1, (nUsers-1)/max(1, nKeys))
	var keyUsers []iam.ID
	var keyTimes []time.Time
	resourceRoles := []string{authz.RoleProjectReader, authz.RoleProjectMember, authz.RoleProjectAdmin, authz.RoleProjectOwner}
	b = &seedRows{}
	for ui := range nUsers {
		i := g.userIdx
		g.userIdx++
		t := g.userTime(i)
		id := admin
		if ui > 0 {
			id = g.id(t)
		} else {
			t = created
		}
		first := firstNames[g.rng.IntN(len(firstNames))]
		last := lastNames[g.rng.IntN(len(lastNames))]
		var email, username string
		role := authz.RoleUser
		if ui == 0 {
			email, username, role = adminEmail, fmt.Sprintf("admin%d%s", oi+1, g.tag), authz.RoleAdmin
		} else {
			email = fmt.Sprintf("%s.%s.%d@example-%d.com", first, last, i, i%100)
			username = fmt.Sprintf("%c%s%d", first[0], last, i)
			if g.rng.IntN(20) == 0 {
				role = authz.RoleReader
			}
		}
		if ui > 0 {
			// The j-th sample is the ceil(j·members/samples)-th member: spread
			// evenly over the whole set.
			k, members, n := g.members, g.c.users-g.c.orgs, len(g.m.SampleEmails)
			if n < seedSamples && k*seedSamples >= n*members {
				g.m.SampleEmails = append(g.m.SampleEmails, email)
			}
			g.members++
		}
		full := title(first) + " " + title(last)
		var lastLogin any
		if g.rng.IntN(2) == 0 {
			lastLogin = micros(t.Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(t))))))
		}
		meta := fmt.Sprintf(`{"department":%q}`, departments[g.rng.IntN(len(departments))])
		b.add("users", id, org.ID, email, username, title(first), title(last), full, meta, false,
			ui == 0 && g.firstOrg && oi == 0, int64(1), micros(t), micros(t), lastLogin, role) // org_roles: the one org-scope binding below, as its trigger (deferred) would write it
		hash := g.userHash
		if ui == 0 {
			hash = g.adminHash
		}
		b.add("passwords", id, org.ID, hash, micros(t))
		b.add("role_bindings", g.id(t), org.ID, iam.SubjectUser, id, role, iam.ScopeOrg, org.ID, micros(t))
		// Up to bindings-1 more: a group membership or a direct binding at
		// a workspace or project, never twice the same.
		var seenScope, seenGroup map[iam.ID]bool
		for range g.rng.IntN(c.bindings) {
			if ui == 0 {
				break
			}
			if len(groups) > 0 && g.rng.IntN(5) < 2 {
				gr := groups[g.rng.IntN(len(groups))]
				if seenGroup[gr] {
					continue
				}
				if seenGroup == nil {
					seenGroup = map[iam.ID]bool{}
				}
				seenGroup[gr] = true
				b.add("group_members", gr, org.ID, iam.SubjectUser, id, micros(t))
				continue
			}
			s := scopes[g.rng.IntN(len(scopes))]
			if seenScope[s.id] {
				continue
			}
			if seenScope == nil {
				seenScope = map[iam.ID]bool{}
			}
			seenScope[s.id] = true
			b.add("role_bindings", g.id(t), org.ID, iam.SubjectUser, id, resourceRoles[g.rng.IntN(len(resourceRoles))], s.typ, s.id, micros(t))
		}
		if !ch.full() {
			actor := admin
			changes := must2(json.Marshal(userCreated{Email: email, FirstName: title(first), FullName: full,
				LastName: title(last), PasswordSet: true, Roles: []string{role}, Username: username}))
			ch.append(b, &iam.AuditEvent{ID: g.id(t), Time: t, ActorType: iam.ActorUser, ActorID: actor,
				Action: "user.created", TargetType: "user", TargetID: id.String(), SourceIP: g.ip(),
				UserAgent: userAgents[g.rng.IntN(len(userAgents))], Changes: changes})
		}
		if ui > 0 && len(keyUsers) < nKeys && (ui-1)%keyEvery == 0 {
			keyUsers, keyTimes = append(keyUsers, id), append(keyTimes, t)
		}
		b.users++
		if b.users == seedBatch {
			if err := g.send(ctx, b); err != nil {
				return err
			}
			b = &seedRows{}
		}
	}

	// API keys: more than one per user when there are few users.
	for k := 0; len(keyUsers) > 0 && k < nKeys; k++ {
		owner, t := keyUsers[k%len(keyUsers)], keyTimes[k%len(keyUsers)]
		if nUsers == 1 {
			break
		}
		kid := g.id(t)
		secret, err := authn.RandomToken(rand.Reader, 32)
		if err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(secret))
		b.add("api_keys", kid, org.ID, string(iam.KindUser), owner, sum[:], "seeded key", seedKeySources, "[]",
			micros(t), micros(g.now.AddDate(2, 0, 0)), nil, "", nil)
		g.m.APIKeys = append(g.m.APIKeys, service.KeyPrefix(kid)+"_"+secret)
	}

	// More events, should the log be longer than the users: logins.
	lastT := g.userTime(g.userIdx - 1)
	for i := 0; !ch.full(); i++ {
		t := lastT.Add(time.Duration(i+1) * time.Second).Truncate(time.Microsecond)
		user := admin
		if len(keyUsers) > 0 {
			user = keyUsers[i%len(keyUsers)]
		}
		sid := g.id(t)
		changes := must2(json.Marshal(map[string]any{"user_id": user, "method": "password"}))
		ch.append(b, &iam.AuditEvent{ID: g.id(t), Time: t, ActorType: iam.ActorUser, ActorID: user,
			Action: "session.created", TargetType: "session", TargetID: sid.String(), SourceIP: g.ip(),
			UserAgent: userAgents[g.rng.IntN(len(userAgents))], Changes: changes})
		if b.events >= seedBatch {
			if err := g.send(ctx, b); err != nil {
				return err
			}
			b = &seedRows{}
		}
	}
	b.add("audit_heads", org.ID, ch.seq, nonNilBytes(ch.hash))
	return g.send(ctx, b)
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func micros(t time.Time) int64 { return t.UnixMicro() }

// progressLine redraws one line on w: done of total, the rate and the time left.
type progressLine struct {
	w          io.Writer
	total      int64
	users      atomic.Int64
	events     atomic.Int64
	totalEvent int64
	started    time.Time
}

func (p *progressLine) draw(final bool) {
	users, events := p.users.Load(), p.events.Load()
	el := time.Since(p.started).Seconds()
	rate := float64(users) / max(el, 1e-3)
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-users)/rate) * time.Second).Round(time.Second).String()
	}
	end := ""
	if final {
		end = "\n"
	}
	fmt.Fprintf(p.w, "\rseed: users %d/%d (%.0f%%)  audit events %d/%d  %.0f users/s  ETA %s   %s",
		users, p.total, 100*float64(users)/float64(max(p.total, 1)), events, p.totalEvent, rate, eta, end)
}

func seed(ctx context.Context, c seedConfig, stdout, stderr io.Writer) error {
	if err := c.check(); err != nil {
		return err
	}
	started := time.Now()
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	st, err := sqlstore.Open(ctx, c.store.url(), sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	existing, err := st.Count(ctx, "users")
	if err != nil {
		return err
	}
	if existing > 0 && !c.force {
		return fmt.Errorf("the database already has %d users; seed a new one, or pass --force to add to it", existing)
	}

	// One hash for every seeded user, one for the administrators, made with
	// the server's default parameters so that logins cost a real verification.
	hasher := authn.NewHasher(authn.DefaultArgon2Params, 0, rand.Reader)
	password, err := authn.RandomToken(rand.Reader, 12)
	if err != nil {
		return err
	}
	adminPass, err := authn.RandomToken(rand.Reader, 12)
	if err != nil {
		return err
	}
	userHash, err := hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	adminHash, err := hasher.Hash(ctx, adminPass)
	if err != nil {
		return err
	}
	var seedBytes [32]byte
	if _, err := rand.Read(seedBytes[:]); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	out := make(chan *seedRows, 4)
	g := &generator{c: c, rng: mrand.New(mrand.NewPCG(uint64(seedBytes[0])<<8|uint64(seedBytes[1]), uint64(seedBytes[2]))),
		ids: mrand.NewChaCha8(seedBytes), now: now, start: now.AddDate(0, 0, -seedHistoryDays),
		userHash: userHash, adminHash: adminHash, adminPass: adminPass, tag: fmt.Sprintf("%x", seedBytes[3:5]),
		firstOrg: existing == 0, out: out}
	g.m = seedManifest{Database: st.Dialect(), Password: password, Users: c.users}

	audit := int64(0)
	for oi := range c.orgs {
		if c.audit < 0 {
			audit += int64(share(c.users, c.orgs, oi))
		} else {
			audit += int64(c.audit)
		}
	}
	prog := &progressLine{w: stderr, total: int64(c.users), totalEvent: audit, started: time.Now()}
	stopProg := make(chan struct{})
	var progDone sync.WaitGroup
	if c.progress > 0 {
		progDone.Add(1)
		go func() {
			defer progDone.Done()
			tick := time.NewTicker(c.progress)
			defer tick.Stop()
			var last int64 = -1
			for {
				select {
				case <-tick.C:
					if n := prog.users.Load() + prog.events.Load(); n != last {
						last = n
						prog.draw(false)
					}
				case <-stopProg:
					prog.draw(true)
					return
				}
			}
		}()
	}

	// The load allocates briskly and briefly: collect garbage less often.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	bulk, err := st.Bulk(ctx)
	if err != nil {
		return err
	}
	if err := bulk.DeferIndexes(ctx, seedTableOrder...); err != nil {
		bulk.Abort()
		return err
	}
	if err := bulk.DeferTriggers(ctx, seedTableOrder...); err != nil {
		bulk.Abort()
		return err
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	genErr := make(chan error, 1)
	go func() { genErr <- g.run(gctx) }()
	werr := func() error {
		for b := range out {
			for _, table := range seedTableOrder {
				if err := bulk.Insert(ctx, table, seedCols[table], b.tables[table]); err != nil {
					return err
				}
			}
			prog.users.Add(int64(b.users))
			prog.events.Add(int64(b.events))
		}
		return nil
	}()
	if werr != nil {
		cancel()
		for range out {
		}
	}
	gerr := <-genErr
	close(stopProg)
	progDone.Wait()
	if err := errors.Join(werr, gerr); err != nil {
		bulk.Abort()
		return err
	}
	if err := bulk.Finish(ctx); err != nil {
		return err
	}
	loaded := time.Since(started)

	size, err := st.Size(ctx)
	if err != nil {
		return err
	}
	g.m.Rows = map[string]int{}
	for t, n := range bulk.Counts {
		g.m.Rows[t] = int(n)
	}
	if err := writeManifest(c.manifest, &g.m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Seeded %s in %.1fs:\n", st.Dialect(), loaded.Seconds())
	tables := make([]string, 0, len(bulk.Counts))
	for t := range bulk.Counts {
		tables = append(tables, t)
	}
	sort.Slice(tables, func(i, j int) bool { return bulk.Counts[tables[i]] > bulk.Counts[tables[j]] })
	for _, t := range tables {
		fmt.Fprintf(stdout, "  %-14s %12s rows  %6.1fs\n", t, groupDigits(bulk.Counts[t]), bulk.Times[t].Seconds())
	}
	fmt.Fprintf(stdout, "  %d indexes built in %.1fs\n", bulk.Deferred(), bulk.Indexing.Seconds())
	fmt.Fprintf(stdout, "  database size  %12s bytes (%.0f bytes per user)\n", groupDigits(size), float64(size)/float64(c.users))
	fmt.Fprintf(stdout, "Manifest: %s (password of every seeded user, admins' credentials, %d API keys, %d sample emails)\n",
		c.manifest, len(g.m.APIKeys), len(g.m.SampleEmails))
	return nil
}

func writeManifest(path string, m *seedManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
