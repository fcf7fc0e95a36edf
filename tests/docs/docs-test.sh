#!/usr/bin/env bash
# The user docs against the code:
#  - docs/elements.md has a section per element of the plugin, and its
#    property table lists exactly the element's own properties (inherited
#    ones it may add, if they exist), with the mutability the element
#    declares ("NULL, READY" / "any state" / read-only);
#  - every relative link in README.md and docs/*.md resolves;
#  - nothing in them, nor any other file of the repository, points at the
#    design notes the project was started from (they are not shipped);
#  - the operator count in README.md is the runtime's registry's;
#  - the metadata keys of docs/model-format.md are the ones
#    `mmfusion-model annotate` and python/mmfusion_export.py accept.
# Every failure names the file, the section and the property or link.
# usage: docs-test.sh SOURCE_ROOT LIST_PROPERTIES MMFUSION_MODEL
set -u
src=$1 lister=$2 tool=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
elements_md=$src/docs/elements.md

# --- property tables ------------------------------------------------------
"$lister" --plugin mmfusion >"$tmp/elements" || fail "cannot list the plugin's elements"
# (element, property, column 2, changeable column) of every table row under
# each "## element" heading; a row may name several properties "a, b"
awk -F'|' '
  /^## / { section = $0; sub(/^## /, "", section); sub(/[ \t]+$/, "", section); next }
  /^\| *property *\|/ { intable = 1; next }
  /^\|[-| :]*$/ { next }
  /^\|/ && intable {
    n = split($2, names, ",")
    for (i = 1; i <= n; i++) {
      p = names[i]; gsub(/^[ \t`]+|[ \t`]+$/, "", p)
      c2 = $3; gsub(/^[ \t]+|[ \t]+$/, "", c2)
      ch = $(NF - 1); gsub(/^[ \t]+|[ \t]+$/, "", ch)
      printf "%s\t%s\t%s\t%s\n", section, p, c2, ch
    }
    next
  }
  { intable = 0 }
' "$elements_md" >"$tmp/documented"

while read -r element; do
  grep -q "^## $element\$" "$elements_md" \
    || { fail "docs/elements.md: no section '## $element' for element $element"; continue; }
  "$lister" "$element" >"$tmp/props" || { fail "cannot list $element's properties"; continue; }
  # every own property is in the table, with its mutability
  while IFS=$'\t' read -r _ prop owner mut; do
    [ "$owner" = own ] || continue
    row=$(awk -F'\t' -v e="$element" -v p="$prop" '$1 == e && $2 == p' "$tmp/documented")
    if [ -z "$row" ]; then
      fail "docs/elements.md: property '$prop' of $element is missing from the table under '## $element'"
      continue
    fi
    col2=$(cut -f3 <<<"$row") changeable=$(cut -f4 <<<"$row")
    case $mut in
      read-only) [[ "$col2" == *read-only* ]] \
        || fail "docs/elements.md: $element's '$prop' is read-only, but its row does not say 'read-only'" ;;
      ready) [[ "$changeable" == "NULL, READY"* ]] \
        || fail "docs/elements.md: $element's '$prop' is changeable in NULL and READY only, but the table says '$changeable'" ;;
      playing) [ "$changeable" = "any state" ] \
        || fail "docs/elements.md: $element's '$prop' is changeable in any state, but the table says '$changeable'" ;;
      *) fail "$element's '$prop' declares no GST_PARAM_MUTABLE_* flag ($mut): say when it may change" ;;
    esac
  done <"$tmp/props"
  # every property in the table exists
  awk -F'\t' -v e="$element" '$1 == e {print $2}' "$tmp/documented" | while read -r prop; do
    cut -f2 "$tmp/props" | grep -qx -- "$prop" \
      || echo "docs/elements.md: the table under '## $element' lists '$prop', which $element does not have"
  done >"$tmp/extra"
  while read -r line; do fail "$line"; done <"$tmp/extra"
done <"$tmp/elements"

# --- links and references -------------------------------------------------
for md in "$src/README.md" "$src"/docs/*.md; do
  rel=${md#"$src"/}
  dir=$(dirname "$md")
  grep -o '\]([^)]*)' "$md" | sed 's/^](\(.*\))$/\1/' | while read -r target; do
    case $target in
      http://*|https://*|mailto:*|\#*) continue ;;
    esac
    path=${target%%#*}
    path=${path%% *}          # ](file "title")
    [ -e "$dir/$path" ] || echo "$rel: link '$target' does not resolve"
  done
done >"$tmp/links"
while read -r line; do fail "$line"; done <"$tmp/links"
# the user docs, and every other file of the repository (comments
# included): the design notes the project started from are not shipped
grep -n "shared/\|DESIGN\.md" "$src/README.md" "$src"/docs/*.md >"$tmp/outside" \
  && while read -r line; do fail "points outside the repository: ${line#"$src"/}"; done <"$tmp/outside"
grep -rnI --exclude-dir='.git' --exclude-dir='build*' --exclude-dir=node_modules \
  --exclude-dir=docs --exclude=README.md --exclude=docs-test.sh \
  -e "shared/DESIGN" -e "DESIGN\.md" -e "/work/shared" "$src" >"$tmp/outside" \
  && while read -r line; do
    fail "${line#"$src"/} names a design file users do not have: point at docs/ instead"
  done <"$tmp/outside"

# --- operator count ---------------------------------------------------------
# every row of the operator table: {"OpType", nn_prepare_...} (a row may
# wrap after the name)
registry=$(tr '\n' ' ' <"$src/nn/ops.c" | grep -o '{"[A-Za-z0-9]*", *nn_prepare_' | wc -l)
if [ "$registry" -eq 0 ]; then
  fail "cannot count the operators in nn/ops.c's table (no {\"Op\", nn_prepare_...} rows: update tests/docs/docs-test.sh)"
else
  stated=$(grep -o '[0-9]* operators' "$src/README.md" | head -n 1 | cut -d' ' -f1)
  [ "$stated" = "$registry" ] \
    || fail "README.md says '${stated:-no number of} operators'; nn/ops.c registers $registry"
  rows=$(awk -F'|' '/^\| operator \| passing tests/ {on = 1; next} on && /^\|[-:| ]*$/ {next}
    on && /^\|/ {if ($2 ~ /[A-Za-z]/) n++; if ($5 ~ /[A-Za-z]/) n++; next} on {exit} END {print n + 0}' \
    "$src/docs/onnx-conformance.md")
  [ "$rows" = "$registry" ] \
    || fail "docs/onnx-conformance.md's table has $rows operators; nn/ops.c registers $registry"
fi

# --- metadata keys -----------------------------------------------------------
format=$src/docs/model-format.md
help=$("$tool" annotate --help)
for kind in video audio; do
  # the keys the tool knows for this modality, and the python helper's set
  tool_keys=$(sed -n "s/^Keys of $kind inputs: \(.*\)\.$/\1/p" <<<"$help" | tr -d ' ' | tr ',' '\n' | sort)
  py_keys=$(awk -v k="${kind^^}_KEYS = {" 'index($0, k) == 1 {on = 1} on {print} on && /}/ {exit}' \
    "$src/python/mmfusion_export.py" | grep -o '"[^"]*"' | tr -d '"' | sort)
  [ -n "$tool_keys" ] || fail "annotate --help lists no $kind keys"
  [ "$tool_keys" = "$py_keys" ] \
    || fail "python/mmfusion_export.py's ${kind^^}_KEYS differ from annotate's: $(comm -3 <(echo "$tool_keys") <(echo "$py_keys") | tr '\n\t' '  ')"
  # every key is in the table of docs/model-format.md, with "video"/"audio"
  # or "every input" in its last column
  while read -r key; do
    grep -q "^| \`mmfusion.input.NAME.$key\` |.*\(${kind}\|every input\)[^|]*|\$" "$format" \
      || fail "docs/model-format.md: no row for mmfusion.input.NAME.$key applying to $kind inputs"
  done <<<"$tool_keys"
done
# and every input key in the table is one annotate knows
grep -o '^| `mmfusion.input.NAME.[a-z-]*`' "$format" | sed 's/.*NAME\.\(.*\)`/\1/' | while read -r key; do
  grep -q "inputs: .*\b$key\b" <<<"$help" || echo "docs/model-format.md lists mmfusion.input.NAME.$key, which annotate does not know"
done >"$tmp/keys"
while read -r line; do fail "$line"; done <"$tmp/keys"
out_keys=$(sed -n 's/^Keys of outputs: \(.*\)\.$/\1/p' <<<"$help" | tr -d ' ' | tr ',' '\n')
while read -r key; do
  grep -q "^| \`mmfusion.output.NAME.$key\` |" "$format" \
    || fail "docs/model-format.md: no row for mmfusion.output.NAME.$key"
done <<<"$out_keys"

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "docs match the code: $(wc -l <"$tmp/elements") elements, $(wc -l <"$tmp/documented") documented properties, $registry operators"
