// hello-go is a small 12-factor HTTP service: configuration from the environment, JSON logs on
// stdout, liveness and readiness endpoints, and a graceful drain on SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Set at build time: -X main.version=… -X main.commit=…
var (
	version = "dev"
	commit  = "unknown"
)

// Config is everything the service reads from its environment.
type Config struct {
	Port            int
	LogLevel        slog.Level
	ShutdownTimeout time.Duration
}

// LoadConfig reads PORT, LOG_LEVEL and SHUTDOWN_TIMEOUT, with defaults.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Port: 8080, LogLevel: slog.LevelInfo, ShutdownTimeout: 10 * time.Second}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return cfg, fmt.Errorf("PORT: %q is not a port number", v)
		}
		cfg.Port = p
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return cfg, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", v)
		}
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return cfg, fmt.Errorf("SHUTDOWN_TIMEOUT: %q is not a duration", v)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}

// Server holds the readiness state the handlers report.
type Server struct {
	ready atomic.Bool
	log   *slog.Logger
}

// Routes returns the service's HTTP handler.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"ok","version":%q,"commit":%q,"arch":%q}`+"\n", version, commit, runtime.GOARCH)
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready.Load() {
			http.Error(w, `{"status":"draining"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ready"}`)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.log.Debug("hello", "path", r.URL.Path)
		fmt.Fprintf(w, "hello from %s/%s\n", runtime.GOOS, runtime.GOARCH)
	})
	return mux
}

// Run serves until ctx is cancelled, then reports not-ready, drains and returns.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	s := &Server{log: log}
	srv := &http.Server{Addr: fmt.Sprintf(":%d", cfg.Port), Handler: s.Routes(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.ready.Store(true)
	log.Info("listening", "port", cfg.Port, "version", version, "commit", commit)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	log.Info("draining", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "selfcheck" {
		if err := Selfcheck(os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
	cfg, err := LoadConfig(os.Getenv)
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if err != nil {
		log.Error("bad configuration", "error", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := Run(ctx, cfg, log); err != nil {
		log.Error("server failed", "error", err)
		os.Exit(1)
	}
}
