package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
)

func newTestAPI(t *testing.T) http.Handler {
	t.Helper()
	api := NewAPI(NewStore(), NewMetrics(), zap.NewNop(), Config{RateLimit: 100, MaxItems: 3})
	api.SetReady(true)
	return api.Routes()
}

func do(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	return rec
}

func TestOrders(t *testing.T) {
	h := newTestAPI(t)
	ok := do(h, "POST", "/orders/", `{"customer":"a@example.com","items":[{"sku":"abc123","quantity":2,"cents":150}]}`)
	if ok.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", ok.Code, ok.Body)
	}
	bad := do(h, "POST", "/orders/", `{"customer":"not-an-email","items":[]}`)
	if bad.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid order: %d %s", bad.Code, bad.Body)
	}
	if got := do(h, "GET", "/orders/nope", ""); got.Code != http.StatusNotFound {
		t.Fatalf("missing order: %d", got.Code)
	}
	if got := do(h, "GET", "/ready", ""); got.Code != http.StatusOK {
		t.Fatalf("ready: %d", got.Code)
	}
}
