// orders-api is a real-size 12-factor service: an HTTP API for orders with a chi router,
// request validation, structured JSON logs (zap), Prometheus metrics, a rate limit, liveness and
// readiness probes, configuration from the environment, and a graceful drain on SIGTERM. It is
// gantry's second example and what its benchmark builds; its dependencies are vendored.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// Set at build time: -X main.version=… -X main.commit=…
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	cfg, err := LoadConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad configuration:", err)
		os.Exit(2)
	}
	log, err := NewLogger(cfg.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "logger:", err)
		os.Exit(2)
	}
	defer func() { _ = log.Sync() }()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := Run(ctx, cfg, log); err != nil {
		log.Error("server failed", zap.Error(err))
		os.Exit(1)
	}
}

// Run serves the API and the metrics until ctx is cancelled, then reports not-ready, drains
// both servers within the shutdown timeout and returns.
func Run(ctx context.Context, cfg Config, log *zap.Logger) error {
	metrics := NewMetrics()
	api := NewAPI(NewStore(), metrics, log, cfg)
	servers := []*http.Server{
		{Addr: cfg.Addr, Handler: api.Routes(), ReadHeaderTimeout: 5 * time.Second},
		{Addr: cfg.MetricsAddr, Handler: metrics.Handler(), ReadHeaderTimeout: 5 * time.Second},
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, srv := range servers {
		srv := srv
		g.Go(func() error {
			if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	api.SetReady(true)
	log.Info("listening", zap.String("addr", cfg.Addr), zap.String("metrics", cfg.MetricsAddr),
		zap.String("version", version), zap.String("commit", commit))
	g.Go(func() error {
		<-gctx.Done()
		api.SetReady(false)
		log.Info("draining", zap.Duration("timeout", cfg.ShutdownTimeout))
		shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		var errs []error
		for _, srv := range servers {
			errs = append(errs, srv.Shutdown(shutdownCtx))
		}
		return errors.Join(errs...)
	})
	err := g.Wait()
	log.Info("stopped")
	return err
}
