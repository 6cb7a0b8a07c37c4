// Package gokrazy builds Mitra's appliance disk image: a gokrazy-compatible
// GPT disk that boots straight into the kiosk.
//
// Gokrazy's own packer (gokrazy/tools, `gok`) is not available to Mitra and
// github.com/gokrazy/internal cannot be imported, so this package writes
// every artifact itself, one file per artifact:
//
//   - gpt.go: the GPT and the hybrid MBR (partition GUIDs derived from the
//     hostname, exactly as gokrazy derives them)
//   - cmdline.go: the kernel command line (root=PARTUUID=…/PARTNROFF=1, padded
//     so the root can be switched in place)
//   - fat.go: the boot partition's FAT16, in gokrazy's own shape
//   - boot.go: what goes on it (PC: kernel, systemd-boot, loader entry;
//     Raspberry Pi: GPU firmware, kernel, device trees, config.txt)
//   - squashfs.go: the read-only root (init, gokrazy system programs, the
//     kiosk, /etc, kernel modules), gzip-compressed because the served
//     kernels enable only SQUASHFS_ZLIB
//   - ext4.go: /perm, formatted at build time with the kiosk's field config
//   - init.go: the generated gokrazy init (package main calling
//     gokrazy.Boot and gokrazy.SuperviseServices)
//   - gobuild.go: cross-compiling the programs
//
// # Spec
//
// The layout follows gokrazy's packer (gokrazy/tools packer/packer.go):
// 512-byte sectors; partition 1 (boot, FAT, ESP type) at LBA 8192 for
// 100 MiB; 2 and 3 the A/B SquashFS roots of 500 MiB each; 4 /perm (ext4)
// to the end of the disk. See docs/gokrazy-image.md in the steering
// repository for the facts this package was written from.
//
// Builds are reproducible: every timestamp is the build epoch
// (SOURCE_DATE_EPOCH, else the commit time), entries are written sorted,
// and Go programs are built with -trimpath and an empty build ID.
package gokrazy
