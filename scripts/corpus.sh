#!/usr/bin/env bash
# The ecosystem check: every real document with truth (../shared/seeds and
# ../shared/corpus-dev/docs), scored per document and in total against its truth, and the totals
# compared with the last committed ones (corpus-scores.txt). UPDATE=1 rewrites that file.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
cargo build --release -q
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now="$out/scores.txt"
for set in "seeds:$shared/seeds:$shared/seeds-truth.csv" "corpus-dev:$shared/corpus-dev/docs:$shared/corpus-dev/truth.csv"; do
  IFS=: read -r name docs truth <<<"$set"
  ./target/release/portolan extract "$docs" --out "$out/$name" -q || true
  echo "## $name"
  python3 "$shared/tools/score.py" "$truth" "$out/$name/ports.csv" --by-doc | cut -c1-220
  echo "$name $(python3 "$shared/tools/score.py" "$truth" "$out/$name/ports.csv" | tail -1)" >>"$now"
done
echo
echo "## totals (now, then the last committed)"
cat "$now"
if [ -f corpus-scores.txt ]; then
  sed 's/^/was: /' corpus-scores.txt
fi
if [ "${UPDATE:-0}" = 1 ]; then
  cp "$now" corpus-scores.txt
  echo "corpus-scores.txt updated"
fi
