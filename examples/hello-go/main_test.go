package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{"PORT": "9090", "LOG_LEVEL": "debug", "SHUTDOWN_TIMEOUT": "2s"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9090 || cfg.LogLevel != slog.LevelDebug || cfg.ShutdownTimeout != 2*time.Second {
		t.Fatalf("unexpected config %+v", cfg)
	}
	for k, v := range map[string]string{"PORT": "http", "LOG_LEVEL": "loud", "SHUTDOWN_TIMEOUT": "soon"} {
		if _, err := LoadConfig(func(key string) string {
			if key == k {
				return v
			}
			return ""
		}); err == nil || !strings.HasPrefix(err.Error(), k) {
			t.Errorf("%s=%s: want an error naming %s, got %v", k, v, k, err)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := &Server{log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	h := s.Routes()
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	if get("/healthz") != 200 {
		t.Fatal("healthz should be 200")
	}
	if get("/ready") != 503 {
		t.Fatal("not ready before start")
	}
	s.ready.Store(true)
	if get("/ready") != 200 {
		t.Fatal("ready after start")
	}
}

func TestRunDrainsOnCancel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Port: port, ShutdownTimeout: time.Second}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	}()
	url := "http://127.0.0.1:" + strings.TrimPrefix(l.Addr().String(), "127.0.0.1:") + "/ready"
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not become ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
