package httpapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestRouteMetrics: a route's series count what observe would, HEAD on a
// GET route included, and a route never served has no series.
func TestRouteMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	rm := m.route(http.MethodGet, "/v1/users/{id}")
	m.route(http.MethodGet, "/v1/unserved")
	for range 3 {
		rm.observe(http.MethodGet, http.StatusOK, time.Millisecond)
	}
	rm.observe(http.MethodGet, http.StatusNotFound, time.Millisecond)
	rm.observe(http.MethodHead, http.StatusOK, time.Millisecond)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			key := f.GetName()
			for _, l := range s.GetLabel() {
				key += " " + l.GetValue()
			}
			got[key] = s.GetCounter().GetValue() + float64(s.GetHistogram().GetSampleCount())
		}
	}
	want := map[string]float64{
		"warden_http_requests_total GET /v1/users/{id} 200":        3,
		"warden_http_requests_total GET /v1/users/{id} 404":        1,
		"warden_http_requests_total HEAD /v1/users/{id} 200":       1,
		"warden_http_request_duration_seconds GET /v1/users/{id}":  4,
		"warden_http_request_duration_seconds HEAD /v1/users/{id}": 1,
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// BenchmarkObserve: a request's metrics through its route's series against
// a lookup of the labels in the vectors.
func BenchmarkObserve(b *testing.B) {
	m := newMetrics(prometheus.NewRegistry())
	b.Run("route", func(b *testing.B) {
		rm := m.route(http.MethodGet, "/v1/users/{id}")
		for b.Loop() {
			rm.observe(http.MethodGet, http.StatusOK, time.Millisecond)
		}
	})
	b.Run("vectors", func(b *testing.B) {
		for b.Loop() {
			m.observe(http.MethodGet, "/v1/users/{id}", http.StatusOK, time.Millisecond)
		}
	})
}
