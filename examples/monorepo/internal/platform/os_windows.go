package platform

const osName = "windows"
