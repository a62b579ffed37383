package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// maxBatch bounds the transactions one SQLite commit carries.
const maxBatch = 64

// batcher is SQLite's group commit. SQLite has one writer, and each commit
// writes every page the transaction touched to the WAL: with many small
// concurrent transactions (user creations, logins), the commits are most
// of the cost. The batcher runs the transactions that queue while one
// commits together, in one SQLite transaction, each inside a savepoint of
// its own: one that fails is rolled back to its savepoint and gets its
// error, the others commit together, and no caller hears of success before
// the commit. A lone transaction runs as before.
type batcher struct {
	s    *Store
	reqs chan *batchTx
	quit chan struct{}
	done chan struct{}
	stop sync.Once

	batches int // shared commits made, for tests (read after close)
}

// batchTx is one caller's transaction, waiting for its outcome.
type batchTx struct {
	ctx context.Context
	fn  func(*queries) error
	out chan error // buffered: the batcher never waits for the caller
}

// panicked carries a panic from a transaction's function back to its
// caller, whose own recovery (an HTTP 500, a test failure) then applies.
type panicked struct{ v any }

func (p panicked) Error() string { return fmt.Sprint("panic in a transaction: ", p.v) }

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, reqs: make(chan *batchTx), quit: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// run queues fn and waits for its outcome.
func (b *batcher) run(ctx context.Context, fn func(*queries) error) error {
	t := &batchTx{ctx: ctx, fn: fn, out: make(chan error, 1)}
	select {
	case b.reqs <- t:
	case <-ctx.Done():
		return translate(ctx.Err(), "transaction")
	case <-b.quit:
		return translate(sql.ErrConnDone, "transaction")
	}
	err := <-t.out
	if p, ok := err.(panicked); ok {
		panic(p.v)
	}
	return err
}

// close stops the batcher once the batch in progress is done.
func (b *batcher) close() {
	b.stop.Do(func() { close(b.quit) })
	<-b.done
}

func (b *batcher) loop() {
	defer close(b.done)
	batch := make([]*batchTx, 0, maxBatch)
	for {
		select {
		case t := <-b.reqs:
			batch = append(batch[:0], t)
		case <-b.quit:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case t := <-b.reqs:
				batch = append(batch, t)
			default:
				break gather
			}
		}
		b.commit(batch)
		clear(batch) // drop the references until the next batch
	}
}

// commit runs a batch and tells each caller its outcome.
func (b *batcher) commit(batch []*batchTx) {
	if len(batch) == 1 {
		b.alone(batch[0])
		return
	}
	tx, err := b.s.w.BeginTx(context.Background(), nil)
	if err != nil {
		for _, t := range batch {
			t.out <- translate(err, "transaction")
		}
		return
	}
	b.batches++
	q := b.s.txQueries(tx)
	var ok []*batchTx
	for i, t := range batch {
		if err := t.ctx.Err(); err != nil {
			t.out <- translate(err, "transaction")
			continue
		}
		err, broken := b.savepoint(tx, q, t)
		if broken {
			// The shared transaction is gone (an interrupted statement
			// rolls all of it back): whatever it held is lost, so each
			// transaction that succeeded in it, and each not yet run,
			// runs again alone.
			_ = tx.Rollback()
			if err != nil {
				t.out <- err
			} else {
				ok = append(ok, t)
			}
			for _, t := range append(ok, batch[i+1:]...) {
				b.alone(t)
			}
			return
		}
		if err != nil {
			t.out <- err
			continue
		}
		ok = append(ok, t)
	}
	err = tx.Commit()
	b.s.pw.prepareWanted(context.Background())
	for _, t := range ok {
		t.out <- translate(err, "transaction")
	}
}

// savepoint runs t inside a savepoint of tx: its error, and whether tx
// itself is broken (and t's outcome with it unknown, if err is nil).
func (b *batcher) savepoint(tx *sql.Tx, q *queries, t *batchTx) (err error, broken bool) {
	bg := context.Background()
	if _, err := tx.ExecContext(bg, `SAVEPOINT batch`); err != nil {
		return nil, true
	}
	defer func() {
		if v := recover(); v != nil {
			err = panicked{v}
		}
		if err != nil {
			if _, rbErr := tx.ExecContext(bg, `ROLLBACK TO batch`); rbErr != nil {
				broken = true
				return
			}
		}
		if _, relErr := tx.ExecContext(bg, `RELEASE batch`); relErr != nil {
			broken = true
		}
	}()
	return t.fn(q), false
}

// alone runs t in a transaction of its own, as if there were no batcher.
func (b *batcher) alone(t *batchTx) {
	defer func() {
		if v := recover(); v != nil {
			t.out <- panicked{v}
		}
	}()
	t.out <- b.s.single(t.ctx, t.fn)
}
