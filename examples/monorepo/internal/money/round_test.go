package money

import "testing"

func TestRound(t *testing.T) {
	if got := Round(149, 100); got != 100 {
		t.Fatalf("Round(149, 100) = %d", got)
	}
}
