# Thin wrapper over CMake: the two commands the README shows.
#   make run   install missing Debian packages, build, serve on 127.0.0.1:8010
#   make test  install missing Debian packages, build, run every test (ctest)
BUILD ?= build
HOST  ?= 127.0.0.1
PORT  ?= 8010
DB    ?= .specmock/db
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test check-generated regen clean

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-generated: build
	cmake --build $(BUILD) --target check-generated

regen: configure
	cmake --build $(BUILD) --target generate

clean:
	rm -rf $(BUILD)
