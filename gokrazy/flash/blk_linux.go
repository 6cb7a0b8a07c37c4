package flash

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// devNumber returns a block device's "MAJ:MIN", the name of its entry in
// /sys/dev/block.
func devNumber(st fs.FileInfo) (string, error) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return "", fmt.Errorf("flash: %s: no device number", st.Name())
	}
	return fmt.Sprintf("%d:%d", unix.Major(sys.Rdev), unix.Minor(sys.Rdev)), nil
}

// openTarget opens the disk for writing. O_EXCL on a block device makes the
// kernel refuse it (EBUSY) while anything has it mounted or claimed, which
// closes the gap between Inspect and the first write.
func openTarget(d Disk) (*os.File, error) {
	flags := os.O_WRONLY
	if d.IsBlock {
		flags |= unix.O_EXCL
	}
	f, err := os.OpenFile(d.Path, flags, 0)
	if errors.Is(err, unix.EBUSY) {
		return nil, refusef("%s is busy (mounted or in use since the checks); unmount it and try again", d.Path)
	}
	return f, err
}

// openReadBack opens the disk to read the written range back from the
// medium, not from the page cache: with O_DIRECT when the file system or
// driver allows it (tmpfs does not), otherwise after flushing the block
// device's buffers (BLKFLSBUF) and dropping the file's cached pages
// (POSIX_FADV_DONTNEED). It returns how the cache was bypassed, for the
// report.
func openReadBack(d Disk) (*os.File, string, error) {
	if f, err := os.OpenFile(d.Path, os.O_RDONLY|unix.O_DIRECT, 0); err == nil {
		return f, "O_DIRECT", nil
	}
	f, err := os.Open(d.Path)
	if err != nil {
		return nil, "", err
	}
	how := "page cache dropped"
	if d.IsBlock {
		if err := unix.IoctlSetInt(int(f.Fd()), unix.BLKFLSBUF, 0); err != nil {
			f.Close()
			return nil, "", fmt.Errorf("flash: flush %s buffers: %w", d.Path, err)
		}
		how = "buffers flushed (BLKFLSBUF), page cache dropped"
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		f.Close()
		return nil, "", fmt.Errorf("flash: drop cached pages of %s: %w", d.Path, err)
	}
	return f, how, nil
}

// rereadPartitions asks the kernel to read the new partition table
// (BLKRRPART), so the card's partitions appear without replugging it.
func rereadPartitions(d Disk) error {
	f, err := os.Open(d.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.IoctlSetInt(int(f.Fd()), unix.BLKRRPART, 0)
}

// IsTerminal reports whether w is a terminal, where the progress bar
// redraws itself in place.
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
