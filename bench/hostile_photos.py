"""Benchmark of the photo pipeline on hostile uploads: time and memory of each, against the budget.

Run `.venv/bin/python bench/hostile_photos.py [--only NAME ...]`. Every file of tests/hostile.py,
the attacks of issue 12 at full size and the largest photos each format may still be, go through
`process()` one by one, each in a fresh process pinned to one core: the figures are CPU and wall
time of the call and the peak memory (RSS) above the worker's idle size, with the upload's bytes
in memory. Last, the worst of them against the budget: 200 MB, 1 s of CPU, 2 s of wall time; and
one request of 25 heavy photos sharing its decoding budget.
"""

import argparse
import functools
import io
import json
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MB = 200
BUDGET_CPU = 1.0
BUDGET_WALL = 2.0
REQUEST_PHOTOS = 25
# Requests of REQUEST_PHOTOS copies of each of these, sharing the request's decoding budget.
REQUESTS = ("largest_jpeg_full_decode_3890x2917", "largest_jpeg_50mp_phone",
            "largest_jpeg_50mp_flat", "largest_png_rgba_3000x2000")


def _encode(image, format="JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


@functools.cache
def _phone_photo(width: int, height: int) -> bytes:
    """A phone-like JPEG (bench/photos.py: quality 92, EXIF orientation, time and GPS)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import photos

    photos.WIDTH, photos.HEIGHT = width, height
    return photos.phone_photo()


def _scene(width: int, height: int, mode="RGB"):
    """The phone-like picture, decoded, to save in another form."""
    from PIL import Image

    image = Image.open(io.BytesIO(_phone_photo(width, height)))
    image.load()
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize(image.size))
    return image


def _flat(width: int, height: int):
    """One colour: the cheapest JPEG of its size to send, and not the cheapest to decode."""
    from PIL import Image

    return Image.new("RGB", (width, height), (90, 140, 200))


def _full_size_attacks() -> dict:
    """Issue 12's attacks and the floods found since, at the size an attacker would send."""
    import zlib

    from PIL import Image

    from tests import hostile

    def png_chunks(count):
        return hostile.png_with(hostile.png_chunk(b"prVt", b"") * count)

    def jpeg_app_segments(count):
        return hostile.jpeg_after_header(hostile.encode(hostile.marked()),
                                         b"\xff\xe5\x00\x02" * count)

    def png_idat_bytes():
        raw = b"".join(b"\0" + random.Random(n).randbytes(3000) for n in range(1000))
        stream = zlib.compress(raw, 1)
        header = struct.pack(">IIBBBBB", 1000, 1000, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + hostile.png_chunk(b"IHDR", header)
                + b"".join(hostile.png_chunk(b"IDAT", stream[i:i + 2])
                           for i in range(0, len(stream), 2))
                + hostile.png_chunk(b"IEND", b""))

    return {
        "attack_png_7000x7000_rgb": lambda: _encode(Image.new("RGB", (7000, 7000)), "PNG"),
        "attack_png_ztxt_100mb": lambda: hostile.png_with(
            hostile.png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(100_000_000), 9))),
        "attack_png_1500000_chunks": lambda: png_chunks(1_500_000),
        "attack_png_1500000_idat_chunks": png_idat_bytes,
        "attack_jpeg_5000000_app_segments": lambda: jpeg_app_segments(5_000_000),
        "attack_jpeg_2000000_empty_scans": lambda: hostile.progressive_with_empty_scans(
            2_000_000, 4000, 3000),
        "attack_gif_4000000_comments": lambda: hostile.gif_comment_flood(4_000_000),
        "attack_eps_10000000_lines": lambda: hostile.eps_line_flood(10_000_000),
    }


def _largest_accepted() -> dict:
    """The costliest photos each format may still be: what a legitimate upload can cost."""
    return {
        "largest_jpeg_50mp_phone": lambda: _phone_photo(8160, 6120),
        "largest_jpeg_50mp_25mb": lambda: _encode(_scene(8160, 6120), quality=98),
        "largest_jpeg_50mp_flat": lambda: _encode(_flat(8160, 6120), quality=90),
        "largest_jpeg_full_decode_3890x2917": lambda: _encode(_scene(3890, 2917), quality=95),
        "largest_progressive_jpeg_16mp": lambda: _encode(_scene(4608, 3456), quality=92,
                                                         progressive=True),
        "largest_progressive_jpeg_444_12mp": lambda: _encode(_scene(4032, 3024), quality=92,
                                                             progressive=True, subsampling=0),
        "largest_png_rgba_3000x2000": lambda: _encode(_scene(3000, 2000, "RGBA"), "PNG"),
        "largest_webp_lossy_3000x2000": lambda: _encode(_scene(3000, 2000), "WEBP",
                                                        quality=90),
        "largest_webp_lossless_rgba_3072x1728": lambda: _encode(_scene(3072, 1728, "RGBA"),
                                                                "WEBP", lossless=True),
    }


def make(folder: str, only: list[str]) -> None:
    """Write every file to `folder` (in a child process: making them takes memory)."""
    from tests.hostile import SPECIMENS

    makers = {s.name: s.make for s in SPECIMENS}
    makers |= _full_size_attacks() | _largest_accepted()
    for name, maker in makers.items():
        if not only or name in only:
            (Path(folder) / name).write_bytes(maker())


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _worker():
    """Pinned to one core, imports, font and a first small photo done: an idle worker."""
    if hasattr(os, "sched_setaffinity"):
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {0 if 0 in cpus else min(cpus)})
    from PIL import Image

    from app.common.fonts import find_cjk_font
    from app.photos.pipeline import PhotoRejected, Watermark, process

    find_cjk_font()
    watermark = Watermark("O2-1F-01", "2026-11-24 14:32", "李强")
    process(_encode(Image.new("RGB", (320, 240), "grey")), watermark)
    return process, watermark, PhotoRejected


def measure(path: str) -> None:
    """In a fresh process: one upload through the pipeline; what it cost, as JSON."""
    process, watermark, PhotoRejected = _worker()
    idle = max_rss_mb()
    data = Path(path).read_bytes()  # the upload's bytes are part of what it costs
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        process(data, watermark)
        outcome = "stored"
    except PhotoRejected as refused:
        outcome = refused.reason
    print(json.dumps({"outcome": outcome, "cpu": time.process_time() - cpu,
                      "wall": time.perf_counter() - wall, "peak_mb": max_rss_mb() - idle,
                      "bytes": len(data)}))


def measure_request(path: str) -> None:
    """In a fresh process: REQUEST_PHOTOS uploads of one file sharing a request's budget."""
    process, watermark, PhotoRejected = _worker()
    from app.photos.budget import RequestBudget

    idle = max_rss_mb()
    data = Path(path).read_bytes()
    budget, outcomes = RequestBudget(), []
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(REQUEST_PHOTOS):
        try:
            process(data, watermark, budget=budget)
        except PhotoRejected as refused:
            outcomes.append(refused.reason)
        else:
            outcomes.append("stored")
    print(json.dumps({"outcomes": outcomes, "cpu": time.process_time() - cpu,
                      "wall": time.perf_counter() - wall, "peak_mb": max_rss_mb() - idle}))


def _child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout)


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="names of the files to run")
    parser.add_argument("--make", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--request", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make(args.make, args.only)
        return
    if args.measure:
        measure(args.measure)
        return
    if args.request:
        measure_request(args.request)
        return

    # Linux keeps a process's peak RSS across fork and exec, so this process stays small: the
    # files are made in a child, and each is measured in a child of its own.
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--make", folder, "--only", *args.only],
                       check=True)
        print(f"Made the files in {time.perf_counter() - started:.0f} s.\n")
        print(f"{'file':<44} {'size':>9}  {'outcome':<20} {'CPU s':>6} {'wall s':>6} "
              f"{'MB':>6}")
        runs = {}
        for path in sorted(Path(folder).iterdir(), key=lambda p: p.name):
            run = runs[path.name] = _child("--measure", str(path))
            print(f"{path.name:<44} {run['bytes'] / 1024:>7.0f} K  {run['outcome']:<20} "
                  f"{run['cpu']:>6.3f} {run['wall']:>6.3f} {run['peak_mb']:>6.1f}")
        requests = {name: _child("--request", str(Path(folder) / name))
                    for name in REQUESTS if (Path(folder) / name).exists()}

    print("\nWorst single upload (peak memory above an idle worker, with the upload in memory):")
    for key, unit, limit in (("peak_mb", "MB", BUDGET_MB), ("cpu", "s CPU", BUDGET_CPU),
                             ("wall", "s wall", BUDGET_WALL)):
        name = max(runs, key=lambda n: runs[n][key])
        value = runs[name][key]
        print(f"  {value:7.3f} {unit:<6} {name} ({runs[name]['outcome']}) -- budget {limit} "
              f"{unit}: {met(value <= limit)}")
    refused = [r for r in runs.values() if r["outcome"] != "stored"]
    if refused:
        print(f"Worst refusal: {max(r['cpu'] for r in refused):.3f} s CPU, "
              f"{max(r['peak_mb'] for r in refused):.1f} MB ({len(refused)} refused, "
              f"{len(runs) - len(refused)} stored)\n")
    for name, request in requests.items():
        stored = request["outcomes"].count("stored")
        print(f"One request of {REQUEST_PHOTOS} x {name}: {stored} decoded, "
              f"{REQUEST_PHOTOS - stored} refused; {request['cpu']:.2f} s CPU, "
              f"{request['wall']:.2f} s wall, {request['peak_mb']:.1f} MB")


if __name__ == "__main__":
    main()
