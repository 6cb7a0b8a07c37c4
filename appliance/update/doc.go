// Package update installs signed root file system images on a running
// kiosk and takes them back when they do not come up healthy.
//
// A kiosk has two root partitions (gokrazy's A/B layout: partitions 2 and
// 3) and one boot partition with systemd-boot. An update:
//
//   - arrives as a bundle: a header signed with the fleet's Ed25519 key
//     (it carries the root's length and SHA-256), then the SquashFS root;
//   - is refused before a single byte is written when the header is not a
//     bundle, is not signed by the fleet key, or is for another machine;
//   - is streamed to the inactive root partition while hashed; a body that
//     does not match the signed hash leaves that partition wiped at its
//     superblock and the boot entries untouched;
//   - is refused when it was signed no later than the running root (entry
//     versions are signing times in Unix seconds), so an old signed bundle
//     cannot be replayed over a newer root;
//   - is switched to by a new systemd-boot entry with a boot counter
//     (loader/entries/mitra-b+3.conf) and a higher version than the running
//     one, so the loader prefers it;
//   - is kept ("blessed": the entry loses its counter and cmdline.txt
//     follows it) only once the new root reports healthy: the kiosk drew
//     its first frame and opened its journal. A new root that is not healthy
//     in time reboots itself; the loader decrements the counter on every
//     boot, and an entry with no tries left sorts after the previous root's
//     entry, which the loader then boots: the rollback.
//
// gokrazy's own test-boot is not used: it has no commit step and no
// counter (gokrazy issue #75).
//
// # Spec
//
// systemd.io AUTOMATIC_BOOT_ASSESSMENT and the Boot Loader Specification:
// entry files NAME+LEFT[-DONE].conf; systemd-boot renames the file before
// booting it (LEFT-1, DONE+1); entries with LEFT=0 sort last; entries with
// a sort-key sort by version, newest first; the first entry is the default
// (systemd-boot 252 src/boot/efi/boot.c boot_entry_compare,
// config_default_entry_select). Ed25519 is RFC 8032 (crypto/ed25519).
package update
