// Command notify sends what happened.
package main

import (
	"fmt"

	"example.com/shop/events"
	"example.com/shop/internal/platform"
)

func main() { fmt.Println(events.Event{Kind: "sent", Order: 1}, platform.Name()) }
