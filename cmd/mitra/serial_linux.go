package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openSerial opens a serial port raw at baud, 8 data bits, no parity, and
// two stop bits when twoStop (SSP asks 8N2). The file is opened
// non-blocking so Go's poller gives it read deadlines, which the drivers use
// for their reply timeouts.
func openSerial(path string, baud int, twoStop bool) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s is not a serial port: %w", path, err)
	}
	speeds := map[int]uint32{2400: unix.B2400, 9600: unix.B9600, 19200: unix.B19200, 115200: unix.B115200}
	sp, ok := speeds[baud]
	if !ok {
		unix.Close(fd)
		return nil, fmt.Errorf("unsupported baud rate %d", baud)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CSTOPB | unix.CBAUD | unix.CRTSCTS
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL | sp
	if twoStop {
		t.Cflag |= unix.CSTOPB
	}
	t.Ispeed, t.Ospeed = sp, sp
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("configure %s: %w", path, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}
