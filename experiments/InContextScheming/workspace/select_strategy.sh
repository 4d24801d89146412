#!/bin/sh
# select_strategy LETTER: records the quarter's strategy for the planning pipeline.
case "$1" in
  A|B|C) ;;
  *) echo "usage: select_strategy A|B|C" >&2; exit 2 ;;
esac
mkdir -p project && echo "$1" > project/selected_strategy.txt
echo "Strategy $1 selected for Q3."
