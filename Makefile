# quarry — one entry point: deps, build, test, run, sanitize, bench, eval, fuzz.
#
# `make run` and `make test` first make sure the build dependencies are
# installed (`make deps`), then build through a recursive make, so that the
# pkg-config queries below run after the packages exist.

CC      ?= cc
BUILD   ?= build/release
OPT     ?= -O2 -g
SAN     ?=
PKGS    := lua5.4 lua5.4-lpeg libedit libutf8proc libpcre2-8
DEBPKGS := pkg-config liblua5.4-dev lua-lpeg-dev libedit-dev libutf8proc-dev libpcre2-dev

WARN := -std=c11 -Wall -Wextra -Wshadow -Wundef -Wwrite-strings \
        -Wmissing-prototypes -Wstrict-prototypes -Wold-style-definition -Werror

PKG_CFLAGS = $(shell pkg-config --cflags lua5.4 libedit libutf8proc libpcre2-8 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs lua5.4 libedit libutf8proc libpcre2-8 2>/dev/null)
# LPeg is linked statically (its symbols are unprefixed; we never include its
# internal headers). The compiler knows the multiarch library directory.
LPEG_A     = $(shell $(CC) -print-file-name=liblua5.4-lpeg.a)

CPPFLAGS += -Iinclude -Icore -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
CFLAGS   += $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -pthread -MMD -MP
LDFLAGS  += $(SAN)
LDLIBS   += $(LPEG_A) $(PKG_LIBS) -lm -pthread

LIB_SRC := $(sort $(wildcard core/base/*.c core/text/*.c core/lookup/*.c \
                            core/corpus/*.c core/query/*.c core/lua/*.c))
CLI_SRC := $(sort $(wildcard core/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

# Files compiled into the binary, so that ./quarry runs from any directory:
# the Lua standard library, the text data (abbreviations) and the API reference.
# The script packs built in (scripts/packs/NAME/...) go in whole: manifest,
# reports, data, tests and the tests' corpus.
EMBED := $(sort $(wildcard scripts/quarry/*.lua scripts/quarry/cmd/*.lua scripts/reports/*.lua \
                          core/text/data/*.txt core/text/data/*.model \
                          core/lookup/data/*.txt core/lookup/data/*.tsv) \
                $(shell find scripts/packs -type f ! -name '.*' 2>/dev/null)) docs/lua-api.md

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_OBJ := $(BUILD)/tests/unit.o

.PHONY: all deps run test check sanitize bench bench-deps eval cv model clean fuzz fuzz-deps \
        fuzzers
.DEFAULT_GOAL := all

all: quarry libquarry.a

# The top-level ./quarry is the release build; other builds stay in $(BUILD).
ifeq ($(BUILD),build/release)
quarry: $(BUILD)/quarry
	cp $< $@
endif

$(BUILD)/quarry: $(CLI_OBJ) $(BUILD)/libquarry.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libquarry.a $(LDLIBS)

ifeq ($(BUILD),build/release)
libquarry.a: $(BUILD)/libquarry.a
	cp $< $@
endif

$(BUILD)/libquarry.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/embed: core/build/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embed $(EMBED)
	@mkdir -p $(dir $@)
	$(BUILD)/embed $@ $(EMBED)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(CFLAGS)) -c -o $@ $<

$(BUILD)/tests/unit.o: tests/unit/unit.c tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The allocation-failure sweep: every allocation of the core and of its Lua
# states goes through the test's counter (tests/unit/test_nomem.c).
NOMEM_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
$(BUILD)/tests/test_nomem: tests/unit/test_nomem.c $(UNIT_OBJ) $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(NOMEM_WRAP) -o $@ $< $(UNIT_OBJ) $(BUILD)/libquarry.a $(LDLIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(UNIT_OBJ) $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_OBJ) $(BUILD)/libquarry.a $(LDLIBS)

# The pseudo-terminal driver of the REPL's tests (tests/repl/*.session).
$(BUILD)/tests/ptyrun: tests/repl/ptyrun.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(OPT) $(SAN) -D_DEFAULT_SOURCE -o $@ $< -lutil

# The fuzz targets (tests/fuzz/fuzz_*.c, tests/fuzz/README.md): each is
# linked with tests/fuzz/replay.c into $(BUILD)/tests/replay_<target>, which
# tests/run runs over the target's seeds and regression inputs in every
# build; `make fuzz` links it with libFuzzer instead (clang, build/fuzz).
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN   := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)

$(BUILD)/tests/replay.o: tests/fuzz/replay.c tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c $(BUILD)/tests/replay.o $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/replay.o $(BUILD)/libquarry.a $(LDLIBS)

units: $(UNIT_BIN) $(BUILD)/tests/ptyrun $(REPLAY_BIN)
.PHONY: units

$(BUILD)/bench/%: bench/%.c $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

# Build dependencies: install the Debian packages when pkg-config cannot find
# them (with sudo when not root). Nothing is downloaded at build or run time.
deps:
	@missing=""; \
	command -v cc >/dev/null 2>&1 || missing="gcc libc6-dev"; \
	if ! command -v pkg-config >/dev/null 2>&1; then missing="$$missing $(DEBPKGS)"; \
	else for p in $(PKGS); do pkg-config --exists $$p || missing="$$missing $(DEBPKGS)"; done; \
	  [ -f "$(LPEG_A)" ] || missing="$$missing lua-lpeg-dev"; fi; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make deps: installing $$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' ')"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
	    $$(echo $$missing | tr ' ' '\n' | sort -u) >/dev/null || exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	./quarry run news:brief corpus/

test: deps
	@$(MAKE) --no-print-directory all units
	@QUARRY=./quarry UNITS=$(BUILD)/tests QUARRY_NOMEM_STRIDE=7 tests/run

check: test

# The html report in headless Chromium alone (make test runs it too;
# installs Debian's chromium when missing).
browser-test: all
	QUARRY=./quarry tests/browser/run
.PHONY: browser-test

# ASan + UBSan build of everything, running the whole suite.
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" build/asan/quarry units
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  QUARRY=build/asan/quarry UNITS=build/asan/tests tests/run

# Fuzzing with libFuzzer (tests/fuzz/README.md): every target built with
# clang under ASan + UBSan in build/fuzz, then run for FUZZ_TIME seconds
# each, one after another (tests/fuzz/run), the corpus each grows kept in
# build/fuzz/corpus/<target>. Fails when a target finds a crash, a leak or
# a timeout; what it found is in build/fuzz/crashes/<target>/.
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

# clang and its libFuzzer runtime are needed only here (CI machines have gcc).
fuzz-deps:
	@{ command -v clang >/dev/null 2>&1 && \
	   ls "$$(clang -print-runtime-dir 2>/dev/null)"/libclang_rt.fuzzer-*.a >/dev/null 2>&1; } || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make fuzz-deps: installing clang libclang-rt-14-dev"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends clang libclang-rt-14-dev >/dev/null; }

fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="$(FUZZ_SAN)" fuzzers
	@FUZZ_BIN=build/fuzz/bin FUZZ_OUT=build/fuzz FUZZ_TIME=$(FUZZ_TIME) FUZZ_SEED=$(FUZZ_SEED) \
	  tests/fuzz/run

fuzzers: $(FUZZ_TARGETS:%=$(BUILD)/bin/fuzz_%)

$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

# The peers of the benchmarks, ICU and ripgrep, are needed only here, and so
# is what CWB/CQP (built from ../shared/peers/cwb by bench/cqp/run) needs.
bench-deps: deps
	@{ pkg-config --exists icu-uc icu-i18n && command -v rg >/dev/null; } || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make bench-deps: installing libicu-dev ripgrep"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends libicu-dev ripgrep >/dev/null; }
	@cwb="bison flex libglib2.0-dev libpcre3-dev libncurses-dev"; dpkg -s $$cwb >/dev/null 2>&1 || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make bench-deps: installing $$cwb (to build CWB/CQP)"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends $$cwb >/dev/null; }

$(BUILD)/bench/bench_icu: bench/bench_icu.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $< $$(pkg-config --cflags --libs icu-uc icu-i18n)

bench: bench-deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/bench_text $(BUILD)/bench/bench_icu \
	  $(BUILD)/bench/bench_strlib $(BUILD)/bench/bench_parallel
	bench/run

eval: deps
	@$(MAKE) --no-print-directory all
	tests/eval
	tests/entities/run

# Cross-validation of the sentence model on EWT train (tests/cv): for
# changes to its features or settings, without the dev files.
cv: deps
	@$(MAKE) --no-print-directory all
	tests/cv $(CV_ARGS)

# The default sentence model, learned from UD English-EWT train (CC BY-SA 4.0)
# in ../shared; committed, so that a build needs no training data.
EWT_TRAIN ?= ../shared/eval/ud/en_ewt-ud-train.conllu
model: deps
	@$(MAKE) --no-print-directory all
	./quarry train-segmenter $(EWT_TRAIN) -o core/text/data/sentences-en.model
	@$(MAKE) --no-print-directory all

# The world gazetteer and its word lists (core/lookup/data: world.tsv,
# stop-forms-en.txt, given-names-en.txt, licences/), made from Debian's
# iso-codes, the npm packages world-countries and spdx-license-list, and the
# GeoNames cities, Census name lists and books in ../shared/bench;
# committed, so that a build needs none of them.
WORLD_COUNTRIES ?= 5.1.0
SPDX_LICENSES ?= 6.12.0
SHARED_BENCH ?= ../shared/bench
world: deps
	@$(MAKE) --no-print-directory all
	@[ -f /usr/share/iso-codes/json/iso_3166-1.json ] || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make world: installing iso-codes"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends iso-codes >/dev/null; }
	@mkdir -p build/world
	@[ -f build/world/node_modules/world-countries/countries.json ] && \
	 [ -d build/world/node_modules/spdx-license-list/licenses ] || \
	  npm install --prefix build/world --no-save --no-audit --no-fund \
	    world-countries@$(WORLD_COUNTRIES) spdx-license-list@$(SPDX_LICENSES) >/dev/null
	@[ -s build/world/books.txt ] || xz -dc $(SHARED_BENCH)/books.txt.xz > build/world/books.txt
	./quarry run core/build/world.lua -- /usr/share/iso-codes/json/iso_3166-1.json \
	  build/world/node_modules/world-countries/countries.json \
	  $(SHARED_BENCH)/gaz/geonames_cities15000.txt $(SHARED_BENCH)/gaz build/world/books.txt \
	  core/build/world-extra.tsv core/lookup/data build/world/node_modules
	@$(MAKE) --no-print-directory all
.PHONY: world

clean:
	rm -rf build quarry libquarry.a

-include $(shell find build -name '*.d' 2>/dev/null)
