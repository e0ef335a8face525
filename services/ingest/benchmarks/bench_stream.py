"""Peak memory and speed of ingest's streamed CSV and JSON extraction, next to the csv module and json.load.

    make bench-ingest                                  # runs this after the package benchmark
    BENCH_STREAM_MB=10 python services/ingest/benchmarks/bench_stream.py   # a quick run

Builds a price schedule (CSV) and an OCDS release package (JSON) of about 50 MB once into `.run/bench/`, then
measures each reader in a fresh process (measure.py), so every peak RSS (VmHWM) is that reader's own. The bare
baselines keep nothing (csv) or only the parsed document (json.load); ingest keeps the units it hands on, so its
peak is mostly them: production limits keep the first max_units_per_document, the "-all" rows keep every one.
Numbers are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tenderflow_ingest.testing.documents import ocds_release_package, price_schedule_csv

MEASURE = Path(__file__).with_name("measure.py")
# The OCDS generator indents its output: this share of the target becomes about the target on disk.
_JSON_TARGET_SHARE = 0.69


def main() -> None:
    size_mb = int(os.environ.get("BENCH_STREAM_MB", "50"))
    cache = Path(os.environ.get("BENCH_INGEST_DIR", ".run/bench")).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    schedule = build(cache / f"stream-{size_mb}mb-v1.csv", lambda: price_schedule_csv(size_mb * 1_000_000, 11))
    package = build(cache / f"stream-{size_mb}mb-v1.json",
                    lambda: ocds_release_package(int(size_mb * 1_000_000 * _JSON_TARGET_SHARE), 11))
    print(f"\n{'measurement':<24}{'MB':>6}{'seconds':>9}{'CPU s':>7}{'MB/s':>8}{'peak RSS MB':>13}{'(base)':>8}"
          "  rows or units")
    for name, path in (("bare-csv", schedule), ("tenderflow-csv", schedule), ("tenderflow-csv-all", schedule),
                       ("bare-json", package), ("tenderflow-json", package), ("tenderflow-json-all", package)):
        r = measure(name, path)
        size = r["bytes"] / 1e6
        print(f"{name:<24}{size:>6.0f}{r['seconds']:>9.1f}{r['cpu_seconds']:>7.1f}{size / r['seconds']:>8.1f}"
              f"{r['peak_rss_mb']:>13.0f}"
              f"{r['baseline_rss_mb']:>8.0f}  {r['rows']:,}")


def build(path: Path, make) -> Path:  # noqa: ANN001 - a function returning the file's bytes
    if not path.exists():
        print(f"building {path} (once) ...", flush=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(make())
        partial.rename(path)
    return path


def measure(name: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, str(MEASURE), name, str(path)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
