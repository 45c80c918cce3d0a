// Package events is the shop's event envelope, a module of its own in the workspace.
package events

import "fmt"

// Event is something that happened to an order.
type Event struct {
	Kind  string
	Order int
}

// String formats an event for a log line.
func (e Event) String() string { return fmt.Sprintf("%s order=%d", e.Kind, e.Order) }
