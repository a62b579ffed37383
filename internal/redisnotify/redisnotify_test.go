package redisnotify_test

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wardenhq/warden/internal/iam"
	"github.com/wardenhq/warden/internal/redisnotify"
	"github.com/wardenhq/warden/internal/redistest"
	"github.com/wardenhq/warden/internal/store/sqlstore/sqlstoretest"
)

var quiet = slog.New(slog.DiscardHandler)

// TestInvalidationsTravelOnRedisOnceCommitted: two nodes (see nodes), so
// only Redis can carry the invalidations. Node two hears node one's in
// order, a committed transaction's only once it has committed and a
// rolled-back one's never; a malformed message is skipped; a subscription
// whose connection is killed comes back and first says InvalidateAll.
func TestInvalidationsTravelOnRedisOnceCommitted(t *testing.T) {
	ctx := context.Background()
	var name string
	one, two, publisher, channel := nodes(t, func(opt *redis.Options) {
		name = "warden-test-" + rand.Text()
		opt.ClientName = name // to find its connection and kill it
	})

	got := make(chan iam.Invalidation, 16)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- two.Listen(lctx, func(inv iam.Invalidation) { got <- inv }) }()
	expect := func(want iam.Invalidation) {
		t.Helper()
		select {
		case inv := <-got:
			if inv != want {
				t.Fatalf("heard %+v, want %+v", inv, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("heard nothing within 5 s, want %+v", want)
		}
	}
	all := iam.Invalidation{Kind: iam.InvalidateAll}
	expect(all) // subscribed

	newID := func() iam.ID {
		id, err := iam.NewID(time.Now(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	org := newID()
	inv := func(kind string) iam.Invalidation { return iam.Invalidation{Kind: kind, OrgID: org, ID: newID()} }
	session, key := inv(iam.InvalidateSession), inv(iam.InvalidateAPIKey)
	if err := one.Tx(ctx, func(q iam.Queries) error {
		if err := q.Notify(ctx, session); err != nil {
			return err
		}
		select {
		case inv := <-got:
			t.Errorf("heard %+v before the transaction committed", inv)
		case <-time.After(50 * time.Millisecond):
		}
		return q.Notify(ctx, key)
	}); err != nil {
		t.Fatal(err)
	}
	expect(session)
	expect(key)

	refused := errors.New("refused")
	if err := one.Tx(ctx, func(q iam.Queries) error {
		q.Notify(ctx, inv(iam.InvalidateUser))
		return refused
	}); !errors.Is(err, refused) {
		t.Fatalf("a failed transaction returned %v", err)
	}
	if err := publisher.Publish(ctx, channel, "not an invalidation").Err(); err != nil {
		t.Fatal(err)
	}
	alone := iam.Invalidation{Kind: iam.InvalidateAuthz, OrgID: org, Version: 7}
	if err := one.Notify(ctx, alone); err != nil {
		t.Fatal(err)
	}
	expect(alone) // and neither the rolled-back one nor the malformed message before it

	id := subscriberID(t, publisher, name)
	if killed, err := publisher.ClientKillByFilter(ctx, "ID", id).Result(); err != nil || killed != 1 {
		t.Fatalf("cannot kill the subscriber's connection %q: %d killed, %v", id, killed, err)
	}
	expect(all) // subscribed again: what was sent meanwhile may be lost
	after := inv(iam.InvalidatePrincipal)
	if err := one.Notify(ctx, after); err != nil {
		t.Fatal(err)
	}
	expect(after)

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Listen returned %v once its context ended", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Listen still running 5 s after its context ended")
	}
}

// nodes opens two nodes over one SQLite file (whose own Notify does
// nothing), on a channel of their own: one publishes with the tests' Redis
// client, two with a client of its own, whose options subscriber edits.
func nodes(t *testing.T, subscriber func(*redis.Options)) (one, two iam.Store, publisher *redis.Client, channel string) {
	channel = "warden-test:invalidate:" + rand.Text()
	publisher = redistest.Client(t)
	opt, err := redis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	subscriber(opt)
	client := redis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	st := sqlstoretest.SQLite(t)
	return redisnotify.Wrap(st, publisher, channel, quiet), redisnotify.Wrap(st, client, channel, quiet), publisher, channel
}

// subscriberID finds the ID of the connection named name in CLIENT LIST.
func subscriberID(t *testing.T, c *redis.Client, name string) string {
	list, err := c.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(list) {
		if !strings.Contains(line, " name="+name+" ") {
			continue
		}
		for field := range strings.FieldsSeq(line) {
			if id, ok := strings.CutPrefix(field, "id="); ok {
				return id
			}
		}
	}
	return ""
}

// TestASilentSubscriptionIsPingedAndAHungOneReopened: a quiet subscription
// whose pings are answered stays as it is; one whose connection stops
// carrying anything (a peer gone without a word) is given up after an
// unanswered ping and opened again, first saying InvalidateAll.
func TestASilentSubscriptionIsPingedAndAHungOneReopened(t *testing.T) {
	redisnotify.SetPingEvery(t, 50*time.Millisecond)
	ctx := context.Background()
	var proxy *freezingProxy
	one, two, _, _ := nodes(t, func(opt *redis.Options) {
		proxy = newFreezingProxy(t, opt.Addr)
		opt.Addr = proxy.addr
	})

	got := make(chan iam.Invalidation, 16)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { two.Listen(lctx, func(inv iam.Invalidation) { got <- inv }); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	all := iam.Invalidation{Kind: iam.InvalidateAll}
	next := func() iam.Invalidation {
		t.Helper()
		select {
		case inv := <-got:
			return inv
		case <-time.After(5 * time.Second):
			t.Fatal("heard nothing within 5 s")
			return iam.Invalidation{}
		}
	}
	if inv := next(); inv != all {
		t.Fatalf("first heard %+v", inv)
	}

	time.Sleep(10 * 50 * time.Millisecond) // ten pings' worth of silence
	authz := iam.Invalidation{Kind: iam.InvalidateAuthz, Version: 1}
	one.Notify(ctx, authz)
	if inv := next(); inv != authz {
		t.Fatalf("after a quiet while heard %+v, want %+v: the subscription was reopened though its pings were answered", inv, authz)
	}

	proxy.freeze()
	if inv := next(); inv != all {
		t.Fatalf("after the connection hung, heard %+v, want %+v", inv, all)
	}
	authz.Version = 2
	one.Notify(ctx, authz)
	if inv := next(); inv != authz {
		t.Fatalf("on the reopened subscription heard %+v, want %+v", inv, authz)
	}
}

// freezingProxy forwards TCP connections to a target; freeze makes the
// connections open at the time stop carrying anything, without closing.
type freezingProxy struct {
	addr   string
	mu     sync.Mutex
	frozen []*atomic.Bool
}

func newFreezingProxy(t *testing.T, target string) *freezingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	p := &freezingProxy{addr: ln.Addr().String()}
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			t.Cleanup(func() { in.Close(); out.Close() })
			frozen := new(atomic.Bool)
			p.mu.Lock()
			p.frozen = append(p.frozen, frozen)
			p.mu.Unlock()
			go p.pipe(in, out, frozen)
			go p.pipe(out, in, frozen)
		}
	}()
	return p
}

func (p *freezingProxy) pipe(from, to net.Conn, frozen *atomic.Bool) {
	buf := make([]byte, 4096)
	for {
		n, err := from.Read(buf)
		for frozen.Load() {
			time.Sleep(10 * time.Millisecond)
			if _, err := to.Write(nil); err != nil {
				return
			}
		}
		if n > 0 {
			if _, err := to.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *freezingProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.frozen {
		f.Store(true)
	}
}

// TestARedisDownFailsNoChange: publishing is best effort. With Redis gone,
// a transaction that notifies still commits and returns nil, and so does a
// Notify outside one; the caches' recheck is the fallback.
func TestARedisDownFailsNoChange(t *testing.T) {
	ctx := context.Background()
	st := sqlstoretest.SQLite(t)
	gone := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { gone.Close() })
	node := redisnotify.Wrap(st, gone, "warden-test:invalidate:"+rand.Text(), quiet)
	inv := iam.Invalidation{Kind: iam.InvalidateAuthz, Version: 1}
	id, err := iam.NewID(time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	org := &iam.Org{ID: id, Name: "Analytical " + rand.Text()}
	if err := node.Tx(ctx, func(q iam.Queries) error {
		if err := q.CreateOrg(ctx, org); err != nil {
			return err
		}
		return q.Notify(ctx, inv)
	}); err != nil {
		t.Fatalf("a transaction that notifies, with Redis gone: %v", err)
	}
	if _, err := st.GetOrg(ctx, org.ID); err != nil {
		t.Fatalf("the transaction's change is not there: %v", err)
	}
	if err := node.Notify(ctx, inv); err != nil {
		t.Fatalf("Notify outside a transaction, with Redis gone: %v", err)
	}
}
