//go:build !unix

package diag

// freeSpace is not measured off Unix.
func freeSpace(dir string) Space {
	return Space{Path: dir, Error: "not measured on this system"}
}
