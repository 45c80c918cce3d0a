// Package platform says where the program runs.
package platform

// Name is the platform's name, set by the file built for it.
func Name() string { return osName + "/" + archName }
