# Mitra — the two commands are `make run` and `make test`; everything they need
# (Go toolchain, Go modules, Debian packages) they install themselves.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO_VERSION := 1.26.8
# A Go toolchain from the Go module proxy (golang.org/toolchain) when the
# machine has none new enough: Debian 12's golang-go is 1.19.
GO_LOCAL := $(CURDIR)/.cache/go/golang.org/toolchain@v0.0.1-go$(GO_VERSION).linux-$(shell dpkg --print-architecture 2>/dev/null || echo amd64)/bin/go
GO := $(shell if command -v go >/dev/null 2>&1 && go version | grep -qE 'go1\.(2[6-9]|[3-9][0-9])'; then command -v go; else echo $(GO_LOCAL); fi)

# The appliance build: no cgo, Fyne's embedded driver.
TAGS := noos
GOFLAGS_APP := CGO_ENABLED=0

STATE ?= $(CURDIR)/state
CONFIG ?=
APT_TEST := xvfb zbar-tools qemu-system-x86 ovmf systemd-boot-efi e2fsprogs
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run run-headless test bench crashtest build gateway toolchain modules apt-test clean fmt

help:
	@echo "make run        the kiosk in a window (simulated devices, built-in sandbox gateway)"
	@echo "make test       every test (installs what it needs)"
	@echo "make bench      benchmarks (render, tap latency, journal, drivers)"
	@echo "make crashtest  kill a payment at every journal step and check the money invariants"
	@echo "make gateway    the sandbox gateway alone on 127.0.0.1:8700"
	@echo "make image      the appliance image (build/mitra-amd64.img); make qemu boots it"

toolchain:
	@if [ "$(GO)" = "$(GO_LOCAL)" ] && [ ! -x "$(GO_LOCAL)" ]; then \
	  echo ">> installing Go $(GO_VERSION) from the Go module proxy into .cache/go"; \
	  command -v curl >/dev/null && command -v unzip >/dev/null || $(SUDO) apt-get install -y curl unzip; \
	  mkdir -p .cache/go && curl -sSfL -o .cache/go/toolchain.zip \
	    https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$(GO_VERSION).linux-$$(dpkg --print-architecture).zip && \
	  (cd .cache/go && unzip -q -o toolchain.zip && rm toolchain.zip); \
	fi
	@echo ">> using $$($(GO) version)"

modules: toolchain
	@echo ">> downloading Go modules"
	@$(GO) mod download

apt-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo ">> installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	else echo ">> Debian packages present: $(APT_TEST)"; fi

build: modules
	@echo ">> building build/mitra, build/mitractl, build/mitra-gateway (CGO_ENABLED=0, -tags $(TAGS))"
	@mkdir -p build
	@$(GOFLAGS_APP) $(GO) build -tags $(TAGS) -o build/ ./cmd/mitra ./cmd/mitractl ./cmd/mitra-gateway

run: build
	@if [ -z "$$DISPLAY" ]; then echo "make run needs a display (DISPLAY is not set); use 'make run-headless' for the automation endpoint only"; exit 1; fi
	@echo ">> starting the kiosk: state in $(STATE); automation on 127.0.0.1:8765"
	./build/mitra -sim -state $(STATE) -automation 127.0.0.1:8765 $(if $(CONFIG),-config $(CONFIG))

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

# crashtest kills a cash payment with SIGKILL at every journal record (synced,
# and torn in half) and checks the money invariants after each recovery. It is
# part of `make test`; this target runs it alone and verbosely.
crashtest: modules
	@$(GO) test -tags $(TAGS) -count=1 -run 'TestCrashAtEveryJournalStep' -v ./appliance/engine/ | grep -E 'crashtest:|^(--- |ok|FAIL)'

bench: modules apt-test
	@$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchtime 20x ./...

fmt:
	@$(GO) fmt ./...

clean:
	rm -rf build state
