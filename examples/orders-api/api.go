package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-playground/validator/v10"
	"go.uber.org/zap"
	"golang.org/x/time/rate"
)

// API serves the orders resource and the probes.
type API struct {
	store    *Store
	metrics  *Metrics
	log      *zap.Logger
	validate *validator.Validate
	limiter  *rate.Limiter
	maxItems int
	ready    atomic.Bool
	now      func() time.Time
}

// NewAPI wires the handlers to their store, metrics and logger.
func NewAPI(store *Store, metrics *Metrics, log *zap.Logger, cfg Config) *API {
	return &API{
		store:    store,
		metrics:  metrics,
		log:      log,
		validate: validator.New(),
		limiter:  rate.NewLimiter(rate.Limit(cfg.RateLimit), int(cfg.RateLimit)+1),
		maxItems: cfg.MaxItems,
		now:      time.Now,
	}
}

// SetReady flips the readiness probe.
func (a *API) SetReady(ready bool) { a.ready.Store(ready) }

// Routes is the service's HTTP handler.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.RealIP, middleware.Recoverer, a.observe)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": version, "commit": commit})
	})
	r.Get("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if !a.ready.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	r.Route("/orders", func(r chi.Router) {
		r.With(a.rateLimit).Post("/", a.create)
		r.Get("/", a.list)
		r.Get("/{id}", a.get)
		r.Put("/{id}/status", a.setStatus)
	})
	return r
}

func (a *API) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		a.metrics.Observe(route, r.Method, ww.Status(), time.Since(start))
		a.log.Debug("request", zap.String("route", route), zap.Int("status", ww.Status()),
			zap.String("request_id", middleware.GetReqID(r.Context())))
	})
}

func (a *API) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.limiter.Allow() {
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	var o Order
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if err := a.validate.Struct(o); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if len(o.Items) > a.maxItems {
		writeError(w, http.StatusUnprocessableEntity, "too many items")
		return
	}
	created := a.store.Create(o, a.now())
	a.metrics.orders.Inc()
	a.metrics.value.Add(float64(created.Total()))
	a.log.Info("order created", zap.String("id", created.ID), zap.Int64("cents", created.Total()))
	writeJSON(w, http.StatusCreated, created)
}

func (a *API) list(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.store.List())
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	o, err := a.store.Get(chi.URLParam(r, "id"))
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (a *API) setStatus(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Status string `json:"status" validate:"required,oneof=open paid shipped cancelled"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if err := a.validate.Struct(body); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	o, err := a.store.SetStatus(chi.URLParam(r, "id"), body.Status)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
