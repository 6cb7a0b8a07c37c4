package gokrazy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// mke2fs is e2fsprogs' mkfs; /perm is formatted at build time because
// gokrazy never formats it (gokrazy/mkfs is not served) and the kiosk's
// journal must be writable from the first boot.
const mke2fs = "mkfs.ext4"

// debugfs (e2fsprogs) edits the fresh file system in place.
const debugfs = "debugfs"

// writeExt4 formats the /perm partition of the image file at offset start
// (size bytes) as ext4, populated from t. The UUID and directory hash seed
// are fixed and E2FSPROGS_FAKE_TIME pins every time stamp, so the result
// depends only on the inputs.
func writeExt4(ctx context.Context, image string, start, size int64, t *tree, uuid string, epoch int64) error {
	if _, err := exec.LookPath(mke2fs); err != nil {
		return fmt.Errorf("gokrazy: ext4: %w (install e2fsprogs: apt-get install e2fsprogs)", err)
	}
	dir, err := os.MkdirTemp("", "mitra-perm-")
	if err != nil {
		return fmt.Errorf("gokrazy: ext4: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := t.materialize(dir, epoch); err != nil {
		return fmt.Errorf("gokrazy: ext4: %w", err)
	}
	args := []string{
		"-q", "-F",
		"-t", "ext4",
		"-L", "perm",
		// Features spelled out (MKE2FS_CONFIG=/dev/null) so the host's
		// /etc/mke2fs.conf cannot change the result; all are in Linux ≥ 3.18.
		"-b", "4096", "-I", "256",
		"-O", "has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize,sparse_super,filetype,dir_index,ext_attr,resize_inode",
		"-U", uuid,
		"-E", fmt.Sprintf("offset=%d,hash_seed=%s,root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0,nodiscard", start, uuid),
		"-d", dir,
		image,
		strconv.FormatInt(size/1024, 10) + "k",
	}
	cmd := exec.CommandContext(ctx, mke2fs, args...)
	cmd.Env = append(os.Environ(), "E2FSPROGS_FAKE_TIME="+strconv.FormatInt(epoch, 10), "MKE2FS_CONFIG=/dev/null")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("gokrazy: ext4: %s: %w\n%s", mke2fs, err, out.String())
	}
	return pinCtimes(ctx, image, start, t, epoch)
}

// pinCtimes sets the inode change time of every file mke2fs -d copied to
// epoch: mke2fs copies it from the staging directory, where only the
// kernel can set it (to now). debugfs recomputes the inode checksums.
func pinCtimes(ctx context.Context, image string, start int64, t *tree, epoch int64) error {
	var script strings.Builder
	paths := []string{"/"}
	for _, e := range t.sorted() {
		paths = append(paths, "/"+e.Path)
	}
	for _, p := range paths {
		if strings.ContainsAny(p, " \t\n\"") {
			return fmt.Errorf("gokrazy: ext4: %q: debugfs cannot address names with spaces or quotes", p)
		}
		fmt.Fprintf(&script, "set_inode_field %s ctime @%d\n", p, epoch)
	}
	f, err := os.CreateTemp("", "mitra-debugfs-")
	if err != nil {
		return fmt.Errorf("gokrazy: ext4: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(script.String()); err != nil {
		f.Close()
		return fmt.Errorf("gokrazy: ext4: %w", err)
	}
	f.Close()
	// "file?offset=N" is e2fsprogs' unix_io option for a file system
	// inside a larger image.
	cmd := exec.CommandContext(ctx, debugfs, "-w", "-f", f.Name(), fmt.Sprintf("%s?offset=%d", image, start))
	cmd.Env = append(os.Environ(), "E2FSPROGS_FAKE_TIME="+strconv.FormatInt(epoch, 10))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("gokrazy: ext4: debugfs: %w\n%s", err, out.String())
	}
	// debugfs reports command failures on its output, not in its status.
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "set_inode_field:") {
			return fmt.Errorf("gokrazy: ext4: debugfs: %s", line)
		}
	}
	return nil
}
