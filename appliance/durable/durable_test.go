package durable

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SyncDir(dir); err != nil {
		t.Errorf("SyncDir(%s) = %v", dir, err)
	}
	missing := filepath.Join(dir, "missing")
	var pe *fs.PathError
	if err := SyncDir(missing); !errors.As(err, &pe) || pe.Path != missing {
		t.Errorf("SyncDir(missing) = %v, want a PathError naming it", err)
	}
}
