# Thin wrapper over CMake: the two commands the README shows.
#   make run   install missing Debian packages, build, serve on 127.0.0.1:8010
#   make test  install missing Debian packages, build, run every test (ctest)
BUILD ?= build
HOST  ?= 127.0.0.1
PORT  ?= 8010
DB    ?= .specmock/db
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test test-sanitize bench fuzz check-generated regen clean

all: build

deps:
	@./.ci/install-deps

# Packages first: cmake itself may be among the missing.
$(BUILD)/CMakeCache.txt:
	@./.ci/install-deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps
	@$(MAKE) --no-print-directory $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p $(DB)
	./$(BUILD)/specmock --host $(HOST) --port $(PORT) --db $(DB)

# The whole suite twice: the normal build, then everything rebuilt with
# AddressSanitizer + UndefinedBehaviorSanitizer (any report fails the run).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-sanitize

test-sanitize: configure
	@[ -f $(BUILD)-asan/CMakeCache.txt ] || cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSPECMOCK_SANITIZE=ON
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Throughput, latency, start-up and RSS against a bare evhttp server (bench/README.md).
# Also builds specmock-1000 (the 1,000-operation spec: not in the default build).
bench: build
	cmake --build $(BUILD) -j $(JOBS) --target specmock-1000
	./bench/run.sh

# The libFuzzer binaries (clang) in $(BUILD)-fuzz/tests/fuzz/; campaigns: tests/fuzz/README.md.
fuzz:
	@./.ci/install-deps fuzz
	@[ -f $(BUILD)-fuzz/CMakeCache.txt ] || CC=clang cmake -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPECMOCK_FUZZ=ON
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_spec fuzz_router fuzz_body

check-generated: build
	cmake --build $(BUILD) --target check-generated

regen: configure
	cmake --build $(BUILD) --target generate

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
