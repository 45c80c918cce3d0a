// Package quote is a stand-in for a third-party module: a motto.
package quote

// Motto says what the shop stands for.
func Motto() string { return "Quality in every cup." }
