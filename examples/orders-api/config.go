package main

import (
	"fmt"
	"time"

	"github.com/kelseyhightower/envconfig"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config is everything the service reads from its environment (ORDERS_*).
type Config struct {
	Addr            string        `envconfig:"ADDR" default:":8080"`
	MetricsAddr     string        `envconfig:"METRICS_ADDR" default:":9090"`
	LogLevel        string        `envconfig:"LOG_LEVEL" default:"info"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"10s"`
	RateLimit       float64       `envconfig:"RATE_LIMIT" default:"100"`
	MaxItems        int           `envconfig:"MAX_ITEMS" default:"50"`
}

// LoadConfig reads the ORDERS_* variables, with defaults.
func LoadConfig() (Config, error) {
	var cfg Config
	if err := envconfig.Process("orders", &cfg); err != nil {
		return cfg, err
	}
	if cfg.RateLimit <= 0 {
		return cfg, fmt.Errorf("ORDERS_RATE_LIMIT: %v is not a positive rate", cfg.RateLimit)
	}
	return cfg, nil
}

// NewLogger is a production JSON logger at level (debug, info, warn, error).
func NewLogger(level string) (*zap.Logger, error) {
	var l zapcore.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("ORDERS_LOG_LEVEL: %q is not one of debug, info, warn, error", level)
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(l)
	cfg.EncoderConfig.TimeKey = "time"
	cfg.EncoderConfig.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	return cfg.Build()
}
