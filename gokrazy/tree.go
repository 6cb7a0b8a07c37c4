package gokrazy

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// entry is one file, directory or symlink of a file system being built.
type entry struct {
	Path    string      // slash-separated, relative to the root, no leading slash
	Mode    fs.FileMode // permission bits plus fs.ModeDir / fs.ModeSymlink
	Data    []byte      // contents, when Source is empty
	Source  string      // host file to copy, if set
	Symlink string      // target, for symlinks
}

// tree is a file system under construction; entries are emitted sorted, so
// the order of additions never shows in the output.
type tree struct {
	entries map[string]*entry
}

func newTree() *tree { return &tree{entries: map[string]*entry{}} }

func cleanPath(p string) string { return strings.TrimPrefix(path.Clean("/"+p), "/") }

// dir adds a directory and its parents.
func (t *tree) dir(p string, mode fs.FileMode) {
	p = cleanPath(p)
	if p == "" {
		return
	}
	t.dir(path.Dir(p), mode)
	if _, ok := t.entries[p]; !ok {
		t.entries[p] = &entry{Path: p, Mode: fs.ModeDir | mode}
	}
}

// file adds a file with the given contents; parents are created 0555.
func (t *tree) file(p string, mode fs.FileMode, data []byte) error {
	return t.add(&entry{Path: cleanPath(p), Mode: mode, Data: data})
}

// copyFile adds a copy of the host file src.
func (t *tree) copyFile(p string, mode fs.FileMode, src string) error {
	return t.add(&entry{Path: cleanPath(p), Mode: mode, Source: src})
}

func (t *tree) symlink(p, target string) error {
	return t.add(&entry{Path: cleanPath(p), Mode: fs.ModeSymlink | 0o777, Symlink: target})
}

func (t *tree) add(e *entry) error {
	if e.Path == "" {
		return fmt.Errorf("gokrazy: tree: empty path")
	}
	if old, ok := t.entries[e.Path]; ok && !old.Mode.IsDir() {
		return fmt.Errorf("gokrazy: tree: %s added twice", e.Path)
	}
	t.dir(path.Dir(e.Path), 0o555)
	t.entries[e.Path] = e
	return nil
}

// copyDir adds the host directory src (recursively) under p, regular files
// 0444 (executables 0555), directories 0555.
func (t *tree) copyDir(p, src string) error {
	return filepath.WalkDir(src, func(host string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, host)
		if err != nil {
			return err
		}
		dst := path.Join(p, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			t.dir(dst, 0o555)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(host)
			if err != nil {
				return err
			}
			return t.symlink(dst, target)
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o444)
			if info.Mode()&0o111 != 0 {
				mode = 0o555
			}
			return t.copyFile(dst, mode, host)
		}
		return nil
	})
}

// sorted returns the entries in lexical path order (parents first).
func (t *tree) sorted() []*entry {
	out := make([]*entry, 0, len(t.entries))
	for _, e := range t.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// contents returns the bytes of a regular file entry.
func (e *entry) contents() ([]byte, error) {
	if e.Source == "" {
		return e.Data, nil
	}
	b, err := os.ReadFile(e.Source)
	if err != nil {
		return nil, fmt.Errorf("gokrazy: %s: %w", e.Path, err)
	}
	return b, nil
}

// materialize writes the tree into dir on the host with the given
// modification time, for tools that take a directory (mke2fs -d, the
// SquashFS workspace). Directory modes and times are applied last, deepest
// first, so writing children does not disturb them.
func (t *tree) materialize(dir string, mtime int64) error {
	entries := t.sorted()
	for _, e := range entries {
		host := filepath.Join(dir, filepath.FromSlash(e.Path))
		switch {
		case e.Mode.IsDir():
			if err := os.MkdirAll(host, 0o755); err != nil {
				return fmt.Errorf("gokrazy: materialize: %w", err)
			}
		case e.Mode&fs.ModeSymlink != 0:
			if err := os.Symlink(e.Symlink, host); err != nil {
				return fmt.Errorf("gokrazy: materialize: %w", err)
			}
		default:
			b, err := e.contents()
			if err != nil {
				return err
			}
			if err := os.WriteFile(host, b, 0o600); err != nil {
				return fmt.Errorf("gokrazy: materialize: %w", err)
			}
			if err := os.Chmod(host, e.Mode.Perm()); err != nil {
				return fmt.Errorf("gokrazy: materialize: %w", err)
			}
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		host := filepath.Join(dir, filepath.FromSlash(e.Path))
		if e.Mode.IsDir() {
			if err := os.Chmod(host, e.Mode.Perm()); err != nil {
				return fmt.Errorf("gokrazy: materialize: %w", err)
			}
		}
		if err := setMtime(host, mtime); err != nil {
			return fmt.Errorf("gokrazy: materialize: %s: %w", e.Path, err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("gokrazy: materialize: %w", err)
	}
	return setMtime(dir, mtime)
}
