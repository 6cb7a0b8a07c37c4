package gokrazy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// gokrazyTags are the build tags every gokrazy binary gets [gokrazy/tools
// packer/gotool.go]: pure-Go resolver and user lookup, no cgo.
var gokrazyTags = []string{"gokrazy", "netgo", "osusergo"}

// goBuilder cross-compiles programs for the image reproducibly.
type goBuilder struct {
	goTool    string // the go command
	moduleDir string // Mitra's module root: relative packages and versions come from here
	arch      string
}

func (g goBuilder) env() []string {
	env := append(os.Environ(),
		"GOOS=linux",
		"GOARCH="+g.arch,
		"CGO_ENABLED=0",
		"GOTOOLCHAIN=local",
	)
	if g.arch == "arm" {
		env = append(env, "GOARM=6")
	}
	return env
}

// build compiles pkg (run from dir) to out with the gokrazy tags plus tags.
// -trimpath and an empty build ID make the binary depend only on the
// sources, so two builds of the same commit are byte-identical.
func (g goBuilder) build(ctx context.Context, dir, pkg, out string, tags []string, extraArgs ...string) error {
	all := append(append([]string{}, gokrazyTags...), tags...)
	args := []string{"build", "-trimpath", "-ldflags=-buildid=", "-tags", strings.Join(all, ","), "-o", out}
	args = append(args, extraArgs...)
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, g.goTool, args...)
	cmd.Dir = dir
	cmd.Env = g.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("gokrazy: go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return nil
}

// moduleInfo is the subset of `go list -m -json` the builder needs.
type moduleInfo struct {
	Path    string
	Version string
	Dir     string
	GoMod   string
}

// module resolves a dependency of Mitra's module to its version and its
// directory in the module cache (downloading it if needed).
func (g goBuilder) module(ctx context.Context, path string) (moduleInfo, error) {
	cmd := exec.CommandContext(ctx, g.goTool, "list", "-m", "-json", path)
	cmd.Dir = g.moduleDir
	// Read-only: resolving a version must never edit Mitra's go.mod.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return moduleInfo{}, fmt.Errorf("gokrazy: go list -m %s: %w\n%s(is it required in go.mod? try: go get %s@latest)", path, err, stderr.String(), path)
	}
	var m moduleInfo
	if err := json.Unmarshal(out, &m); err != nil {
		return moduleInfo{}, fmt.Errorf("gokrazy: go list -m %s: %w", path, err)
	}
	if m.Dir == "" {
		dl := exec.CommandContext(ctx, g.goTool, "mod", "download", "-json", path+"@"+m.Version)
		dl.Dir = g.moduleDir
		out, err := dl.Output()
		if err != nil {
			return moduleInfo{}, fmt.Errorf("gokrazy: go mod download %s: %w", path, err)
		}
		if err := json.Unmarshal(out, &m); err != nil {
			return moduleInfo{}, fmt.Errorf("gokrazy: go mod download %s: %w", path, err)
		}
	}
	return m, nil
}

// gokrazyModule is a throw-away module that requires the gokrazy version
// of Mitra's go.mod. The generated init and gokrazy's system programs are
// built in it, so their dependencies (gopacket, dhcp4, …) never enter
// Mitra's go.mod.
type gokrazyModule struct {
	g   goBuilder
	dir string
}

func (g goBuilder) newGokrazyModule(ctx context.Context) (*gokrazyModule, error) {
	gk, err := g.module(ctx, "github.com/gokrazy/gokrazy")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mitra-gokrazy-")
	if err != nil {
		return nil, fmt.Errorf("gokrazy: module: %w", err)
	}
	gomod := fmt.Sprintf("module mitra.invalid/gokrazyinit\n\ngo 1.26\n\nrequire %s %s\n", gk.Path, gk.Version)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("gokrazy: module: %w", err)
	}
	// Mitra's go.sum covers gokrazy and most of its graph; -mod=mod adds
	// what is missing (from GOPROXY or the module cache).
	sum, err := os.ReadFile(filepath.Join(g.moduleDir, "go.sum"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("gokrazy: module: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("gokrazy: module: %w", err)
	}
	return &gokrazyModule{g: g, dir: dir}, nil
}

func (m *gokrazyModule) Close() error { return os.RemoveAll(m.dir) }

// buildProgram builds a gokrazy package (github.com/gokrazy/gokrazy/cmd/…).
func (m *gokrazyModule) buildProgram(ctx context.Context, pkg, out string) error {
	return m.g.build(ctx, m.dir, pkg, out, nil, "-mod=mod")
}

// buildInit builds the generated init source.
func (m *gokrazyModule) buildInit(ctx context.Context, src []byte, out string) error {
	if err := os.WriteFile(filepath.Join(m.dir, "init.go"), src, 0o644); err != nil {
		return fmt.Errorf("gokrazy: init: %w", err)
	}
	return m.g.build(ctx, m.dir, ".", out, nil, "-mod=mod")
}
