# Mitra — the two commands are `make run` and `make test`; everything they need
# (Go toolchain, Go modules, Debian packages) they install themselves.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO_VERSION := 1.26.8
GO_LOCAL := $(CURDIR)/.cache/go/golang.org/toolchain@v0.0.1-go$(GO_VERSION).linux-$(shell dpkg --print-architecture 2>/dev/null || echo amd64)/bin/go
GO := $(shell if command -v go >/dev/null 2>&1 && go version | grep -qE 'go1\.(2[6-9]|[3-9][0-9])'; then command -v go; else echo $(GO_LOCAL); fi)

# The appliance build: no cgo, Fyne's embedded driver.
TAGS := noos
GOFLAGS_APP := CGO_ENABLED=0

STATE ?= $(CURDIR)/state
CONFIG ?=
APT_TEST := xvfb zbar-tools qemu-system-x86 ovmf systemd-boot-efi e2fsprogs gdisk dosfstools mtools squashfs-tools cups-ipp-utils dbus-daemon tesseract-ocr tesseract-ocr-hin
APT_IMAGE := systemd-boot-efi e2fsprogs
APT_QEMU := qemu-system-x86 ovmf
ARCH ?= amd64
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: bench-boot bench-rss voices alsa-vm-test golden help run run-headless test bench crashtest build gateway toolchain modules apt-test apt-image apt-qemu image qemu clean fmt

help:
	@echo "make run        the kiosk in a window (simulated devices, built-in sandbox gateway)"
	@echo "make test       every test (installs what it needs)"
	@echo "make bench      benchmarks (render, tap latency, journal, drivers)"
	@echo "make crashtest  kill three visits (credit slip issued, spent; a certificate) at every journal step and at random moments; check the money invariants"
	@echo "make golden     re-render the golden screenshots (testdata/golden) and docs/screens.png"
	@echo "make voices     re-record the spoken prompts (ui/voice/prompts) with espeak-ng"
	@echo "make alsa-vm-test  the pure-Go ALSA driver against a real kernel (Debian's, in QEMU, snd-dummy cards)"
	@echo "make gateway    the sandbox gateway alone on 127.0.0.1:8700"
	@echo "make image      the appliance image (build/mitra-amd64.img; ARCH=arm64 → build/mitra-rpi.img)"
	@echo "make qemu       boot the image in QEMU (HEADLESS=1 without a window)"
	@echo "make bench-boot boot-to-kernel-ready and boot-to-first-frame of the kiosk image in QEMU"
	@echo "make bench-rss  the kiosk's resident memory in QEMU at its first frame and after 5 min idle (RSS_IDLE=…)"

# Go 1.26 comes from the Go module proxy (the golang.org/toolchain module)
# when the machine has no Go new enough: Debian 12's golang-go is 1.19, too old
# for this module. The proxy's address is the go command's own default
# (`go env GOPROXY`), so Debian's golang-go is installed first if there is no
# go at all.
toolchain:
	@if [ "$(GO)" = "$(GO_LOCAL)" ] && [ ! -x "$(GO_LOCAL)" ]; then \
	  command -v go >/dev/null || { echo ">> installing Debian's golang-go to bootstrap"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq golang-go curl unzip >/dev/null; }; \
	  command -v curl >/dev/null && command -v unzip >/dev/null || $(SUDO) apt-get install -y -qq curl unzip >/dev/null; \
	  proxy=$$(go env GOPROXY | tr ',|' '\n\n' | grep -m1 '^http'); \
	  [ -n "$$proxy" ] || { echo "no Go module proxy configured (go env GOPROXY)"; exit 1; }; \
	  echo ">> installing Go $(GO_VERSION) from the Go module proxy into .cache/go"; \
	  mkdir -p .cache/go && curl -sSfL -o .cache/go/toolchain.zip \
	    "$$proxy/golang.org/toolchain/@v/v0.0.1-go$(GO_VERSION).linux-$$(dpkg --print-architecture).zip" && \
	  (cd .cache/go && unzip -q -o toolchain.zip && rm toolchain.zip); \
	fi
	@echo ">> using $$($(GO) version)"

modules: toolchain
	@echo ">> downloading Go modules"
	@$(GO) mod download

apt-image:
	@$(MAKE) --no-print-directory apt-test APT_TEST="$(APT_IMAGE)"

apt-qemu:
	@$(MAKE) --no-print-directory apt-test APT_TEST="$(APT_IMAGE) $(APT_QEMU)"

apt-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo ">> installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	else echo ">> Debian packages present: $(APT_TEST)"; fi

# The appliance image: build/mitra-amd64.img (PC, UEFI), or with ARCH=arm64
# build/mitra-rpi.img (Raspberry Pi 4/5). See gokrazy/README.md.
image: modules apt-image
	@echo ">> building the $(ARCH) appliance image"
	@$(GO) run ./cmd/mitra-image -arch $(ARCH) -config gokrazy/instance.toml

# Boots the kiosk image in QEMU (TCG without KVM), taps through a payment and
# prints boot to kernel-ready (gokrazy's init) and to the kiosk's first frame,
# for the first boot and for the boot after a power cut.
bench-boot: modules apt-qemu
	@set -o pipefail; $(GO) test -tags $(TAGS) -count=1 -timeout 15m -run 'TestKioskImage$$' -v ./gokrazy/imagetest/ | grep -E 'bench-boot:|boot to|^(--- |ok|FAIL)'

# The kiosk's resident memory in the image, from its own diag report: at the
# first frame and after RSS_IDLE on the attract screen.
RSS_IDLE ?= 5m
bench-rss: modules apt-qemu
	@set -o pipefail; MITRA_RSS_IDLE=$(RSS_IDLE) $(GO) test -tags $(TAGS) -count=1 -timeout 30m -run '^$$' -bench 'KioskIdleRSS' -benchtime 1x ./gokrazy/imagetest/ | grep -E 'bench-rss:|MiB|^(ok|FAIL|---)'

# Boots build/mitra-amd64.img in QEMU (TCG, OVMF); HEADLESS=1 for no window.
qemu: image apt-qemu
	@$(GO) run ./gokrazy/cmd/mitra-qemu -image build/mitra-amd64.img $(if $(HEADLESS),-display=false)

build: modules
	@echo ">> building build/mitra, build/mitractl, build/mitra-gateway (CGO_ENABLED=0, -tags $(TAGS))"
	@mkdir -p build
	@$(GOFLAGS_APP) $(GO) build -tags $(TAGS) -o build/ ./cmd/mitra ./cmd/mitractl ./cmd/mitra-gateway

# The desktop kiosk is built with cgo when a C compiler is there, so its
# spoken prompts play through the desktop's sound (malgo); the appliance
# build (build/mitra) never has cgo.
run: build
	@if [ -z "$$DISPLAY" ]; then echo "make run needs a display (DISPLAY is not set); use 'make run-headless' for the automation endpoint only"; exit 1; fi
	@cgo=0; command -v gcc >/dev/null && cgo=1; \
	  echo ">> building build/mitra-desktop (CGO_ENABLED=$$cgo: spoken prompts through $$([ $$cgo = 1 ] && echo the desktop sound || echo WAV files in $(STATE)/audio))"; \
	  CGO_ENABLED=$$cgo $(GO) build -tags $(TAGS) -o build/mitra-desktop ./cmd/mitra
	@echo ">> starting the kiosk: state in $(STATE); automation on 127.0.0.1:8765"
	./build/mitra-desktop -sim -state $(STATE) -automation 127.0.0.1:8765 $(if $(CONFIG),-config $(CONFIG))

run-headless: build
	./build/mitra -sim -headless -state $(STATE) -automation 127.0.0.1:8765 $(if $(CONFIG),-config $(CONFIG))

gateway: build
	./build/mitra-gateway -listen 127.0.0.1:8700 -data testdata/sandbox -state $(STATE)/gateway

test: modules apt-test
	@echo ">> go vet"
	@$(GO) vet -tags $(TAGS) ./...
	@echo ">> checking the appliance build has no cgo"
	@$(GOFLAGS_APP) $(GO) build -tags $(TAGS) -o /dev/null ./cmd/mitra
	@echo ">> go test (race detector on, fuzz seed corpora included)"
	@$(GO) test -tags $(TAGS) -race -timeout 20m ./...
	@echo ">> golden screenshots (pixels, not concurrency: without -race)"
	@$(GO) test -tags $(TAGS) -count=1 -run TestGoldenScreens ./ui/

# crashtest kills a cash payment with SIGKILL at every journal record (synced,
# and torn in half) and checks the money invariants after each recovery. It is
# part of `make test`; this target runs it alone and verbosely.
# Every journal step (synced and torn) plus CRASH_RANDOM random moments
# (make test runs 8; CRASH_SEED=n replays a run).
CRASH_RANDOM ?= 200
crashtest: modules
	@set -o pipefail; MITRA_CRASH_RANDOM=$(CRASH_RANDOM) MITRA_CRASH_SEED=$(CRASH_SEED) $(GO) test -tags $(TAGS) -count=1 -run 'TestCrashAt(EveryJournalStep|RandomMoments)' -v ./appliance/engine/ | grep -E 'crashtest:|^(--- |ok|FAIL)'

# Golden screenshots: every screen in Hindi and English at 1280×800 and
# 800×480, compared with a tolerance by `make test`; this rewrites them.
golden: modules
	@MITRA_GOLDEN_UPDATE=1 $(GO) test -tags $(TAGS) -count=1 -run TestGoldenScreens ./ui/
	@echo ">> testdata/golden and docs/screens.png rewritten; look at them before committing"

# Spoken prompts: espeak-ng reads every prompt of ui/voice in Hindi and
# English; the recordings and their manifest are committed, so make test
# needs no espeak-ng. Run this after changing a prompt's catalogue text.
voices: modules
	@$(MAKE) --no-print-directory apt-test APT_TEST="espeak-ng"
	@$(GO) run ./cmd/genprompts -out ui/voice/prompts
	@echo ">> ui/voice/prompts rewritten; listen to a few before committing: go run ./cmd/genprompts -wav /tmp/prompts; aplay /tmp/prompts/hi/home.prompt.wav"

# The ALSA driver against a real kernel: Debian's kernel package (only
# downloaded and unpacked, not installed) boots in QEMU with the alsa test
# binary as /init and two snd-dummy cards; see drivers/audio/alsa/vm_test.go.
ALSA_VM := $(CURDIR)/.cache/alsa-vm
alsa-vm-test: modules
	@$(MAKE) --no-print-directory apt-test APT_TEST="qemu-system-x86"
	@if [ ! -d $(ALSA_VM)/root/boot ]; then \
	  pkg=$$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $$2; exit}'); \
	  echo ">> fetching $$pkg into $(ALSA_VM)"; \
	  mkdir -p $(ALSA_VM) && cd $(ALSA_VM) && apt-get download $$pkg && dpkg-deb -x $$pkg*.deb root && rm -f $$pkg*.deb; \
	fi
	@MITRA_ALSA_VM=$(ALSA_VM)/root CGO_ENABLED=0 $(GO) test -tags $(TAGS) -count=1 -run TestVM -v ./drivers/audio/alsa

bench: modules apt-test
	@$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchtime 20x ./...

fmt:
	@$(GO) fmt ./...

clean:
	rm -rf build state
