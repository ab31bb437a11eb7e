#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kseries sparse: the real sparse through the cache, on a build directory
# laid out as kbuild leaves it (src/ beside build/, the object's .cmd file
# listing what the compiler read): a miss runs sparse and keeps its
# findings, the same inputs again are a hit with the same bytes, a header
# change runs it again; what cannot be keyed runs every time.

. "$(dirname "$0")/test-lib.sh"

plan 9

check "sparse --help starts with the summary line" \
	sh -c '"$KSERIES" sparse --help | head -1 | grep -q "^kseries sparse - "'
ks sparse
check "no arguments for sparse: a usage error (129)" rc_is 129
mkdir -p "$T/emptybin"
PATH="$T/emptybin" "$KSERIES" sparse -c x.c >"$T/out.txt" 2>&1
rc=$?
check "sparse not on \$PATH: the tool could not do its job (2)" \
	sh -c "[ $rc = 2 ] && grep -q 'sparse is not on' '$T/out.txt'"

if ! command -v sparse >/dev/null 2>&1; then
	for i in 4 5 6 7 8 9; do
		ok "# SKIP sparse is not installed"
	done
	exit 0
fi

mkdir -p "$T/src/lib" "$T/src/include" "$T/build/lib"
cat >"$T/src/include/peek.h" <<'EOF'
#define __user __attribute__((noderef, address_space(__user)))
EOF
cat >"$T/src/lib/a.c" <<'EOF'
#include "peek.h"
int peek(int __user *p);
int peek(int __user *p)
{
	return *p;
}
EOF
cat >"$T/build/lib/.a.o.cmd" <<EOF
cmd_lib/a.o := gcc -Wp,-MMD,lib/.a.o.d -I../src/include -c -o lib/a.o ../src/lib/a.c

source_lib/a.o := ../src/lib/a.c

deps_lib/a.o := \\
  ../src/include/peek.h \\
    \$(wildcard include/config/peek.h) \\

lib/a.o: \$(deps_lib/a.o)

\$(deps_lib/a.o):
EOF

# sparse as the cache sees it: the real one, each run counted.
real=$(command -v sparse)
mkdir -p "$T/bin"
printf '#!/bin/sh\necho run >>"%s/runs"\nexec "%s" "$@"\n' "$T" "$real" \
	>"$T/bin/sparse"
chmod +x "$T/bin/sparse"
PATH="$T/bin:$PATH"
export KSERIES_SPARSE_STATS="$T/stats"
# sp N: kseries sparse as kbuild runs it, stderr into $T/spN.
sp() {
	(cd "$T/build" && "$KSERIES" sparse -Wp,-MMD,lib/.a.o.d \
		-I../src/include ../src/lib/a.c) >"$T/sp$1.out" 2>"$T/sp$1"
	rc=$?
}

sp 1
check "a first run is sparse's: its finding, kept (miss)" \
	sh -c "[ $rc = 0 ] && grep -q 'dereference of noderef expression' '$T/sp1' && [ \"\$(cat '$T/stats')\" = 'miss ../src/lib/a.c' ]"
sp 2
check "the same inputs again: the same output from the cache (hit)" \
	sh -c "[ $rc = 0 ] && cmp -s '$T/sp1' '$T/sp2' && [ \"\$(sed -n 2p '$T/stats')\" = 'hit ../src/lib/a.c' ] && [ \$(ls '$KSERIES_CACHE/sparse' | wc -l) = 1 ]"

check "a hit does not run sparse: one run of it in two" \
	sh -c "[ \$(wc -l <'$T/runs') = 1 ]"

# A header the object was built from changes: sparse runs again.
cat >"$T/src/include/peek.h" <<'EOF'
#define __user
EOF
sp 4
check "a header it read changed: sparse runs again (miss), new output" \
	sh -c "[ $rc = 0 ] && ! grep -q 'noderef' '$T/sp4' && [ \"\$(sed -n 3p '$T/stats')\" = 'miss ../src/lib/a.c' ]"

# A config file named by a \$(wildcard ...) that comes to exist.
mkdir -p "$T/build/include/config"
: >"$T/build/include/config/peek.h"
sp 5
check "a \$(wildcard ...) config file that comes to exist: a miss" \
	sh -c "[ \"\$(sed -n 4p '$T/stats')\" = 'miss ../src/lib/a.c' ]"

# Without the -Wp,-MMD argument there is nothing to key on.
(cd "$T/build" && "$KSERIES" sparse -I../src/include ../src/lib/a.c) \
	>/dev/null 2>"$T/sp6"
rc=$?
check "no .cmd file to key on: sparse runs, nothing kept (uncached)" \
	sh -c "[ $rc = 0 ] && [ \"\$(sed -n 5p '$T/stats')\" = 'uncached ../src/lib/a.c: no -Wp,-MMD,FILE.d argument names the object' ]"
