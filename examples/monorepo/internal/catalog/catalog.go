// Package catalog serves the product list, embedded in the binary.
package catalog

import (
	_ "embed"
	"strings"

	"example.com/quote"
)

//go:embed data/products.txt
var products string

// Products lists the products, one a line.
func Products() []string { return strings.Fields(products) }

// Motto is the catalog's motto, from a third-party module.
func Motto() string { return quote.Motto() }
