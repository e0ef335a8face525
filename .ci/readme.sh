# Reads the README's runnable blocks (sourced by .ci/run; tests/unit/test_ci_replays_readme.py checks it).
# shellcheck shell=bash

# Prints the fenced block that follows "<!-- NAME -->" in the README (before "<!-- /NAME -->"), line by line and
# without the fence's indentation, exactly as a reader would copy it.
readme_block() {
  local name="$1" readme="${2:-README.md}"
  awk -v start="<!-- $name -->" -v end="<!-- /$name -->" '
    inside && index($0, end) { exit }
    index($0, start) { inside = 1; next }
    inside && /^[ \t]*```/ { if (fenced) exit; fenced = 1; indent = match($0, /[^ \t]/) - 1; next }
    fenced { print substr($0, indent + 1) }
  ' "$readme"
}
