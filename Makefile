# Build and install homeserve with its man page and shell completions.
#
#   make build                          release binaries, Swift and C++ runtimes linked in statically
#   make build STATIC_CXX=no            the same with the shared C++ runtime
#   make build PACKED_RELOCATIONS=no    the same with the system linker's usual relocation table
#   sudo make install                   into PREFIX (default /usr/local)
#   make install DESTDIR=pkg PREFIX=/usr   staged, for packaging
#   sudo make uninstall                 removes exactly what install put there
#   make generate                       regenerate completions/ and man/ from the command table

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# SwiftPM's scratch directory; the release binaries land in $(BUILD_PATH)/release.
BUILD_PATH ?= .build
# The Swift runtime is linked in, so the binaries need no $ORIGIN run path: without one neither the loader
# at every start nor the first --jq looks for libraries in the binary's own directory.
SWIFT_BUILD_FLAGS ?= -c release --static-swift-stdlib --disable-local-rpath

BINDIR = $(PREFIX)/bin
MAN1DIR = $(PREFIX)/share/man/man1
BASH_COMPLETIONS = $(PREFIX)/share/bash-completion/completions
ZSH_FUNCTIONS = $(PREFIX)/share/zsh/site-functions
FISH_COMPLETIONS = $(PREFIX)/share/fish/vendor_completions.d

RELEASE = $(BUILD_PATH)/release

# The Swift runtime needs a little of the C++ runtime. Linked in from its archive when the toolchain's
# clang finds one, it is one shared library fewer to load at every start (about 0.7 ms, a tenth of a
# request). The directory holds only that archive, so the linker takes it before the shared libstdc++.
STATIC_CXX ?= yes
ifeq ($(STATIC_CXX),yes)
TOOLCHAIN_CLANG := $(dir $(realpath $(shell command -v $(SWIFT))))clang
CXX_ARCHIVE := $(shell $(TOOLCHAIN_CLANG) -print-file-name=libstdc++.a 2>/dev/null)
CXX_DIR = $(abspath $(BUILD_PATH))/static-c++
ifneq ($(wildcard $(CXX_ARCHIVE)),)
LINK_FLAGS = -Xswiftc -L$(CXX_DIR)
endif
endif

# Relocating the position-independent image at every start reads one 24-byte entry per pointer (21,000 of
# them, half a megabyte); packed (DT_RELR) they take 4 KiB and the loader applies them a word of bits at a
# time, about 0.6 ms less CPU per start. The toolchain's lld packs them; glibc reads them from 2.36 on.
PACKED_RELOCATIONS ?= yes
ifeq ($(PACKED_RELOCATIONS),yes)
TOOLCHAIN_LLD := $(dir $(realpath $(shell command -v $(SWIFT))))ld.lld
GLIBC_MINOR := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | sed -n 's/^glibc 2\.\([0-9]*\).*/\1/p')
ifneq ($(wildcard $(TOOLCHAIN_LLD)),)
ifeq ($(shell test "0$(GLIBC_MINOR)" -ge 36 && echo yes),yes)
LINK_FLAGS += -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
endif
endif
endif

.PHONY: build install uninstall generate

build:
ifneq ($(LINK_FLAGS),)
	mkdir -p $(CXX_DIR) && ln -sf $(CXX_ARCHIVE) $(CXX_DIR)/libstdc++.a
endif
	$(SWIFT) build --scratch-path $(BUILD_PATH) $(SWIFT_BUILD_FLAGS) $(LINK_FLAGS) --product homeserve
	$(SWIFT) build --scratch-path $(BUILD_PATH) $(SWIFT_BUILD_FLAGS) $(LINK_FLAGS) --product homeserve-sandbox

# Missing binaries are built first; existing ones are installed as they are, so 'sudo make install'
# after 'make build' does not rebuild as root.
install:
	@test -x $(RELEASE)/homeserve -a -x $(RELEASE)/homeserve-sandbox || $(MAKE) build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASH_COMPLETIONS) \
		$(DESTDIR)$(ZSH_FUNCTIONS) $(DESTDIR)$(FISH_COMPLETIONS)
	install -m 0755 $(RELEASE)/homeserve $(DESTDIR)$(BINDIR)/homeserve
	install -m 0755 $(RELEASE)/homeserve-sandbox $(DESTDIR)$(BINDIR)/homeserve-sandbox
	install -m 0644 man/homeserve.1 $(DESTDIR)$(MAN1DIR)/homeserve.1
	install -m 0644 completions/homeserve.bash $(DESTDIR)$(BASH_COMPLETIONS)/homeserve
	install -m 0644 completions/_homeserve $(DESTDIR)$(ZSH_FUNCTIONS)/_homeserve
	install -m 0644 completions/homeserve.fish $(DESTDIR)$(FISH_COMPLETIONS)/homeserve.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/homeserve $(DESTDIR)$(BINDIR)/homeserve-sandbox \
		$(DESTDIR)$(MAN1DIR)/homeserve.1 \
		$(DESTDIR)$(BASH_COMPLETIONS)/homeserve \
		$(DESTDIR)$(ZSH_FUNCTIONS)/_homeserve \
		$(DESTDIR)$(FISH_COMPLETIONS)/homeserve.fish

generate:
	scripts/generate
