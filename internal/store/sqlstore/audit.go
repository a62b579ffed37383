package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/wardenhq/warden/internal/iam"
)

const auditCols = `id, org_id, seq, time, actor_type, actor_id, action, target_type, target_id,
	source_ip, user_agent, surface, changes, prev_hash, hash`

func (q *queries) scanAudit(row interface{ Scan(...any) error }) (*iam.AuditEvent, error) {
	var e iam.AuditEvent
	var t int64
	var changes string
	err := row.Scan(idScan{&e.ID}, q.orgScan(&e.OrgID), &e.Seq, &t, &e.ActorType, idScan{&e.ActorID}, &e.Action,
		&e.TargetType, targetScan{&e.TargetID}, &e.SourceIP, &e.UserAgent, &e.Surface, &changes, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.Time = fromMicros(t)
	if changes != "" {
		e.Changes = json.RawMessage(changes)
	}
	return &e, nil
}

// AppendAudit advances the organization's chain head and inserts e after
// it. The UPDATE of the head locks its row (PostgreSQL) or runs under the
// single writer (SQLite), so appends to one organization serialise and the
// chain has neither gaps nor forks.
func (q *queries) AppendAudit(ctx context.Context, e *iam.AuditEvent) error {
	if q.s.dialect == "postgres" {
		return q.atomic(ctx, func(q *queries) error { return q.appendAuditPG(ctx, e) })
	}
	return q.atomic(ctx, func(q *queries) error {
		err := q.w.QueryRowContext(ctx, `UPDATE audit_heads SET seq = seq + 1 WHERE org_id = $1 RETURNING seq, hash`,
			q.org(ctx, e.OrgID)).Scan(&e.Seq, &e.PrevHash)
		if err != nil {
			return translate(err, "organization")
		}
		e.Hash = iam.ChainHash(e.PrevHash, e)
		_, err = q.w.ExecContext(ctx, auditInsert, idArg(e.ID), q.org(ctx, e.OrgID), e.Seq, micros(e.Time), e.ActorType,
			idArg(e.ActorID), e.Action, e.TargetType, q.target(e.TargetID), e.SourceIP, e.UserAgent, e.Surface,
			string(e.Changes), nonNil(e.PrevHash), e.Hash)
		if err != nil {
			return translate(err, "audit event")
		}
		_, err = q.w.ExecContext(ctx, `UPDATE audit_heads SET hash = $2 WHERE org_id = $1`, q.org(ctx, e.OrgID), e.Hash)
		return translate(err, "audit head")
	})
}

// appendAuditPG is AppendAudit in one statement: the head's UPDATE takes
// the next seq and hashes the event after the hash it holds (the bytes
// iam.ChainHash hashes, with Warden's ChainParts around the seq), and the
// event is inserted from what it returns. Other appends to the
// organization wait for the head's row lock until the commit; with one
// statement they wait for no round trip to Warden besides the commit's.
// Warden checks the hash PostgreSQL made; AppendAudit runs this in a
// transaction, so that a difference stores nothing.
func (q *queries) appendAuditPG(ctx context.Context, e *iam.AuditEvent) error {
	head, tail := iam.ChainParts(e)
	err := q.w.QueryRowContext(ctx, `WITH h AS (UPDATE audit_heads SET seq = seq + 1, prev = hash,
			hash = sha256(int8send(octet_length(hash)::bigint) || hash || $3::bytea || int8send(seq + 1) || $4::bytea)
			WHERE org_id = $2 RETURNING seq, prev, hash)
		INSERT INTO audit_events (`+auditCols+`)
		SELECT $1, $2, h.seq, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, h.prev, h.hash FROM h
		RETURNING seq, prev_hash, hash`,
		idArg(e.ID), q.org(ctx, e.OrgID), head, tail, micros(e.Time), e.ActorType, idArg(e.ActorID), e.Action,
		e.TargetType, q.target(e.TargetID), e.SourceIP, e.UserAgent, e.Surface, string(e.Changes)).Scan(&e.Seq, &e.PrevHash, &e.Hash)
	if err != nil {
		return translate(err, "organization")
	}
	if !bytes.Equal(e.Hash, iam.ChainHash(e.PrevHash, e)) {
		return iam.E(iam.Internal, "internal", "the audit chain's hash made by the database differs from Warden's")
	}
	return nil
}

// auditInsert stores an event, its columns in auditCols' order.
const auditInsert = `INSERT INTO audit_events (` + auditCols + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

// ListAudit pages through an organization's events by Seq, newest first
// unless f.Asc.
func (q *queries) ListAudit(ctx context.Context, orgID iam.ID, f iam.AuditFilter) ([]*iam.AuditEvent, error) {
	args := []any{q.org(ctx, orgID)}
	where := `org_id = $1`
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !f.Since.IsZero() {
		add(`time >= $%d`, micros(f.Since))
	}
	if !f.Until.IsZero() {
		add(`time < $%d`, micros(f.Until))
	}
	if !f.ActorID.IsZero() {
		add(`actor_id = $%d`, idArg(f.ActorID))
	}
	if f.Action != "" {
		add(`action = $%d`, f.Action)
	}
	if f.TargetType != "" {
		add(`target_type = $%d`, f.TargetType)
	}
	if f.TargetID != "" {
		add(`target_id = $%d`, q.target(f.TargetID))
	}
	order := "DESC"
	switch {
	case f.Asc:
		order = "ASC"
		add(`seq > $%d`, f.Cursor)
	case f.Cursor > 0:
		add(`seq < $%d`, f.Cursor)
	}
	lim, args := q.pageLimit(f.Limit, args)
	rows, err := q.r.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_events WHERE `+where+
		` ORDER BY seq `+order+lim, args...)
	if err != nil {
		return nil, translate(err, "audit events")
	}
	return collect(rows, q.scanAudit, "audit events")
}

// target is what a query binds for an audit target. SQLite keeps a UUID in
// its dashed, lower-case form, the form of every target Warden records, as
// its 16 bytes (migration 0010); any other target, and every target on
// PostgreSQL, as text.
func (q *queries) target(s string) any {
	if q.s.dialect == "sqlite" {
		return auditTarget(s)
	}
	return s
}

// auditTarget is SQLite's form of an audit target: only a target that
// reads back as the same text may become bytes, or the event's hash
// would no longer match.
func auditTarget(s string) any {
	if len(s) == 36 {
		if id, err := iam.ParseID(s); err == nil && id.String() == s {
			return id[:]
		}
	}
	return s
}

// targetScan reads an audit target back: text, or a UUID's 16 bytes.
type targetScan struct{ s *string }

func (t targetScan) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*t.s = v
	case []byte:
		if len(v) != 16 {
			return errBadColumn
		}
		*t.s = iam.ID(v).String()
	default:
		return errBadColumn
	}
	return nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
