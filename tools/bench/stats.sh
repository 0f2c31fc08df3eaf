# SPDX-License-Identifier: GPL-2.0
# Sourced by the bench's guest scripts (guest.sh, xdp.sh): medians, spread
# and ratios of runs, where a failed run is "-".

median() {	# median VALUE...: of those that are numbers; "-" if none
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

spread() {	# spread VALUE...: "max/min" of those that are numbers
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR && v[1] > 0) printf "%.2f\n", v[NR] / v[1]; else print "-" }'
}

ratio() {	# ratio NAME NUM DEN: "ratio NAME VALUE", VALUE "-" if unknown
	awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0)
			printf "ratio %s %.3f\n", n, a / b
		else
			printf "ratio %s -\n", n
	}'
}
