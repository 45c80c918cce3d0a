package main

import (
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Item is one line of an order.
type Item struct {
	SKU      string `json:"sku" validate:"required,alphanum,min=3,max=32"`
	Quantity int    `json:"quantity" validate:"required,min=1,max=1000"`
	Cents    int64  `json:"cents" validate:"min=0"`
}

// Order is what the API stores.
type Order struct {
	ID       string    `json:"id"`
	Customer string    `json:"customer" validate:"required,email"`
	Items    []Item    `json:"items" validate:"required,min=1,dive"`
	Created  time.Time `json:"created"`
	Status   string    `json:"status" validate:"omitempty,oneof=open paid shipped cancelled"`
}

// Total is the order's value in cents.
func (o Order) Total() int64 {
	var t int64
	for _, it := range o.Items {
		t += int64(it.Quantity) * it.Cents
	}
	return t
}

// ErrNotFound is returned for an order that does not exist.
var ErrNotFound = errors.New("order not found")

// Store keeps orders in memory.
type Store struct {
	mu     sync.RWMutex
	orders map[string]Order
}

// NewStore is an empty store.
func NewStore() *Store { return &Store{orders: map[string]Order{}} }

// Create stores o under a new id.
func (s *Store) Create(o Order, now time.Time) Order {
	o.ID = uuid.NewString()
	o.Created = now.UTC()
	if o.Status == "" {
		o.Status = "open"
	}
	s.mu.Lock()
	s.orders[o.ID] = o
	s.mu.Unlock()
	return o
}

// Get returns the order with id.
func (s *Store) Get(id string) (Order, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return o, nil
}

// List returns every order, oldest first.
func (s *Store) List() []Order {
	s.mu.RLock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		out = append(out, o)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

// SetStatus moves an order to status.
func (s *Store) SetStatus(id, status string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	o.Status = status
	s.orders[id] = o
	return o, nil
}
