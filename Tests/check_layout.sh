#!/usr/bin/env bash
# Fails when a source file under Sources/, bindings/ or Tests/ has a line longer than 120 characters
# or more than 600 lines. Checks tracked files and new untracked ones (build output is ignored via
# .gitignore). Exempt: fixtures and data, i.e. anything under a Fixtures/ or corpus/ (fuzzing seeds)
# directory or a Data/ directory outside Sources/ (Sources/Axon/Data is code), and .json .gz .csv
# .txt .out .axon .safetensors files.
# Markdown is checked too, except table rows (lines starting with `|`).
# Usage (from anywhere): bash Tests/check_layout.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

max_width=120
max_lines=600

files=()
while IFS= read -r -d '' f; do
    [[ -f $f ]] || continue  # tracked but deleted in the working tree
    case $f in
        */Fixtures/* | */corpus/*) continue ;;
        Sources/*) ;;
        */Data/*) continue ;;
    esac
    case $f in
        *.json | *.gz | *.csv | *.txt | *.out | *.axon | *.safetensors) continue ;;
    esac
    files+=("$f")
done < <({ git ls-files -z -- Sources bindings Tests
           git ls-files -z --others --exclude-standard -- Sources bindings Tests; } | sort -zu)

if ((${#files[@]} == 0)); then
    echo "layout: no files found" >&2
    exit 1
fi

# Perl rather than awk: it counts characters, not bytes, in UTF-8 text.
perl -CSD -ne '
    BEGIN { ($width, $lines) = (shift, shift); $| = 1 }
    chomp;
    s/\r$//;
    if (length($_) > $width && !($ARGV =~ /\.md$/ && /^\|/)) {
        print "$ARGV:$.: ", length($_), " characters\n";
        $bad = 1;
    }
    if (eof) {
        if ($. > $lines) { print "$ARGV: $. lines\n"; $bad = 1 }
        close ARGV;  # restarts the line number $. for the next file
    }
    END {
        if ($bad) { print STDERR "layout: lines must be <= $width characters, files <= $lines lines\n"; exit 1 }
    }
' "$max_width" "$max_lines" "${files[@]}"

echo "layout: ${#files[@]} files, lines <= $max_width, files <= $max_lines"
