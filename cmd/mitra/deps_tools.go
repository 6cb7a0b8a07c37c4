//go:build tools

// This file is never built. It pins modules that Mitra's design requires
// (the gokrazy runtime for the appliance image, periph.io for the UPS's GPIO
// and I²C, malgo for desktop audio, the gokrazy kernel the image builder
// copies from the module cache) so that `go mod tidy` keeps them at their
// reviewed versions.
package main

import (
	_ "github.com/gen2brain/malgo"
	_ "github.com/gokrazy/firmware"
	_ "github.com/gokrazy/gokrazy"
	_ "github.com/gokrazy/kernel.amd64"
	_ "github.com/gokrazy/kernel.rpi"
	_ "periph.io/x/conn/v3/gpio"
	_ "periph.io/x/host/v3"
)
