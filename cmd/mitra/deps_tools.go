//go:build tools

// This file is never built. It pins modules that Mitra's design requires
// (the gokrazy runtime for the appliance image, periph.io for the UPS's GPIO
// and I²C, malgo for desktop audio) so that `go mod tidy` keeps them at
// their reviewed versions until the packages that use them land. (The
// kernel and firmware modules are pinned in gokrazy/deps_tools.go.)
package main

import (
	_ "github.com/gen2brain/malgo"
	_ "github.com/gokrazy/gokrazy"
	_ "periph.io/x/conn/v3/gpio"
	_ "periph.io/x/host/v3"
)
