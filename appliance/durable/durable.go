// Package durable holds what makes a file-system change survive a power
// cut on the kiosk's storage (ext4 /perm, the FAT boot partition), for the
// packages that must not lose one: the journal and the updater.
package durable

import "os"

// SyncDir makes the names created, renamed or removed in dir durable.
// fsync on a file covers its data, not the directory entry that points to
// it: without this a power cut can lose a whole new file or undo a rename
// (on vfat it flushes the directory's clusters). Errors are the *PathError
// of open or sync, naming dir.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
