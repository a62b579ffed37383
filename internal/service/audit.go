package service

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wardenhq/warden/internal/authz"
	"github.com/wardenhq/warden/internal/iam"
)

// Audit reads and verifies the caller's organization's audit log.
type Audit struct {
	env *Env
}

// List returns audit events of the caller's organization.
func (s *Audit) List(ctx context.Context, f iam.AuditFilter) ([]*iam.AuditEvent, error) {
	p, err := s.env.authorize(ctx, authz.AuditRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return s.env.Store.ListAudit(ctx, p.OrgID, f)
}

// Verify checks the caller's organization's hash chain.
func (s *Audit) Verify(ctx context.Context) (*ChainReport, error) {
	p, err := s.env.authorize(ctx, authz.AuditRead, orgLevel)
	if err != nil {
		return nil, err
	}
	return VerifyChain(ctx, s.env.Store, p.OrgID)
}

// ChainReport is the outcome of a chain verification. Broken is nil when
// every event links to its predecessor and hashes to its stored hash.
type ChainReport struct {
	OrgID  iam.ID
	Events int64
	Broken *BrokenLink
}

// BrokenLink names the first event at which the chain fails.
type BrokenLink struct {
	Seq    int64
	ID     iam.ID
	Reason string
}

// VerifyChain walks an organization's audit log from the first event and
// reports the first broken link: a missing position, a predecessor hash
// that does not match, or an event whose content no longer matches its hash.
func VerifyChain(ctx context.Context, q iam.Queries, orgID iam.ID) (*ChainReport, error) {
	r := &ChainReport{OrgID: orgID}
	var prev []byte
	var cursor int64
	for {
		page, err := q.ListAudit(ctx, orgID, iam.AuditFilter{Asc: true, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if reason := checkLink(e, cursor, prev); reason != "" {
				r.Broken = &BrokenLink{Seq: e.Seq, ID: e.ID, Reason: reason}
				return r, nil
			}
			r.Events++
			prev, cursor = e.Hash, e.Seq
		}
		if len(page) < 1000 {
			return r, nil
		}
	}
}

func checkLink(e *iam.AuditEvent, prevSeq int64, prevHash []byte) string {
	switch {
	case e.Seq != prevSeq+1:
		return fmt.Sprintf("expected event %d, found %d: events are missing", prevSeq+1, e.Seq)
	case !bytes.Equal(e.PrevHash, prevHash):
		return "its previous-hash does not match the hash of the event before it"
	case !bytes.Equal(e.Hash, iam.ChainHash(e.PrevHash, e)):
		return "its content does not match its hash: the event was altered"
	}
	return ""
}
