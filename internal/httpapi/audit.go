package httpapi

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

type auditEventJSON struct {
	ID        iam.ID          `json:"id"`
	Seq       int64           `json:"seq"`
	Time      time.Time       `json:"time"`
	Actor     auditRef        `json:"actor"`
	Action    string          `json:"action"`
	Target    auditRef        `json:"target"`
	SourceIP  string          `json:"source_ip"`
	UserAgent string          `json:"user_agent"`
	Surface   string          `json:"surface"`
	Changes   json.RawMessage `json:"changes"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

type auditRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func toAuditJSON(e *iam.AuditEvent) auditEventJSON {
	actor := auditRef{Type: e.ActorType}
	if !e.ActorID.IsZero() {
		actor.ID = e.ActorID.String()
	}
	changes := e.Changes
	if len(changes) == 0 {
		changes = json.RawMessage("null")
	}
	return auditEventJSON{ID: e.ID, Seq: e.Seq, Time: e.Time, Actor: actor, Action: e.Action,
		Target: auditRef{Type: e.TargetType, ID: e.TargetID}, SourceIP: e.SourceIP, UserAgent: e.UserAgent,
		Surface: e.Surface, Changes: changes, PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}
}

type auditList struct {
	Events     []auditEventJSON `json:"events"`
	NextCursor *string          `json:"next_cursor"`
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := query{r: r}
	f := iam.AuditFilter{Since: q.time("since"), Until: q.time("until"), ActorID: q.id("actor"),
		Action: q.str("action"), TargetType: q.str("target_type"), TargetID: q.str("target"), Limit: q.limit()}
	switch q.str("order") {
	case "", "desc":
	case "asc":
		f.Asc = true
	default:
		q.fail("order", "must be asc or desc")
	}
	if c := q.str("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			q.fail("cursor", "is not a cursor this API returned")
		}
		f.Cursor = n
	}
	if q.err != nil {
		return q.err
	}
	events, err := s.svc.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	var next *string
	if n := len(events); n > 0 && n == f.Limit {
		c := strconv.FormatInt(events[n-1].Seq, 10)
		next = &c
	}
	return writeAuditPage(w, events, next)
}

type verifyResponse struct {
	OrgID  iam.ID      `json:"org_id"`
	OK     bool        `json:"ok"`
	Events int64       `json:"events"`
	Broken *brokenJSON `json:"broken"`
}

type brokenJSON struct {
	Seq    int64  `json:"seq"`
	ID     iam.ID `json:"id"`
	Reason string `json:"reason"`
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.svc.Audit.Verify(r.Context())
	if err != nil {
		return err
	}
	out := verifyResponse{OrgID: rep.OrgID, OK: rep.Broken == nil, Events: rep.Events}
	if b := rep.Broken; b != nil {
		out.Broken = &brokenJSON{Seq: b.Seq, ID: b.ID, Reason: b.Reason}
	}
	writeJSON(w, http.StatusOK, typeJSON, out)
	return nil
}
