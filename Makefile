# libdill-wasm build.  `make test` and `make demo` do all set-up on a fresh
# machine: they install Debian's emscripten and the npm packages if missing.

export NODE_PATH := /usr/share/nodejs
EMCC ?= emcc
EMAR ?= emar
CFLAGS_LIB := -O2 -DDILL_DISABLE_RAW_NAMES -Wall -Wextra -Wno-unused-parameter -Werror

BUILD := wasm/build
# The portable core (libdill/src) and the platform it runs on
# (libdill/src/platform, behind platform.h).  The platform's objects are
# named platform-*.o: an archive keeps members by file name alone.
LIB_SRCS := $(wildcard libdill/src/*.c)
PLATFORM_SRCS := $(wildcard libdill/src/platform/*.c)
LIB_OBJS := $(patsubst libdill/src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) \
    $(patsubst libdill/src/platform/%.c,$(BUILD)/obj/platform-%.o,$(PLATFORM_SRCS))
LIB_HDRS := $(wildcard libdill/src/*.h) $(wildcard libdill/src/platform/*.h) \
    $(wildcard libdill/include/*.h)
TS_SRCS := $(shell find src -name '*.ts' 2>/dev/null)

.PHONY: all build setup setup-emcc test demo bench docs example-ts example-streams clean

all: build

# ---- set-up -----------------------------------------------------------------
setup: setup-emcc node_modules/.package-lock.json

setup-emcc:
	@command -v $(EMCC) >/dev/null 2>&1 || { \
	  echo "== installing emscripten (Debian package)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq emscripten >/dev/null; }

node_modules/.package-lock.json: package.json
	@echo "== installing npm packages"
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

# ---- the C library ----------------------------------------------------------
$(BUILD)/obj/%.o: libdill/src/%.c $(LIB_HDRS) | setup-emcc
	@mkdir -p $(dir $@)
	$(EMCC) $(CFLAGS_LIB) -c $< -o $@

$(BUILD)/obj/platform-%.o: libdill/src/platform/%.c $(LIB_HDRS) | setup-emcc
	@mkdir -p $(dir $@)
	$(EMCC) $(CFLAGS_LIB) -c $< -o $@

$(BUILD)/libdill.a: $(LIB_OBJS)
	@rm -f $@
	$(EMAR) rcs $@ $^

# ---- generated code (from the headers: the one source of truth) ------------
# libdill.h gives the C-faithful functions (scripts/gen-host.js);
# libdill/host/boundary.h everything else the library module and the
# TypeScript bindings agree on (scripts/gen-boundary.js).
GEN_STAMP := $(BUILD)/gen/.stamp
$(GEN_STAMP): libdill/include/libdill.h scripts/gen-host.js libdill/host/boundary.h scripts/gen-boundary.js
	@mkdir -p $(dir $@)
	node scripts/gen-host.js libdill/include/libdill.h $(BUILD)/gen/host_calls.c src/gen/api.ts
	node scripts/gen-boundary.js libdill/host/boundary.h wasm/shim src/gen/boundary.ts $(BUILD)/gen/host-hooks.js
	@touch $@

# ---- TypeScript -------------------------------------------------------------
# tsc never deletes an output whose source is gone (src/host.ts became
# src/host/): start from an empty dist/ (but the library module, built below).
dist/.stamp: $(TS_SRCS) $(GEN_STAMP) tsconfig.json node_modules/.package-lock.json
	@mkdir -p dist && find dist -mindepth 1 -maxdepth 1 ! -name wasm -exec rm -rf {} +
	npx tsc -p tsconfig.json
	@touch $@

# ---- the library module the TypeScript bindings load --------------------------
HOST_OUT := dist/wasm/libdill.js
$(HOST_OUT): $(BUILD)/libdill.a $(GEN_STAMP) $(wildcard libdill/host/*.[ch]) wasm/host-pre.js $(wildcard wasm/shim/*.js) dist/.stamp
	node scripts/build-host.js

# ---- the ES module entry point (package.json "exports": import) --------------
# Re-exports whatever dist/index.js exports (read from the built module).
ESM_OUT := dist/index.mjs
$(ESM_OUT): dist/.stamp $(HOST_OUT) scripts/gen-esm.js
	node scripts/gen-esm.js

build: setup $(BUILD)/libdill.a dist/.stamp $(HOST_OUT) $(ESM_OUT)

# ---- API reference (typedoc, from the types; a build output) ----------------
DOCS_OUT := docs/api/index.html
$(DOCS_OUT): $(TS_SRCS) $(GEN_STAMP) typedoc.json tsconfig.json node_modules/.package-lock.json
	npx typedoc
	@touch $@

docs: setup $(DOCS_OUT)

# ---- the TypeScript IPC example (examples/ts-ipc.ts, also in the README) ----
EXAMPLES_OUT := $(BUILD)/examples
$(EXAMPLES_OUT)/ts-ipc.js $(EXAMPLES_OUT)/ts-streams.js &: examples/ts-ipc.ts examples/ts-streams.ts tsconfig.examples.json dist/.stamp $(ESM_OUT)
	npx tsc -p tsconfig.examples.json

example-ts: build $(EXAMPLES_OUT)/ts-ipc.js
	node $(EXAMPLES_OUT)/ts-ipc.js

# ---- the TypeScript streaming example (examples/ts-streams.ts) ----
example-streams: build $(EXAMPLES_OUT)/ts-streams.js
	node $(EXAMPLES_OUT)/ts-streams.js

# ---- entry points -----------------------------------------------------------
test: build
	npx jest

demo: build
	@node scripts/demo.js

bench: build
	@node bench/run.js

clean:
	rm -rf $(BUILD) dist docs/api
