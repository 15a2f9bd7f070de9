# bzj - merchant security deposit console.  See README.md.
#   make demo    build, then open the console on a demo database
#   make check   build and run every test (warnings are errors; unit tests
#                run under AddressSanitizer and UndefinedBehaviorSanitizer)

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/bzj
LOCALEDIR = $(PREFIX)/share/locale
MANDIR = $(PREFIX)/share/man/man1

CC ?= cc
PKGS = ncursesw sqlite3 libconfig nettle libpq
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libpq's headers only: the PostgreSQL driver loads the library when a
# PostgreSQL location is opened (core/store_pg_lib.h says why)
PKG_LIBS = $(shell pkg-config --libs $(filter-out libpq,$(PKGS)) 2>/dev/null) -ldl
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-format-nonliteral -Wvla -Wpointer-arith
CPPFLAGS_ALL = -Iinclude -Ibuild/gen -D_GNU_SOURCE -DLOCALEDIR='"$(LOCALEDIR)"'
CFLAGS ?= -O2 -g
CFLAGS_ALL = -std=c17 $(WARN) $(CPPFLAGS_ALL) $(PKG_CFLAGS) $(CFLAGS)
SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SANFLAGS_ALL = -std=c17 $(WARN) $(CPPFLAGS_ALL) $(PKG_CFLAGS) -O1 -g $(SAN)

CORE_SRC = $(sort $(wildcard core/*.c))
TUI_SRC = $(sort $(wildcard tui/*.c))
GEN_SRC = build/gen/data_holidays.c build/gen/data_standards.c build/gen/pg_schema.c
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
PO = $(wildcard po/*.po)

CORE_OBJ = $(CORE_SRC:%.c=build/rel/%.o) $(GEN_SRC:build/gen/%.c=build/rel/gen/%.o)
TUI_OBJ = $(TUI_SRC:%.c=build/rel/%.o)
TUILIB_SAN = $(filter-out build/san/tui/main.o,$(TUI_SRC:%.c=build/san/%.o))
CORE_SAN = $(CORE_SRC:%.c=build/san/%.o) $(GEN_SRC:build/gen/%.c=build/san/gen/%.o)
TUI_SAN = $(TUI_SRC:%.c=build/san/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)
MO = $(PO:po/%.po=build/locale/%/LC_MESSAGES/bzj.mo)

.PHONY: all check unit e2e tui-test demo bench fuzz stress install uninstall clean deps man
.DEFAULT_GOAL := all

all: deps build/bzj $(MO)

deps: build/.deps
build/.deps: tools/deps.sh
	@mkdir -p build
	@sh tools/deps.sh
	@touch $@

build/gen/data_holidays.c: data/holidays.tsv tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh bzj_data_holidays $< >$@
build/gen/data_standards.c: data/standards.cfg tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh bzj_data_standards $< >$@

build/gen/pg_schema.c: core/store_pg_schema.sql tools/embed.sh
	@mkdir -p $(@D)
	sh tools/embed.sh bzj_data_pg_schema $< >$@

build/rel/gen/%.o: build/gen/%.c | build/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<
build/san/gen/%.o: build/gen/%.c | build/.deps
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS_ALL) -c -o $@ $<
build/rel/%.o: %.c | build/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<
build/san/%.o: %.c | build/.deps
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS_ALL) -MMD -MP -c -o $@ $<

build/rel/libbzjcore.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^
build/san/libbzjcore.a: $(CORE_SAN)
	rm -f $@ && ar rcs $@ $^

build/bzj: $(TUI_OBJ) build/rel/libbzjcore.a
	$(CC) $(CFLAGS) -o $@ $(TUI_OBJ) build/rel/libbzjcore.a $(PKG_LIBS) -lm
build/san/bzj: $(TUI_SAN) build/san/libbzjcore.a
	$(CC) $(SAN) -o $@ $(TUI_SAN) build/san/libbzjcore.a $(PKG_LIBS) -lm

build/san/libbzjtui.a: $(TUILIB_SAN)
	rm -f $@ && ar rcs $@ $^

# Unit tests link the core and the console's widgets (all of tui/ but main);
# the service-level ones share tests/unit/fixture.h.
build/san/tests/%: tests/unit/%.c tests/unit/fixture.h build/san/libbzjtui.a build/san/libbzjcore.a \
		| build/.deps
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS_ALL) -Itui -o $@ $< build/san/libbzjtui.a build/san/libbzjcore.a \
		$(PKG_LIBS) $(CMOCKA_LIBS) -lm

# The PostgreSQL driver's test against the throw-away server (tests/pg/run.sh).
build/san/tests/pg_driver: tests/pg/driver.c build/san/libbzjcore.a | build/.deps
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS_ALL) -o $@ $< build/san/libbzjcore.a $(PKG_LIBS) -lm

build/locale/%/LC_MESSAGES/bzj.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# The man page's key section comes from the keymap table.
build/keys2man: tools/keys2man.c build/rel/tui/keymap.o build/rel/libbzjcore.a
	$(CC) $(CFLAGS_ALL) -Itui -o $@ tools/keys2man.c build/rel/tui/keymap.o \
		build/rel/libbzjcore.a $(PKG_LIBS) -lm
man: build/keys2man
	sh tools/man-keys.sh build/keys2man man/bzj.1

# Every test: unit tests (and the fuzz corpus replay) under ASan+UBSan;
# then, against the sanitized binary, the command line end to end, the
# console in tmux, hostile input and failure modes, and a short concurrency
# stress; the PostgreSQL test server (skipped without one); then SIGKILL
# crash recovery against the release binary (kill timing needs its speed).
check: all build/san/bzj $(UNIT_BIN) $(MO) build/keys2man build/san/tests/pg_driver
	@sh tools/seam-check.sh
	@sh tools/man-keys.sh --check build/keys2man man/bzj.1
	@sh tools/update-po.sh --check
	@n=$$(msgattrib --only-fuzzy --no-obsolete po/zh_CN.po | grep -c '^msgid "[^"]'); \
	 m=$$(msgattrib --untranslated --no-obsolete po/zh_CN.po | grep -c '^msgid "[^"]'); \
	 if [ "$$n$$m" != "00" ]; then echo "po/zh_CN.po: $$m untranslated, $$n fuzzy" >&2; exit 1; fi
	@sh tests/run-unit.sh $(UNIT_BIN)
	@sh tests/e2e/run.sh build/san/bzj
	@sh tests/tui/run.sh build/san/bzj
	@SAFETY_SETGID_BIN=build/bzj sh tests/safety/run.sh build/san/bzj
	@sh tests/stress/run.sh build/san/bzj short
	@sh tests/pg/run.sh build/san/tests/pg_driver build/san/bzj
	@CRASH_KILLS=20 sh tests/crash/run.sh build/bzj

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

DEMO_DB ?= build/demo.db
demo: all
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB)-desk
	BZJ_USER=demo ./build/bzj --config data/demo.conf --db $(DEMO_DB) demo --shops 300 --seed 7
	BZJ_USER=demo ./build/bzj --config data/demo.conf --db $(DEMO_DB)

bench: all
	@sh tools/deps.sh --bench
	@sh tests/bench/run.sh build/bzj

fuzz: deps
	@sh tools/deps.sh --fuzz
	@sh tests/fuzz/run.sh

stress: build/bzj
	@sh tests/stress/run.sh build/bzj long

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 0755 build/bzj $(DESTDIR)$(BINDIR)/bzj
	install -m 0644 data/bzj.conf data/standards.cfg data/holidays.tsv $(DESTDIR)$(DATADIR)/
	install -m 0644 man/bzj.1 $(DESTDIR)$(MANDIR)/bzj.1
	for mo in $(MO); do l=$${mo#build/locale/}; l=$${l%%/*}; \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
		install -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/bzj.mo; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bzj $(DESTDIR)$(MANDIR)/bzj.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find build/rel build/san -name '*.d' 2>/dev/null)
