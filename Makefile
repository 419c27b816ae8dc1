# Thin wrapper over CMake.
#   make | make demo | make demo-kafka | make test | make bench | make install | make clean
#   make test-unit | test-integration | test-asan | test-tsan | check-format | check-layers | format
BUILD ?= build
ASAN_BUILD ?= build-asan-clang
TSAN_BUILD ?= build-tsan
# gcc unless CC comes from the environment or the command line (make's own
# default CC is "cc", so "CC ?= gcc" would never take effect).
ifeq ($(origin CC),default)
CC := gcc
endif
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps demo demo-kafka test test-unit test-integration test-asan test-tsan \
	check-format check-layers bench install clean format

all: deps
	@cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(CC) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh

demo: all
	@scripts/demo.sh $(BUILD)

demo-kafka: all
	@scripts/demo-kafka.sh $(BUILD)

# ASan+UBSan tree (clang, which also proves the tree builds with both compilers).
define build_asan
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DSPATE_SANITIZE=ON \
	    -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
endef

# ThreadSanitizer tree (clang). No unit tests: Criterion's runner cannot start
# under TSan; scripts/run-tsan.sh runs the examples and the integration tests.
define build_tsan
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_C_COMPILER=clang -DSPATE_TSAN=ON -DSPATE_TESTS=OFF \
	    >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)
endef

# The whole suite: the formatting and layer checks, unit + integration tests on
# the normal build, again under ASan+UBSan, then the examples and integration
# tests under ThreadSanitizer.
test: check-format check-layers all
	@scripts/run-tests.sh $(BUILD)
	$(build_asan)
	@scripts/run-tests.sh $(ASAN_BUILD)
	$(build_tsan)
	@scripts/run-tsan.sh $(TSAN_BUILD)

test-unit: all
	@scripts/run-tests.sh --unit $(BUILD)

test-integration: all
	@scripts/run-tests.sh --integration $(BUILD)

test-asan: deps
	$(build_asan)
	@scripts/run-tests.sh $(ASAN_BUILD)

test-tsan: deps
	$(build_tsan)
	@scripts/run-tsan.sh $(TSAN_BUILD)

check-format: deps
	@scripts/check-format.sh

# The layer order and private headers (docs/architecture.md, Layers).
check-layers:
	@scripts/check-layers.sh

format: deps
	@scripts/check-format.sh --fix

bench: all
	@bench/run.sh $(BUILD)

# Installs what CMake's install rules name under $(DESTDIR)$(PREFIX).
install: all
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
