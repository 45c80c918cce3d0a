//go:build !arm64

package platform

const archName = "other"
