// Package orders takes orders.
package orders

import (
	"example.com/shop/events"
	"example.com/shop/internal/money"
)

// Place places an order and says what happened.
func Place(order int, cents int64) (events.Event, int64) {
	return events.Event{Kind: "placed", Order: order}, money.Round(cents, 1)
}
