//go:build unix

package diag

import "golang.org/x/sys/unix"

// freeSpace reports the file system holding dir.
func freeSpace(dir string) Space {
	s := Space{Path: dir}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		s.Error = err.Error()
		return s
	}
	// Bavail, not Bfree: what an unprivileged writer can still use, the
	// conservative figure.
	s.Free = uint64(st.Bavail) * uint64(st.Bsize)
	s.Total = uint64(st.Blocks) * uint64(st.Bsize)
	return s
}
