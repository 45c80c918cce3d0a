// Package billing makes invoices.
package billing

import (
	"fmt"

	"example.com/shop/internal/money"
)

// Invoice is the total of an order, rounded to whole cents of 5.
func Invoice(order int, cents int64) string {
	return fmt.Sprintf("invoice for order %d: %d cents", order, money.Round(cents, 5))
}
