package platform

const archName = "arm64"
