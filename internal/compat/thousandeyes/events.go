package thousandeyes

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

var windowRE = regexp.MustCompile(`^(\d{1,9})([smhdw]?)$`)

var windowUnits = map[string]time.Duration{"": time.Second, "s": time.Second, "m": time.Minute,
	"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}

// span is a page's position and time range; the cursor carries it so that
// every page of a listing sees the same range.
type span struct {
	after        int64 // events below this Seq (0: from the newest)
	since, until time.Time
}

func (s span) cursor() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "1.%d.%d.%d", s.after, micro(s.since), micro(s.until)))
}

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

func parseCursor(s string) (span, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return span{}, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 4 || parts[0] != "1" {
		return span{}, false
	}
	var n [3]int64
	for i := range n {
		if n[i], err = strconv.ParseInt(parts[i+1], 10, 64); err != nil || n[i] < 0 {
			return span{}, false
		}
	}
	if n[0] == 0 {
		return span{}, false
	}
	return span{after: n[0], since: fromMicro(n[1]), until: fromMicro(n[2])}, true
}

// span reads window, startDate, endDate and cursor.
func (c *call) span(now time.Time) (sp span, ranged bool, err error) {
	q := c.r.URL.Query()
	if q.Has("cursor") {
		sp, ok := parseCursor(q.Get("cursor"))
		if !ok {
			return span{}, false, invalid("cursor", "is not a cursor this API gave")
		}
		return sp, !sp.since.IsZero() || !sp.until.IsZero(), nil
	}
	if q.Has("window") && (q.Has("startDate") || q.Has("endDate")) {
		return span{}, false, invalid("window", "cannot be combined with startDate or endDate")
	}
	if q.Has("window") {
		m := windowRE.FindStringSubmatch(q.Get("window"))
		if m == nil {
			return span{}, false, invalid("window", "must be a number with an optional unit s, m, h, d or w, such as 12h")
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return span{since: now.Add(-time.Duration(n) * windowUnits[m[2]]), until: now}, true, nil
	}
	date := func(name string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339Nano, q.Get(name))
		if err != nil {
			return time.Time{}, invalid(name, "must be an ISO 8601 date-time such as 2022-07-17T22:00:54Z")
		}
		return t.UTC(), nil
	}
	if q.Has("startDate") {
		if sp.since, err = date("startDate"); err != nil {
			return span{}, false, err
		}
		sp.until, ranged = now, true
	}
	if q.Has("endDate") {
		if sp.until, err = date("endDate"); err != nil {
			return span{}, false, err
		}
		ranged = true
	}
	if !sp.since.IsZero() && sp.until.Before(sp.since) {
		return span{}, false, invalid("endDate", "must not be before startDate")
	}
	return sp, ranged, nil
}

// eventText is an action as a sentence: user.created → "User created."
func eventText(action string) string {
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (s *server) listUserEvents(w http.ResponseWriter, r *http.Request, c *call) error {
	ag, err := c.contextGroup()
	if err != nil {
		return err
	}
	if v := r.URL.Query().Get("useAllPermittedAids"); r.URL.Query().Has("useAllPermittedAids") {
		if _, err := strconv.ParseBool(v); err != nil {
			return invalid("useAllPermittedAids", "must be true or false")
		}
	}
	now := time.Now().UTC()
	sp, ranged, err := c.span(now)
	if err != nil {
		return err
	}
	f := iam.AuditFilter{Since: sp.since, Cursor: sp.after, Limit: s.pageSize + 1}
	if !sp.until.IsZero() {
		f.Until = sp.until.Add(time.Microsecond) // endDate is inclusive
	}
	events, err := s.env.Svc.Audit.List(c.ctx, f)
	if err != nil {
		return err
	}
	out := auditUserEvents{AuditEvents: []userEvent{}, Links: pageLinks{Self: c.self().Self}}
	if ranged {
		out.StartDate, out.EndDate = utcOrNil(sp.since), utcOrNil(sp.until)
	}
	more := len(events) > s.pageSize
	if more {
		events = events[:s.pageSize]
	}
	users := map[iam.ID]*iam.User{}
	for _, e := range events {
		ue := userEvent{Date: e.Time.UTC(), Event: eventText(e.Action), IPAddress: e.SourceIP}
		if ag != nil {
			ue.Aid, ue.AccountGroupName = itoa(ag.Seq), ag.Title
		}
		if e.TargetType == "workspace" {
			if id, err := iam.ParseID(e.TargetID); err == nil {
				if ws := c.visibleByID(id); ws != nil {
					ue.Aid, ue.AccountGroupName = itoa(ws.Seq), ws.Title
				}
			}
		}
		switch e.ActorType {
		case iam.ActorUser:
			u, seen := users[e.ActorID]
			if !seen {
				u, _ = s.env.Svc.Users.Get(c.ctx, e.ActorID)
				users[e.ActorID] = u
			}
			if u != nil {
				ue.UID, ue.User = itoa(u.Seq), strings.TrimSpace(u.FullName+" ("+u.Email+")")
			}
		case iam.ActorServiceAccount:
			ue.User = "Service account " + e.ActorID.String()
		default:
			ue.User = "System"
		}
		if e.TargetType != "" {
			ue.Resources = []resource{{Type: e.TargetType, Name: e.TargetID}}
		}
		out.AuditEvents = append(out.AuditEvents, ue)
	}
	if more {
		next := span{after: events[len(events)-1].Seq, since: sp.since, until: sp.until}
		q := r.URL.Query()
		q.Del("window")
		q.Del("startDate")
		q.Del("endDate")
		q.Set("cursor", next.cursor())
		out.Links.Next = c.link(r.URL.Path, q)
	}
	return write(w, http.StatusOK, out)
}

func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}
