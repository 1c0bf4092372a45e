# madoguchi — plain GNU make. `make run` installs what is missing, builds and serves;
# `make check` runs every test (unit + API under ASan/UBSan, compat with the real kintone clients,
# on SQLite and, when PostgreSQL is installed, on PostgreSQL too).
CC      ?= gcc
PKGS    := libh2o-evloop openssl jansson libsodium sqlite3 libpq gmime-3.0 inih libzstd liboath libqrencode libcurl libpcre2-8 \
           cairo pangocairo pangoft2 poppler-glib libzip xlsxwriter
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wvla -Wpointer-arith -Wwrite-strings -fno-common -Wno-format-truncation
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lmagic -lz -lpthread -lm
CFLAGS_COMMON = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g $(WARN) -MMD -MP -Isrc -Ibuild/gen $(PKG_CFLAGS) \
                -DH2O_USE_LIBUV=0
OPT_CFLAGS  := -O2 -fno-omit-frame-pointer -fstack-protector-strong -D_FORTIFY_SOURCE=2
SAN_CFLAGS  := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -DARENA_DEBUG=1

SRC      := $(sort $(wildcard src/*/*.c)) src/main.c
LIB_SRC  := $(filter-out src/main.c,$(SRC))
MIGR     := $(sort $(wildcard src/db/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
API_SRC  := $(sort $(wildcard tests/api/test_*.c))
TEST_LIB := $(wildcard tests/api/harness.c)

WEB      := $(shell find web -type f ! -name '*.test.*' ! -name '.*' 2>/dev/null)
OBJ      := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/migrations.o build/obj/gen/assets.o
SOBJ     := $(patsubst src/%.c,build/san/%.o,$(LIB_SRC)) build/san/gen/migrations.o build/san/gen/assets.o
UNIT_BIN := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))
API_BIN  := $(patsubst tests/api/%.c,build/tests/%,$(API_SRC))

.PHONY: all run deps check check-unit check-api check-compat check-browser check-pg check-long bench clean screenshots \
        asan fmt check-vectors bench-fcond bench-portal bench-pdf bench-staff bench-restore bench-backup
all: build/madoguchi

deps:
	@scripts/deps.sh

build/gen/migrations.c: $(MIGR) scripts/gen-migrations.sh
	@mkdir -p $(@D)
	@scripts/gen-migrations.sh src/db/migrations > $@

build/gen/assets.c: $(WEB) scripts/gen-assets.sh
	@mkdir -p $(@D)
	@scripts/gen-assets.sh web > $@

build/obj/gen/assets.o: build/gen/assets.c
	@mkdir -p $(@D)
	@echo "CC $<"; $(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -Wno-missing-prototypes -c $< -o $@
build/san/gen/assets.o: build/gen/assets.c
	@mkdir -p $(@D)
	@echo "CC-SAN $<"; $(CC) $(CFLAGS_COMMON) $(SAN_CFLAGS) -Wno-missing-prototypes -c $< -o $@

build/obj/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(@D)
	@echo "CC $<"; $(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -Wno-missing-prototypes -c $< -o $@
build/san/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(@D)
	@echo "CC-SAN $<"; $(CC) $(CFLAGS_COMMON) $(SAN_CFLAGS) -Wno-missing-prototypes -c $< -o $@

build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "CC $<"; $(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -c $< -o $@
build/san/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "CC-SAN $<"; $(CC) $(CFLAGS_COMMON) $(SAN_CFLAGS) -c $< -o $@

build/madoguchi: build/obj/main.o $(OBJ)
	$(CC) $(OPT_CFLAGS) -o $@ $^ $(PKG_LIBS)
build/madoguchi-asan: build/san/main.o $(SOBJ)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)
asan: build/madoguchi-asan

build/tests/test_%: tests/unit/test_%.c $(SOBJ)
	@mkdir -p $(@D)
	@echo "LINK $@"; $(CC) $(CFLAGS_COMMON) $(SAN_CFLAGS) -Itests -o $@ $< $(SOBJ) $(PKG_LIBS) -lcmocka
build/tests/test_%: tests/api/test_%.c tests/api/harness.c tests/api/harness.h $(SOBJ)
	@mkdir -p $(@D)
	@echo "LINK $@"; $(CC) $(CFLAGS_COMMON) $(SAN_CFLAGS) -Itests -Itests/api -o $@ $< tests/api/harness.c $(SOBJ) $(PKG_LIBS) -lcmocka

export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

# The first start installs the Setagaya pack with its demo data (users' first passwords are
# printed once and kept in data/demo-passwords.txt); later starts leave ./data as it is.
run: deps build/madoguchi
	@mkdir -p data
	@if ! build/madoguchi pack list --data ./data 2>/dev/null | grep -q '^setagaya'; then \
	  build/madoguchi pack install --data ./data --log-level warn --demo packs/setagaya || exit 1; fi
	build/madoguchi serve --data ./data --listen 127.0.0.1:8080

check: check-unit check-api check-vectors check-compat check-browser check-pg

check-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t 2>&1; done

# Shared condition/validation vectors through the JavaScript twin (the C side runs them in
# build/tests/test_fcond, part of check-unit).
check-vectors:
	@node --test tests/vectors/

check-api: $(API_BIN)
	@set -e; for t in $(API_BIN); do echo "== $$t (sqlite)"; $$t 2>&1; done

check-compat: build/madoguchi-asan build/madoguchi
	@scripts/check-compat.sh

check-browser: build/madoguchi-asan
	@scripts/check-browser.sh

check-pg: $(API_BIN) $(UNIT_BIN) build/madoguchi-asan
	@scripts/check-pg.sh $(API_BIN)

check-long: check
	@LONG=1 scripts/check-compat.sh

bench: build/madoguchi
	bench/run.sh

# Applicant portal (issue #6): GET /my/ with 50 applications, appends to bench/results.md.
bench-portal: build/madoguchi
	bench/portal.sh

# Documents (issue #7): one permit with a background, and 1,000 in a batch (bench/pdf.sh).
build/pdf_bench: bench/pdf_bench.c $(OBJ)
	$(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS)
bench-pdf: build/madoguchi build/pdf_bench
	bench/pdf.sh

# Staff web application (issue #8): cold load and 100-row list render in chromium (bench/staff.sh).
bench-staff: build/madoguchi
	bench/staff.sh

# Form conditions and validation (issue #5): C and node, medians to paste into bench/results.md.
build/fcond_bench: bench/fcond_bench.c $(OBJ)
	$(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS)
bench-fcond: build/fcond_bench
	build/fcond_bench bench/fcond_form.json
	node bench/fcond_bench.mjs

# Online restore (issue #9): one record < 1 s, an app of 10,000 records < 10 s (bench/restore.sh).
build/restore_bench: bench/restore_bench.c tests/api/harness.c $(OBJ)
	$(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -Itests/api -o $@ $< tests/api/harness.c $(OBJ) $(PKG_LIBS)
bench-restore: build/restore_bench
	bench/restore.sh

# The pictures in docs/img/ that README.md and docs/staff.md show (real server, real browser,
# fictional data); needs the browser test packages (cd tests/browser && npm ci).
screenshots: build/madoguchi
	cd tests/browser && MADOGUCHI_BIN=$(CURDIR)/build/madoguchi node screenshots.mjs

# Backups (issue #9): full backup and verify of N records with attachments (bench/backup.sh).
build/backup_seed: bench/backup_seed.c $(OBJ)
	$(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS)
bench-backup: build/madoguchi build/backup_seed
	bench/backup.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# libFuzzer targets (clang): make fuzz-query && build/fuzz_query -max_total_time=60 tests/fuzz/corpus_query
FUZZ_SRC := $(filter-out src/main.c src/cmd/%,$(LIB_SRC))
build/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) build/gen/migrations.c build/gen/assets.c
	@mkdir -p $(@D)
	clang -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -Isrc -Ibuild/gen $(PKG_CFLAGS) -DH2O_USE_LIBUV=0 -o $@ $< $(FUZZ_SRC) build/gen/migrations.c build/gen/assets.c $(PKG_LIBS)
fuzz-query: build/fuzz_query
fuzz-multipart: build/fuzz_multipart
fuzz-params: build/fuzz_params
.PHONY: fuzz-query fuzz-multipart fuzz-params

# Documents (issue #7), self-contained: a permit with a background PDF, PNG previews, memory
# over 2,000 renders.
build/pdf_render_bench: bench/pdf_render_bench.c $(OBJ)
	$(CC) $(CFLAGS_COMMON) $(OPT_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS)
