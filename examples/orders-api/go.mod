module example.com/orders-api

go 1.22

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.1.1 // indirect
	github.com/go-chi/chi/v5 v5.0.7
	github.com/go-playground/locales v0.14.0 // indirect
	github.com/go-playground/universal-translator v0.17.0 // indirect
	github.com/go-playground/validator/v10 v10.4.1
	github.com/golang/protobuf v1.3.5 // indirect
	github.com/google/uuid v1.3.0
	github.com/kelseyhightower/envconfig v1.3.0
	github.com/leodido/go-urn v1.2.1 // indirect
	github.com/matttproud/golang_protobuf_extensions v1.0.1 // indirect
	github.com/prometheus/client_golang v1.14.0
	github.com/prometheus/client_model v0.3.0 // indirect
	github.com/prometheus/common v0.39.0 // indirect
	github.com/prometheus/procfs v0.8.0 // indirect
	go.uber.org/atomic v1.10.0 // indirect
	go.uber.org/multierr v1.6.0 // indirect
	go.uber.org/zap v1.23.0
	golang.org/x/crypto v0.4.0 // indirect
	golang.org/x/sync v0.1.0
	golang.org/x/sys v0.3.0 // indirect
	golang.org/x/time v0.3.0
	google.golang.org/protobuf v1.28.1 // indirect
)
