#!/usr/bin/env bash
# End-to-end tests of axon-cli: drives the release build on small data (digits, a CSV this script
# writes, MNIST subsets) from a scratch directory (so the datasets are found relative to the executable):
# train, eval, summary, predict, inspect, the plots, the argument errors (exit code 2, one line on stderr,
# nothing written) and a resumed run's bit-identity with an uninterrupted one.
# Usage (from anywhere): bash Tests/cli_tests.sh   (AXON_SKIP_BUILD=1 uses the existing build)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ${AXON_SKIP_BUILD:-0} != 1 ]]; then
    (cd "$root" && swift build -c release --product axon-cli) || exit 1
fi
cli=$root/.build/release/axon-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
unset AXON_DATA
failures=0 checks=0

ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*" >&2; }

# run ARGS...: runs axon-cli, leaving $rc, out.txt and err.txt.
run() { "$cli" "$@" >out.txt 2>err.txt; rc=$?; }

# expect CODE ARGS...: the exit code must be CODE.
expect() {
    local code=$1; shift
    run "$@"
    if [[ $rc == "$code" ]]; then ok; else bad "axon-cli $* -> exit $rc, expected $code: $(head -c 300 err.txt)"; fi
}

# usage PATTERN ARGS...: exit code 2, exactly one line on stderr matching PATTERN, nothing on stdout,
# no file written in the working directory.
usage() {
    local pattern=$1; shift
    local before; before=$(ls -A | sort)
    run "$@"
    local lines; lines=$(wc -l <err.txt)
    if [[ $rc != 2 || $lines != 1 || -s out.txt ]] || ! grep -qE -- "$pattern" err.txt; then
        bad "axon-cli $* -> exit $rc, $lines stderr lines: $(head -c 300 err.txt) (expected /$pattern/)"
    elif [[ $(ls -A | sort) != "$before" ]]; then
        bad "axon-cli $* wrote files: $(ls -A)"
    else
        ok
    fi
}

contains() {   # contains FILE PATTERN DESCRIPTION
    if grep -qE -- "$2" "$1"; then ok; else bad "$3: /$2/ not in $1: $(head -c 400 "$1")"; fi
}

# section FILE TAG: the SHA-256 of a section's payload, located by `inspect` (offset and size), and its size.
section() {
    local line offset size
    line=$("$cli" inspect "$1" | awk -v t="$2" '$1 == t { print $5, $6 }')
    offset=${line% *} size=${line#* }
    offset=${offset//,/} size=${size//,/}
    echo "$(tail -c +$((offset + 1)) "$1" | head -c "$size" | sha256sum | cut -d' ' -f1) $size"
}

echo "== help and usage"
expect 0; contains out.txt "usage: axon-cli <command>" "no arguments prints the help"
for c in train eval summary predict inspect convert polyfit version mnist evaluate; do
    expect 0 help "$c"; contains out.txt "usage: axon-cli" "help $c"
    expect 0 "$c" --help; contains out.txt "usage: axon-cli" "$c --help"
done
expect 0 --help
contains out.txt "train" "--help lists train"
expect 0 help train
for o in --data --model --epochs --batch-size --optimizer --lr --momentum --betas --weight-decay --schedule \
         --clip-norm --early-stop --val-split --seed --threads --checkpoint --resume --out --plot --label-column; do
    contains out.txt -- "$o" "help train lists $o"
done
usage "unknown command 'trian'; did you mean train\?" trian
usage "unknown command" help nosuch
expect 0 version; contains out.txt "axon-cli [0-9]" "version"
usage "version takes no arguments" version extra

echo "== argument errors (exit 2, one line, before any work)"
usage "unknown option --epoch for train; did you mean --epochs\?" train --epoch 3
usage "did you mean --batch-size\?" train --batch_size 3
usage "did you mean --seed\?" train --sed 1
usage "unknown option --bogus" train --bogus
usage "unknown option -x" train -x
usage "--epochs needs a value" train --epochs
usage "--epochs needs a value .*got the option --lr" train --epochs --lr 0.1
usage "--epochs must be a whole number in 1...10000, got 'abc'" train --epochs abc
usage "--epochs must be a whole number in 1...10000, got 1e30" train --epochs 1e30
usage "--epochs must be a whole number" train --epochs 0
usage "--epochs must be a whole number" train --epochs -3
usage "--epochs must be a whole number" train --epochs 2.5
usage "--epochs must be a whole number" train --epochs=
usage "--epochs is given twice" train --epochs 3 --epochs 4
usage "--seed must be a whole number in 0...18446744073709551615, got '-1'" train --seed -1
usage "--seed must be a whole number" train --seed 1.5
usage "--seed must be a whole number" train --seed 99999999999999999999
usage "--threads must be a whole number in 1...256, got 'abc'" train --threads abc
usage "--threads must be a whole number" train --threads 0
usage "--threads must be a whole number" train --threads 100000
usage "--lr must be in \(0, 1000\], got -1" train --lr -1
usage "--lr must be in" train --lr 0
usage "--lr must be a number" train --lr nan
usage "--lr must be a number" train --lr inf
usage "--lr must be a number" train --lr 1x
usage "--val-split must be in \[0, 1\), got 1.5" train --val-split 1.5
usage "--val-split must be in" train --val-split 1
usage "--val-split must be in" train --val-split -0.1
usage "--batch-size must be a whole number" train --batch-size 0
usage "--limit must be a whole number" train --limit 0
usage "--clip-norm must be in" train --clip-norm 0
usage "--clip-norm must be in" train --clip-norm -2
usage "--early-stop must be a whole number" train --early-stop -1
usage "--momentum must be in" train --optimizer sgd --momentum 1
usage "--weight-decay must be in" train --weight-decay -1
usage "--model needs a layer spec .*empty string" train --model ""
usage "--model needs a layer spec" train --model "  "
usage "--model: layer spec: unknown layer kind 'conv9d'" train --model "conv9d 3"
usage "--model: layer spec: linear needs" train --model "linear 784"
usage "--model: layer spec" train --model "linear 784 10 {"
usage "--model holds .* values; at most" train --model "linear 100000 100000"
usage "--model has no parameters to train" train --data digits --model relu
usage "--model has BatchNorm, which needs batches of at least 2 samples" train --data digits --batch-size 1
usage "--model gives outputs \[1, 3\] for one sample" train --data digits --model "linear 64 3"
usage "--model does not fit --data digits \(64 features\)" train --data digits --model "linear 10 10"
usage "--optimizer: unknown optimizer 'adamm'; did you mean adam\?" train --optimizer adamm
usage "--optimizer lbfgs" train --optimizer lbfgs
usage "--optimizer adam: Adam: unknown option 'nesterov'" train --optimizer adam:nesterov=1
usage "--optimizer: 'x' is not key=value" train --optimizer adam:x
usage "--momentum applies to sgd and rmsprop, not to --optimizer adam" train --momentum 0.9
usage "--betas applies to adam" train --optimizer sgd --betas 0.9,0.99
usage "--betas needs two numbers" train --betas 0.9
usage "--betas beta2 must be in" train --betas 0.9,1.5
usage "--lr contradicts --optimizer adam:lr" train --optimizer adam:lr=0.1 --lr 0.2
usage "--schedule: unknown schedule 'cosin'; did you mean cosine\?" train --schedule cosin
usage "--schedule step needs step_size" train --schedule step
usage "--schedule multistep needs milestones" train --schedule multistep
usage "--schedule: schedule cosine: unknown option 'perod'" train --schedule cosine:perod=3
usage "--schedule cosine: 'period' must be a finite number" train --schedule cosine:period=abc
usage "--schedule: expected 'then@N' or 'times'" train --schedule "linear and cosine"
usage "--schedule: plateau cannot be composed" train --schedule "plateau times cosine"
usage "--schedule plateau: it watches the validation loss" train --schedule plateau:mode=max
usage "--schedule plateau: threshold_mode is rel or abs" train --schedule plateau:threshold_mode=x
usage "--schedule: ReduceLROnPlateau: factor" train --schedule plateau:factor=2
usage "--schedule plateau steps once per epoch" train --schedule plateau --schedule-step batch
usage "--schedule-step is epoch or batch" train --schedule-step day
usage "--early-stop watches the validation loss" train --early-stop 3 --val-split 0
usage "--stop-after without --checkpoint" train --stop-after 2
usage "--stop-after 5 is beyond --epochs 2" train --epochs 2 --stop-after 5 --checkpoint c.axon
usage "--data nosuch: no such dataset or file" train --data nosuch
usage "--data mnst: no such dataset or file; did you mean mnist\?" train --data mnst
usage "--data needs a dataset name or a path" train --data ""
usage "--label-column applies to CSV files, not to --data MNIST" train --label-column 3
usage "--test-split: --data MNIST has its own test files" train --test-split 0.2
usage "--test-split must be in" train --data digits --test-split 1
usage "--out /nonexistent/dir/m.axon: the directory '/nonexistent/dir' does not exist" \
    train --out /nonexistent/dir/m.axon
usage "--plot /nonexistent/c.svg: the directory" train --plot /nonexistent/c
usage "--checkpoint /nonexistent/c.axon: the directory" train --checkpoint /nonexistent/c.axon
usage "--checkpoint .* is a directory" train --checkpoint "$work"
usage "--checkpoint and --out both write" train --out same.axon --checkpoint same.axon
usage "--plot and --out both write|--out and --plot" train --out x.svg --plot x
usage "--resume missing.axon" train --resume missing.axon
usage "train takes no arguments besides options; got 'foo'" train foo
usage "mnist is train --data mnist" mnist --data digits
usage "eval needs MODEL" eval
usage "summary needs MODEL" summary
usage "inspect needs FILE" inspect
usage "missing.axon: no such readable file" inspect missing.axon
usage "unknown option --stpes for polyfit; did you mean --steps\?" polyfit --stpes 3
usage "--steps must be a whole number" polyfit --steps -1

echo "== train on digits (2 epochs), from a directory outside the repository"
expect 0 train --data digits --epochs 2
contains out.txt "^epoch  train loss  val loss  val acc        lr  grad norm     time$" "the table header"
contains out.txt "^    2 " "the table has epoch 2"
contains out.txt "^test accuracy [0-9.]+% " "test accuracy"
contains out.txt "wrote model.axon, curves.svg, curves.png" "outputs"
for f in model.axon curves.svg curves.png; do [[ -s $f ]] && ok || bad "train wrote no $f"; done
contains err.txt "^epoch 1/2, train loss" "a plain progress line per epoch when stderr is not a terminal"
[[ $(grep -c $'\r' err.txt) == 0 ]] && ok || bad "progress on a pipe has carriage returns"
[[ $(grep -c '^epoch ' err.txt) == 2 ]] && ok || bad "expected 2 progress lines: $(cat err.txt)"
train_accuracy=$(sed -nE 's/^test accuracy ([0-9.]+%).*/\1/p' out.txt)
contains curves.svg "^<svg xmlns" "an SVG"
contains curves.svg ">loss<" "the loss panel"
contains curves.svg ">accuracy \(%\)<" "the accuracy panel"
contains curves.svg ">validation<" "a legend"
signature=$(head -c 8 curves.png | od -An -tx1 | tr -d ' \n')
[[ $signature == 89504e470d0a1a0a ]] && ok || bad "curves.png: no PNG signature"
if command -v python3 >/dev/null; then
    python3 - curves.png curves.svg <<'EOF' && ok || bad "curves.png or curves.svg does not decode"
import struct, sys, zlib, xml.dom.minidom
data = open(sys.argv[1], "rb").read()
pos, chunks = 8, {}
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
    crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
    assert zlib.crc32(kind + body) == crc, kind
    chunks.setdefault(kind, b""); chunks[kind] += body; pos += 12 + n
w, h, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
raw = zlib.decompress(chunks[b"IDAT"])
assert len(raw) == h * (1 + (w * depth + 7) // 8), (len(raw), w, h, depth)
assert color == 3 and len(set(raw)) > 3
xml.dom.minidom.parse(sys.argv[2])
EOF
fi

echo "== one epoch: the curves show points"
expect 0 train --data digits --epochs 1 --out one.axon --plot one
contains one.svg "<circle" "one epoch plotted as points"

echo "== eval, summary, inspect, predict"
expect 0 eval model.axon
contains out.txt "on digits test \(359 samples\)" "eval uses the held-out digits"
contains out.txt "accuracy $train_accuracy" "eval's accuracy is train's test accuracy"
contains out.txt "^confusion matrix" "confusion matrix"
contains out.txt "^class +samples  accuracy" "per-class accuracy"
expect 0 eval model.axon --data digits --split train --limit 100
contains out.txt "\(100 samples\)" "eval --limit"
usage "--split is test, train or all" eval model.axon --split bogus
expect 0 summary model.axon
contains out.txt "model file, 9,866 parameters, saved in eval mode" "summary header"
contains out.txt "linear in=64 out=128 .*\[1, 128\] +8,320" "summary: layer, output shape, parameters"
contains out.txt "sections: ARCH" "summary lists sections"
expect 0 inspect model.axon
contains out.txt "^PARM  yes +1 +1 +[0-9,]+ +[0-9,]+  0x[0-9a-f]{8}  ok +parameters" "inspect: PARM verified"
contains out.txt "all CRCs verified" "inspect verdict"
cp model.axon broken.axon
size=$(wc -c <broken.axon)
printf '\x55' | dd of=broken.axon bs=1 seek=$((size - 40)) conv=notrunc status=none
expect 1 inspect broken.axon
contains out.txt "MISMATCH" "inspect reports a damaged section"
expect 1 eval broken.axon
contains err.txt "CRC mismatch" "a damaged model is refused"
gzip -dc "$root/Tests/Data/sklearn_toy/digits.csv.gz" | head -5 >rows.csv
expect 0 predict model.axon --input rows.csv
contains out.txt "^ +row +label +class" "predict header"
[[ $(grep -cE '^ +[0-9]+ +[0-9] +[0-9] ' out.txt) == 5 ]] && ok || bad "predict: 5 rows expected: $(cat out.txt)"
cut -d, -f1-64 rows.csv >features.csv
expect 0 predict model.axon --input features.csv --limit 2
[[ $(grep -cE '^ +[0-9]+  [0-9] ' out.txt) == 2 ]] && ok || bad "predict features only: $(cat out.txt)"
usage "predict needs --input FILE" predict model.axon
usage "--input nope.csv: no such readable file" predict model.axon --input nope.csv

echo "== a CSV with a header and text labels"
awk 'BEGIN { srand(7); print "width,height,depth,kind";
    for (i = 0; i < 300; i++) { k = i % 3; printf "%.3f,%.3f,%.3f,%s\n", k + rand(), 2 * k - rand(), rand(), \
        (k == 0 ? "apple" : k == 1 ? "pear" : "plum") } }' >fruit.csv
expect 0 train --data fruit.csv --label-column kind --epochs 2 --out fruit.axon --plot none
contains out.txt "data: .*fruit.csv, 216 training, 24 validation, 60 test samples of 3 features, 3 classes" "CSV data"
expect 0 eval fruit.axon
contains out.txt "apple" "eval shows class names"
expect 0 predict fruit.axon --input fruit.csv --limit 3
contains out.txt "(apple|pear|plum)" "predict shows class names"
usage "--label-column colour: CSV: no column 'colour'; the columns are width, height, depth, kind" \
    train --data fruit.csv --label-column colour
usage "--label-column 7: CSV: label column 7 is outside the 4 columns" train --data fruit.csv --label-column 7

echo "== MNIST subsets: a CNN, an IDX pair, a directory, the mnist alias"
cnn="unflatten 1 1x28x28; conv2d 1 4 3 padding=1; relu; maxpool2d 2; flatten; linear 784 10"
expect 0 train --data mnist --limit 600 --epochs 2 --batch-size 50 --model "$cnn" --out cnn.axon --plot none
contains out.txt "540 training, 60 validation, 600 test" "--limit"
expect 0 train --data "$root/Tests/Data/mnist/t10k" --limit 400 --epochs 1 --out pair.axon --plot none
contains out.txt "360 training, 40 validation, 400 test" "an IDX pair with a held-out test split"
expect 0 train --data "$root/Tests/Data/fashion_mnist" --limit 300 --epochs 1 --out dir.axon --plot none
expect 0 mnist --limit 300 --epochs 1 --out alias.axon --plot none
expect 0 predict cnn.axon --input "$root/Tests/Data/mnist/t10k-images-idx3-ubyte.gz" --limit 3
contains out.txt "^ +row +label +class" "predict on IDX rows shows the labels beside them"
usage "--out outdir/model.axon: the directory 'outdir' does not exist" train --data digits --epochs 1 --out outdir/
mkdir outdir
expect 0 train --data digits --epochs 1 --out outdir
[[ -s outdir/model.axon && -s outdir/curves.png ]] && ok \
    || bad "--out DIR writes DIR/model.axon and the curves beside it"
expect 0 train --data digits --epochs 3 --optimizer sgd --lr 0.05 --momentum 0.9 --weight-decay 1e-4 \
    --schedule "linear:start_factor=0.2,total=1 then@1 cosine" --schedule-step batch --clip-norm off \
    --early-stop off --out sgd.axon --plot none --threads 1
contains out.txt "schedule linear:start_factor=0.2,total=1 then@1 cosine:period=" "a composed per-batch schedule"
expect 0 train --data digits --epochs 2 --schedule plateau:patience=0,factor=0.5 --out plateau.axon --plot none

echo "== resume: bit-identical to an uninterrupted run"
common=(--data digits --epochs 4 --plot none)
expect 0 train "${common[@]}" --out straight.axon
expect 0 train "${common[@]}" --stop-after 2 --checkpoint ck.axon --out part.axon
contains out.txt "stopped after epoch 2 of 4" "--stop-after"
expect 0 inspect ck.axon
for tag in OPTM SCHD LOAD STOP; do contains out.txt "^$tag " "the checkpoint holds $tag"; done
usage "--seed 5 differs from the checkpoint's 0" train --resume ck.axon --seed 5 --out resumed.axon
expect 0 train --resume ck.axon --checkpoint ck.axon --out resumed.axon
contains out.txt "resumed from ck.axon after epoch 2 of 4" "resume message"
[[ $(grep -cE '^ +[1-4] ' out.txt) == 4 ]] && ok || bad "the resumed table shows all 4 epochs: $(cat out.txt)"
[[ $(section straight.axon PARM) == *" 39604" ]] && ok || bad "section: PARM of the digits MLP is 39,604 bytes"
for tag in PARM BUFF RNGS; do
    [[ $(section straight.axon $tag) == $(section resumed.axon $tag) ]] && ok \
        || bad "resumed $tag differs from the uninterrupted run"
done
step=(--data digits --schedule step:step_size=1,gamma=0.8 --plot none)
expect 0 train "${step[@]}" --epochs 3 --out straight3.axon
expect 0 train "${step[@]}" --epochs 1 --checkpoint ck3.axon --out part3.axon
expect 0 train --resume ck3.axon --epochs 3 --out resumed3.axon
[[ $(section straight3.axon PARM) == $(section resumed3.axon PARM) ]] && ok \
    || bad "--epochs 1, then --resume --epochs 3 differs from 3 straight epochs"
[[ $(section straight3.axon PARM) != $(section part3.axon PARM) ]] && ok || bad "the part run should differ"

echo "== convert: .axon to safetensors and back, and its argument errors"
expect 0 convert model.axon model.safetensors
contains out.txt "model.safetensors: [0-9]+ tensors from model.axon" "convert to safetensors"
expect 0 convert "$root/bindings/python/tests/fixtures/torch_mlp.safetensors" \
    --model "linear 20 32; batchnorm1d 32; relu; linear 32 5" torch_mlp.axon
expect 0 convert torch_mlp.axon torch_mlp_again.safetensors
expect 0 convert torch_mlp_again.safetensors --model "linear 20 32; batchnorm1d 32; relu; linear 32 5" again.axon
[[ $(section torch_mlp.axon PARM) == $(section again.axon PARM) && $(section torch_mlp.axon BUFF) == \
   $(section again.axon BUFF) ]] && ok || bad "convert: safetensors -> .axon -> safetensors -> .axon changed values"
usage "needs --model SPEC" convert torch_mlp_again.safetensors out.axon
usage "OUT must be an .axon file" convert torch_mlp_again.safetensors --model "linear 3 4" out.txt
usage "give MODEL.axon OUT.safetensors" convert model.axon out.txt
usage "--model: " convert torch_mlp_again.safetensors --model "linear 3" out.axon
expect 1 convert torch_mlp_again.safetensors --model "linear 20 8; relu; linear 8 5" wrong.axon
contains err.txt "shape|missing|unexpected" "convert: a spec that does not fit the weights"
[[ ! -e wrong.axon ]] && ok || bad "convert: a failed conversion wrote its output"

echo "== polyfit"
expect 0 polyfit --steps 200
contains out.txt "^Result: y = " "polyfit"

echo "cli tests: $checks checks, $failures failed"
((failures == 0))
