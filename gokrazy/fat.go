package gokrazy

import (
	"fmt"
	"os"
	"time"

	"github.com/diskfs/go-diskfs/backend"
	"github.com/diskfs/go-diskfs/filesystem/fat32"
)

// bootLabel is the boot file system's volume label.
const bootLabel = "MITRABOOT"

// writeFAT formats the boot partition (offset start, size bytes of b) as
// FAT32 and writes t into it, in sorted order, every timestamp the build
// epoch. The volume ID is zero (go-diskfs's reproducible mode) rather than
// time-derived.
//
// This is not gokrazy's own FAT16 layout: gokrazy's in-place root switch
// (/update/switch) cannot find /cmdline.txt on it, so A/B switching is done
// by Mitra's own updater instead of gokrazy's /update/* handlers.
func writeFAT(b backend.Storage, start, size int64, t *tree, epoch int64) error {
	fsys, err := fat32.Create(b, size, start, SectorSize, bootLabel, true)
	if err != nil {
		return fmt.Errorf("gokrazy: fat: create: %w", err)
	}
	mtime := time.Unix(epoch, 0)
	for _, e := range t.sorted() {
		p := "/" + e.Path
		if e.Mode.IsDir() {
			if err := fsys.Mkdir(p); err != nil {
				return fmt.Errorf("gokrazy: fat: mkdir %s: %w", p, err)
			}
			continue
		}
		if !e.Mode.IsRegular() {
			return fmt.Errorf("gokrazy: fat: %s: FAT holds only files and directories", p)
		}
		data, err := e.contents()
		if err != nil {
			return err
		}
		f, err := fsys.OpenFile(p, os.O_CREATE|os.O_RDWR|os.O_TRUNC)
		if err != nil {
			return fmt.Errorf("gokrazy: fat: create %s: %w", p, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("gokrazy: fat: write %s: %w", p, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("gokrazy: fat: close %s: %w", p, err)
		}
		if err := fsys.Chtimes(p, mtime, mtime, mtime); err != nil {
			return fmt.Errorf("gokrazy: fat: chtimes %s: %w", p, err)
		}
	}
	return nil
}
