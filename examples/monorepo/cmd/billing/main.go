// Command billing prints an invoice.
package main

import (
	"fmt"

	"example.com/shop/internal/billing"
	"example.com/shop/internal/platform"
)

func main() { fmt.Println(billing.Invoice(1, 1234), "on", platform.Name()) }
