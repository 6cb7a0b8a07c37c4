// Package flash writes a Mitra appliance image (build/mitra-amd64.img,
// build/mitra-rpi.img) to an SD card or USB disk for `mitractl flash`, and
// refuses every disk it must not touch.
//
// Before anything is written, Inspect and CheckImage refuse:
//
//   - a path that is not a whole-disk block device (a partition, a
//     device-mapper or RAID volume, a regular file unless allowed for tests)
//   - a disk that is mounted, or any of whose partitions is mounted or held
//     by LVM, RAID or dm-crypt (the kernel's holders/ directories)
//   - the disk the running system boots from (the disks holding /, /boot
//     and /boot/efi, followed through dm and md slaves)
//   - a disk smaller than the image
//   - a file that is not a Mitra image (no GPT with gokrazy's partition
//     GUIDs, and no gokrazy Raspberry Pi MBR)
//
// The kernel's view comes from a System, the roots of sysfs and procfs, so
// the tests run against a fake tree with regular files standing in for
// disks.
//
// Write copies with large aligned buffers, syncs as it goes so the
// progress shows what reached the disk, then reads the written range back
// past the page cache and compares SHA-256 sums, and finally asks the
// kernel to re-read the partition table.
//
// # Spec
//
// Linux sysfs-block ABI (Documentation/ABI/stable/sysfs-block: dev, size in
// 512-byte sectors, partition, holders/, slaves/), proc(5) mountinfo, UEFI
// 2.10 §5.3 (GPT header) and gokrazy's layout as written by gokrazy/gpt.go.
package flash
