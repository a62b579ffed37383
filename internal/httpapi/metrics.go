package httpapi

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts requests and times them by route pattern (never by raw
// path, which would make one series per user ID).
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warden_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "warden_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, statusLabel(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// routeMetrics are one route's series, looked up in the vectors once each
// rather than at every request (hashing the label values took ~0.4 µs of a
// request that costs the server ~25). A series is made on its first
// request, as observe makes it, so /metrics lists no route never served.
type routeMetrics struct {
	m             *metrics
	method, route string
	duration      atomic.Pointer[prometheus.Observer]
	counts        sync.Map // status (int) → prometheus.Counter
}

func (m *metrics) route(method, route string) *routeMetrics {
	return &routeMetrics{m: m, method: method, route: route}
}

// observe records a request of method (a GET route also serves HEAD, whose
// series are looked up each time).
func (rm *routeMetrics) observe(method string, status int, d time.Duration) {
	if method != rm.method {
		rm.m.observe(method, rm.route, status, d)
		return
	}
	c, ok := rm.counts.Load(status)
	if !ok {
		c, _ = rm.counts.LoadOrStore(status, rm.m.requests.WithLabelValues(method, rm.route, statusLabel(status)))
	}
	c.(prometheus.Counter).Inc()
	o := rm.duration.Load()
	if o == nil {
		h := rm.m.duration.WithLabelValues(method, rm.route)
		o = &h
		rm.duration.Store(o)
	}
	(*o).Observe(d.Seconds())
}

// statusLabels are the status codes as label values, made once:
// strconv.Itoa allocates for every number past 99.
var statusLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func statusLabel(status int) string {
	if status >= 0 && status < len(statusLabels) {
		return statusLabels[status]
	}
	return strconv.Itoa(status)
}
