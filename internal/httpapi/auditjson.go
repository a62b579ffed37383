package httpapi

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/wardenhq/warden/internal/iam"
)

// A page of audit events is written by hand, as a page of users is
// (userjson.go): through encoding/json's reflection a page of 100 cost more
// than reading it from the store, a third of it re-checking each event's
// stored changes. An event with any field encoding/json would escape or
// compact is encoded by encoding/json itself, so the bytes are the same
// either way (FuzzAuditPageJSON compares them).

// writeAuditPage sends what writeJSON sends for auditList{events, next}.
func writeAuditPage(w http.ResponseWriter, events []*iam.AuditEvent, next *string) error {
	return writePooled(w, func(b []byte) ([]byte, error) { return appendAuditPage(b, events, next) })
}

// appendAuditPage appends json.Encoder's encoding of auditList{events,
// next}, newline included.
func appendAuditPage(b []byte, events []*iam.AuditEvent, next *string) ([]byte, error) {
	return appendPage(b, "events", events, appendAudit, next)
}

// appendAudit appends json.Marshal(toAuditJSON(e)).
func appendAudit(b []byte, e *iam.AuditEvent) ([]byte, error) {
	if out, ok := appendPlainAudit(b, e); ok {
		return out, nil
	}
	enc, err := json.Marshal(toAuditJSON(e))
	return append(b, enc...), err
}

// appendPlainAudit writes e if no field needs escaping or compacting;
// otherwise it reports false, and what it appended is to be dropped.
func appendPlainAudit(b []byte, e *iam.AuditEvent) ([]byte, bool) {
	for _, s := range [...]string{e.ActorType, e.Action, e.TargetType, e.TargetID, e.SourceIP, e.UserAgent, e.Surface} {
		if !plainString(s) {
			return b, false
		}
	}
	if len(e.Changes) > 0 && !compactSafe(e.Changes) {
		return b, false
	}
	b = append(b, `{"id":"`...)
	b, _ = e.ID.AppendText(b)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"time":`...)
	var ok bool
	if b, ok = appendTime(b, e.Time); !ok {
		return b, false
	}
	b = append(b, `,"actor":{"type":`...)
	b = appendQuoted(b, e.ActorType)
	b = append(b, `,"id":"`...)
	if !e.ActorID.IsZero() {
		b, _ = e.ActorID.AppendText(b)
	}
	b = append(b, `"},"action":`...)
	b = appendQuoted(b, e.Action)
	b = append(b, `,"target":{"type":`...)
	b = appendQuoted(b, e.TargetType)
	b = append(b, `,"id":`...)
	b = appendQuoted(b, e.TargetID)
	b = append(b, `},"source_ip":`...)
	b = appendQuoted(b, e.SourceIP)
	b = append(b, `,"user_agent":`...)
	b = appendQuoted(b, e.UserAgent)
	b = append(b, `,"surface":`...)
	b = appendQuoted(b, e.Surface)
	b = append(b, `,"changes":`...)
	if len(e.Changes) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Changes...)
	}
	b = append(b, `,"prev_hash":"`...)
	b = hex.AppendEncode(b, e.PrevHash)
	b = append(b, `","hash":"`...)
	b = hex.AppendEncode(b, e.Hash)
	return append(b, `"}`...), true
}
