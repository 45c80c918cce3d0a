package platform

const osName = "linux"
