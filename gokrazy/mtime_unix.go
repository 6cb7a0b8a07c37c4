package gokrazy

import "golang.org/x/sys/unix"

// setMtime sets a path's access and modification time without following a
// final symlink (os.Chtimes would follow it, and fail on a dangling one).
func setMtime(path string, unixSeconds int64) error {
	ts := []unix.Timespec{{Sec: unixSeconds}, {Sec: unixSeconds}}
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW)
}
