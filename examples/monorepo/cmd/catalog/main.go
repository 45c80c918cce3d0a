// Command catalog lists the products.
package main

import (
	"fmt"

	"example.com/shop/internal/catalog"
)

func main() { fmt.Println(catalog.Products(), catalog.Motto()) }
