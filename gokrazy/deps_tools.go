//go:build tools

// This file is never built. It keeps the kernel and firmware modules the
// image builder copies files from (they have no Go code of interest) in
// go.mod, so `go mod tidy` does not drop them and `go list -m` resolves
// their versions.
package gokrazy

import (
	_ "github.com/gokrazy/firmware"
	_ "github.com/gokrazy/kernel.amd64"
	_ "github.com/gokrazy/kernel.rpi"
)
