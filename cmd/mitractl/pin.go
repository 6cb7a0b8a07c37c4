package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mitra-kiosk/mitra/appliance/config"
)

// pinHash reads a technician PIN from stdin and prints the line to put in
// the kiosk's config. The PIN is read, not passed as an argument, so it
// stays out of the shell history and the process list.
func pinHash(stdin io.Reader, stdout, stderr io.Writer) int {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(stderr, "mitractl pin-hash: type the PIN (6 or more digits) on standard input")
		return 2
	}
	h, err := config.HashPIN(strings.TrimSpace(line))
	if err != nil {
		fmt.Fprintf(stderr, "mitractl pin-hash: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "technician_pin_hash = %q\n", h)
	return 0
}
