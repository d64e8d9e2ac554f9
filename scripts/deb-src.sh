# Debian source packages for wvm's build scripts (scripts/image-lib.sh, for the
# guest image recipes: busybox; scripts/lwip.sh: lwip). Source this file, then:
#   ver=$(deb_src_version PACKAGE LOGFILE)                # the newest version apt knows
#   deb_src_unpack PACKAGE "$ver" DEST LOGFILE [OPTION...] # DEST/ = the unpacked source
# `apt-get source` needs a deb-src entry: when apt knows no source for PACKAGE and
# there is no such entry yet, deb_src_version adds one mirroring the machine's own
# Debian `deb` entry (same URI and keyring), as root or through sudo, and updates
# apt's lists. Progress goes to stderr through deb_src_log (redefine it after
# sourcing for another prefix) and commands' output to LOGFILE; a function that
# fails says why on stderr and returns 1.

deb_src_log() { printf 'deb-src: %s\n' "$*" >&2; }

# as_root CMD...: run CMD as root (directly, or with sudo when there is one).
as_root() {
	if [[ $EUID -eq 0 ]]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else deb_src_log "need root to run: $*"; return 1
	fi
}

# deb_src_run LOGFILE CMD...: CMD's output appended to LOGFILE; if CMD fails,
# the last lines of LOGFILE go to stderr and the status is 1.
deb_src_run() {
	local logf=$1; shift
	if ! "$@" >>"$logf" 2>&1; then
		deb_src_log "FAILED: $* (last lines of $logf:)"
		tail -n 40 "$logf" >&2
		return 1
	fi
}

# debian_deb_entry CODENAME: prints "URI [KEYRING]" of the Debian main archive
# entry (Types: deb, suite CODENAME, component main) of the machine's apt sources,
# deb822 files first, then one-line ones; nothing if there is none.
debian_deb_entry() {
	local f codename=$1
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f && $f != */wvm-deb-src.sources ]] || continue
		awk -v suite="$codename" '
			BEGIN { RS = ""; FS = "\n" }
			{
				types = uris = suites = comps = key = ""; enabled = "yes"
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^[ \t]*#/) continue
					n = index($i, ":"); if (!n) continue
					k = tolower(substr($i, 1, n - 1))
					v = substr($i, n + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
					if (k == "types") types = v
					else if (k == "uris") uris = v
					else if (k == "suites") suites = v
					else if (k == "components") comps = v
					else if (k == "signed-by") key = v
					else if (k == "enabled") enabled = tolower(v)
				}
				if (enabled == "no") next
				if ((" " types " ") !~ / deb /) next
				if ((" " suites " ") !~ (" " suite " ")) next
				if ((" " comps " ") !~ / main /) next
				split(uris, u, /[ \t]+/)
				if (key ~ /^\//) print u[1], key; else print u[1]
				exit
			}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] || continue
		awk -v suite="$codename" '
			$1 != "deb" { next }
			{
				key = ""; i = 2
				if ($2 ~ /^\[/) {
					for (; i <= NF; i++) {
						if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
						if ($i ~ /\]$/) { i++; break }
					}
				}
				if ($(i + 1) != suite) next
				for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i, key; exit }
			}' "$f"
	done
}

# deb_src_newest PACKAGE: prints the newest version of source package PACKAGE in
# apt's lists (nothing if apt knows none). Local, no network.
deb_src_newest() {
	local v best=""
	for v in $(apt-cache showsrc --only-source "$1" 2>/dev/null | awk '/^Version:/ { print $2 }'); do
		if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	[[ -z $best ]] || echo "$best"
}

# deb_src_version PACKAGE LOGFILE: prints the version of source package PACKAGE
# to give deb_src_unpack (the newest apt knows, with its epoch if it has one,
# as in 1:1.35.0-4: file names leave it out, ${ver#*:}), first adding a deb-src
# entry (/etc/apt/sources.list.d/wvm-deb-src.sources) and running apt-get
# update when apt knows no source for it.
deb_src_version() {
	local pkg=$1 logf=$2 ver
	ver=$(deb_src_newest "$pkg")
	if [[ -n $ver ]]; then
		echo "$ver"
		return 0
	fi
	local src=/etc/apt/sources.list.d/wvm-deb-src.sources codename uri key tmp
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	if [[ ! -f $src ]]; then
		read -r uri key < <(debian_deb_entry "$codename" | head -n 1) || true
		uri=${uri:-http://deb.debian.org/debian}
		deb_src_log "apt: adding deb-src entry $src ($uri $codename)"
		tmp=$(mktemp)
		{
			echo "# Added by wvm scripts/deb-src.sh for 'apt-get source'."
			echo "Types: deb-src"
			echo "URIs: $uri"
			echo "Suites: $codename $codename-updates"
			echo "Components: main"
			if [[ -n ${key:-} ]]; then echo "Signed-By: $key"; fi
		} >"$tmp"
		as_root install -m 0644 "$tmp" "$src" || { rm -f "$tmp"; return 1; }
		rm -f "$tmp"
	fi
	deb_src_log "apt: apt-get update (for deb-src)"
	deb_src_run "$logf" as_root apt-get update || return 1
	ver=$(deb_src_newest "$pkg")
	if [[ -z $ver ]]; then
		deb_src_log "apt knows no source package '$pkg', even with the deb-src entry $src"
		return 1
	fi
	echo "$ver"
}

# deb_src_unpack PACKAGE VERSION DEST LOGFILE [OPTION...]: unless DEST/.extracted
# exists, download source package PACKAGE=VERSION (apt checks the files against
# the archive's signed index), unpack it into DEST with `dpkg-source -x
# [OPTION...]` (e.g. --skip-patches) and create DEST/.extracted. Needs the
# network. Concurrent callers for the same DEST must hold a lock (flock).
deb_src_unpack() {
	local pkg=$1 ver=$2 dest=$3 logf=$4
	shift 4
	[[ ! -f $dest/.extracted ]] || return 0
	deb_src_log "$pkg: apt-get source $pkg=$ver"
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$dest.tmp"
	# The .dsc's name has no epoch. --no-check: apt has checked it, as `apt-get source` does.
	(cd "$dest.tmp" && deb_src_run "$logf" apt-get source --download-only "$pkg=$ver" &&
		deb_src_run "$logf" dpkg-source --no-check -x "$@" "${pkg}_${ver#*:}.dsc" tree) || return 1
	mv "$dest.tmp/tree" "$dest"
	rm -rf "$dest.tmp"
	touch "$dest/.extracted"
}
