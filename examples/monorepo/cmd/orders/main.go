// Command orders places an order.
package main

import (
	"fmt"

	"example.com/shop/internal/orders"
)

func main() {
	e, cents := orders.Place(7, 999)
	fmt.Println(e, cents)
}
