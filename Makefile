# Thin wrapper over CMake. make | make demo | make demo-kafka | make test | make bench | make clean
BUILD ?= build
ASAN_BUILD ?= build-asan-clang
CC = gcc
JOBS ?= $(shell nproc)

.PHONY: all deps demo demo-kafka test test-unit test-integration test-asan bench clean format

all: deps
	@cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(CC) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/install-deps.sh

demo: all
	@scripts/demo.sh $(BUILD)

demo-kafka: all
	@scripts/demo-kafka.sh $(BUILD)

# The whole suite: unit + integration tests, normal build (gcc) then ASan+UBSan
# (clang, which also proves the tree builds with both compilers).
test: all
	@scripts/run-tests.sh $(BUILD)
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DSPATE_SANITIZE=ON \
	    -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@scripts/run-tests.sh $(ASAN_BUILD)

test-unit: all
	@$(BUILD)/tests/unit_tests

bench: all
	@bench/run.sh $(BUILD)

format:
	@clang-format -i include/spate/*.h src/*/*.[ch] examples/*.c tests/unit/*.c bench/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
