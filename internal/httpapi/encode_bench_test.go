package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wardenhq/warden/internal/iam"
)

// BenchmarkEncodeUserPage encodes a list page of 100 users, as
// GET /v1/users sends it: the encoding's share of a page, apart from
// the store's. "reflect" is the same page through encoding/json.
func BenchmarkEncodeUserPage(b *testing.B) {
	users := make([]*iam.User, 100)
	at := time.Date(2026, 11, 23, 20, 0, 0, 123456000, time.UTC)
	for i := range users {
		users[i] = &iam.User{ID: iam.ID{byte(i), 1, 2, 3}, OrgID: iam.ID{9}, Email: fmt.Sprintf("user%d@example.com", i),
			Username: fmt.Sprintf("user%d", i), FirstName: "Ada", LastName: "Lovelace", FullName: "Ada Lovelace",
			Roles: []string{"member"}, Metadata: json.RawMessage(`{"department":"research"}`), CreatedAt: at, UpdatedAt: at, LastLoginAt: &at}
	}
	next := "AZNa7LM_dMqINL4aPqcoLw"
	benchEncodePage(b, func(w http.ResponseWriter) error { return writeUserPage(w, users, &next) }, refPage(users, &next))
}

// benchEncodePage runs a page's direct encoding, write, and the same page
// through encoding/json, ref.
func benchEncodePage(b *testing.B, write func(http.ResponseWriter) error, ref any) {
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := write(httptest.NewRecorder()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			writeJSON(httptest.NewRecorder(), 200, typeJSON, ref)
		}
	})
}
