// Package money rounds amounts of cents, shared by billing and orders.
package money

// Round rounds cents to the nearest multiple of step.
func Round(cents, step int64) int64 {
	if step <= 0 {
		return cents
	}
	return (cents + step/2) / step * step
}
