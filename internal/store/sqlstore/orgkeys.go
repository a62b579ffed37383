package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	"github.com/wardenhq/warden/internal/iam"
)

// On SQLite a row's org_id holds its organization's seq, a small integer
// (one to three bytes on disk), where PostgreSQL holds the 16-byte ID: at a
// million users the ID, repeated in every row and in every index entry,
// was a fifth of the file (migration 0009). The SQL is the same on both
// engines; only the value bound for org_id and the one read from it differ,
// and orgKeys maps between the two.
//
// The map holds only what a committed state showed: orgs.seq is
// AUTOINCREMENT, so once committed a seq never names another organization,
// while one handed out inside a transaction that rolls back is handed out
// again. A transaction keeps what it saw in its own map (txOrgs).
type orgKeys struct {
	mu    sync.RWMutex
	seqOf map[iam.ID]int64
	idOf  map[int64]iam.ID
	// db is one read-only connection of the keys' own. A seq is looked up
	// while a row is being scanned, that is while the query's connection is
	// held: taken from the readers' pool it could wait for ever on a pool
	// that every scanning request holds.
	db *sql.DB
}

func newOrgKeys(db *sql.DB) *orgKeys {
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	return &orgKeys{seqOf: map[iam.ID]int64{}, idOf: map[int64]iam.ID{}, db: db}
}

func (k *orgKeys) cached(id iam.ID) (int64, bool) {
	k.mu.RLock()
	seq, ok := k.seqOf[id]
	k.mu.RUnlock()
	return seq, ok
}

func (k *orgKeys) cachedID(seq int64) (iam.ID, bool) {
	k.mu.RLock()
	id, ok := k.idOf[seq]
	k.mu.RUnlock()
	return id, ok
}

func (k *orgKeys) remember(id iam.ID, seq int64) {
	k.mu.Lock()
	k.seqOf[id], k.idOf[seq] = seq, id
	k.mu.Unlock()
}

// forget drops a deleted organization, so that an ID created again (an
// import) is looked up again.
func (k *orgKeys) forget(id iam.ID) {
	k.mu.Lock()
	if seq, ok := k.seqOf[id]; ok {
		delete(k.seqOf, id)
		delete(k.idOf, seq)
	}
	k.mu.Unlock()
}

// lookupSeq reads organization id's seq through ex: 0, no organization's
// seq, if there is none.
func lookupSeq(ctx context.Context, ex execer, id iam.ID) (int64, error) {
	var seq int64
	err := ex.QueryRowContext(ctx, `SELECT seq FROM orgs WHERE id = $1`, idArg(id)).Scan(&seq)
	switch {
	case err == sql.ErrNoRows:
		return 0, nil
	case err != nil:
		return 0, translate(err, "organization")
	}
	return seq, nil
}

// committedSeq looks id up in the committed state.
func (k *orgKeys) committedSeq(ctx context.Context, id iam.ID) (int64, error) {
	seq, err := lookupSeq(ctx, k.db, id)
	if seq != 0 {
		k.remember(id, seq)
	}
	return seq, err
}

func (k *orgKeys) committedID(seq int64) (iam.ID, bool, error) {
	var id iam.ID
	err := k.db.QueryRow(`SELECT id FROM orgs WHERE seq = $1`, seq).Scan(idScan{&id})
	switch {
	case err == sql.ErrNoRows:
		return iam.NilID, false, nil
	case err != nil:
		return iam.NilID, false, translate(err, "organization")
	}
	k.remember(id, seq)
	return id, true, nil
}

// txOrgs is what one transaction learnt of seqs, committed or not. In a
// batch a savepoint rolled back can hand a seq out again, so a seq learnt
// again takes its old ID's place.
type txOrgs struct {
	seqOf map[iam.ID]int64
	idOf  map[int64]iam.ID
}

func (t *txOrgs) remember(id iam.ID, seq int64) {
	if t.seqOf == nil {
		t.seqOf, t.idOf = map[iam.ID]int64{}, map[int64]iam.ID{}
	}
	if old, ok := t.idOf[seq]; ok {
		delete(t.seqOf, old)
	}
	if old, ok := t.seqOf[id]; ok {
		delete(t.idOf, old)
	}
	t.seqOf[id], t.idOf[seq] = seq, id
}

// org is the value to bind for an org_id column: the ID on PostgreSQL, the
// seq on SQLite (0, which matches nothing, for an organization that does
// not exist). A failed lookup is bound as a value whose conversion fails,
// so the statement returns the error.
func (q *queries) org(ctx context.Context, id iam.ID) any {
	k := q.s.orgs
	if k == nil {
		return idArg(id)
	}
	if q.inTx {
		if seq, ok := q.tx.seqOf[id]; ok {
			return seq
		}
	}
	if seq, ok := k.cached(id); ok {
		return seq
	}
	if !q.inTx {
		seq, err := k.committedSeq(ctx, id)
		if err != nil {
			return failedArg{err}
		}
		return seq
	}
	// The transaction's own view: the organization may be its own.
	seq, err := lookupSeq(ctx, q.w, id)
	if err != nil {
		return failedArg{err}
	}
	if seq != 0 {
		q.tx.remember(id, seq)
	}
	return seq
}

type failedArg struct{ err error }

func (f failedArg) Value() (driver.Value, error) { return nil, f.err }

// orgScan reads an org_id column into dst.
func (q *queries) orgScan(dst *iam.ID) sql.Scanner {
	if q.s.orgs == nil {
		return idScan{dst}
	}
	return orgScan{q, dst}
}

type orgScan struct {
	q   *queries
	dst *iam.ID
}

func (s orgScan) Scan(src any) error {
	seq, ok := src.(int64)
	if !ok {
		return errBadColumn
	}
	if s.q.inTx {
		if id, ok := s.q.tx.idOf[seq]; ok {
			*s.dst = id
			return nil
		}
	}
	k := s.q.s.orgs
	if id, ok := k.cachedID(seq); ok {
		*s.dst = id
		return nil
	}
	// An organization created by this transaction is in its map: any
	// statement on it looked its seq up first.
	id, found, err := k.committedID(seq)
	if err != nil {
		return err
	}
	if !found {
		return errBadColumn
	}
	*s.dst = id
	return nil
}
