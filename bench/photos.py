"""Benchmark of the photo pipeline on a 12-megapixel phone photo: time, memory and stored size.

Run `.venv/bin/python bench/photos.py [--runs 7]`. Each run is a fresh process pinned to one core,
so that its peak memory is its own; the aims are 0.3 s, 200 MB and 600 KB stored.
"""

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
AIM_SECONDS = 0.3
AIM_PEAK_MB = 200
AIM_STORED_KB = 600
WIDTH, HEIGHT = 4032, 3024  # a 12-megapixel phone sensor, stored landscape


def phone_photo(seed: int = 7) -> bytes:
    """A JPEG like a phone's: 4032 × 3024 at quality 92, with soft colour gradients, shapes and
    lines, mid-scale texture and sensor grain, EXIF orientation 6, capture time and GPS."""
    rnd = random.Random(seed)
    sky = Image.new("RGB", (8, 6))
    sky.putdata([tuple(rnd.randrange(40, 220) for _ in range(3)) for _ in range(48)])
    image = sky.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(250):
        x, y, size = rnd.randrange(WIDTH), rnd.randrange(HEIGHT), rnd.randrange(20, 600)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        kind = rnd.random()
        if kind < 0.35:
            draw.ellipse((x, y, x + size, y + size * rnd.uniform(0.3, 1.5)), fill=colour)
        elif kind < 0.7:
            draw.rectangle((x, y, x + size, y + size * rnd.uniform(0.2, 1)), fill=colour,
                           outline=(0, 0, 0), width=rnd.randrange(1, 6))
        else:
            draw.line((x, y, x + rnd.randrange(-800, 800), y + rnd.randrange(-800, 800)),
                      fill=colour, width=rnd.randrange(1, 12))
    image = image.filter(ImageFilter.GaussianBlur(1.2))  # a lens is never pixel-sharp
    texture = Image.effect_noise((WIDTH // 3, HEIGHT // 3), 40).resize(
        (WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    image = Image.blend(image, Image.merge("RGB", (texture,) * 3), 0.25)
    grain = [Image.effect_noise((WIDTH, HEIGHT), 16) for _ in range(2)]
    image = Image.blend(image, Image.merge("RGB", (grain[0], grain[1], grain[0])), 0.3)

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12"  # Make, Model
    exif[0x0112] = 6  # held upright: stored sideways, to be turned a quarter clockwise
    exif.get_ifd(0x8769)[0x9003] = "2026:11:24 14:32:05"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (31.0, 13.0, 40.5), "E", (121.0, 28.0, 12.25)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure(path: str) -> None:
    """In a fresh process: process the photo once and print what it took, as JSON."""
    cpu = None
    if hasattr(os, "sched_setaffinity"):
        cpu = 0 if 0 in os.sched_getaffinity(0) else min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    sys.path.insert(0, str(ROOT))
    from app.common.fonts import find_cjk_font
    from app.photos.pipeline import Watermark, process

    font = find_cjk_font()
    after_imports = max_rss_mb()
    watermark = Watermark("O2-1F-01", "2026-11-24 14:32", "李强")
    # A worker has loaded Pillow's plugins and the font before: warm up on a small photo.
    small = io.BytesIO()
    Image.new("RGB", (320, 240), "grey").save(small, format="JPEG")
    process(small.getvalue(), watermark)
    data = Path(path).read_bytes()
    started = time.perf_counter()
    photo = process(data, watermark)
    seconds = time.perf_counter() - started
    with Image.open(io.BytesIO(photo.thumbnail)) as thumbnail:
        thumb_size = thumbnail.size
    print(json.dumps({
        "seconds": seconds, "peak_mb": max_rss_mb(), "after_imports_mb": after_imports,
        "cpu": cpu, "font": font, "image_bytes": len(photo.image),
        "thumb_bytes": len(photo.thumbnail), "size": [photo.width, photo.height],
        "thumb_size": thumb_size, "taken_at": str(photo.taken_at)}))


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes to time (7)")
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        Path(args.make).write_bytes(phone_photo())
        return
    if args.measure:
        measure(args.measure)
        return

    # Linux keeps a process's peak RSS across exec, so every child is started from this small
    # process: the photo is made in a child too, or the measurements would start at its peak.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phone.jpg"
        subprocess.run([sys.executable, __file__, "--make", str(path)], check=True)
        data = path.read_bytes()
        runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--measure", str(path)],
            check=True, capture_output=True, text=True).stdout)
            for _ in range(args.runs)]

    seconds = [run["seconds"] for run in runs]
    median = statistics.median(seconds)
    peak = max(run["peak_mb"] for run in runs)
    growth = max(run["peak_mb"] - run["after_imports_mb"] for run in runs)
    after_imports = runs[0]["after_imports_mb"]
    last = runs[-1]
    stored_kb = last["image_bytes"] / 1024
    pinned = f"pinned to CPU {last['cpu']}" if last["cpu"] is not None else "not pinned"
    width, height = last["size"]
    print(f"Input: {WIDTH}x{HEIGHT} phone-style JPEG, {len(data) / 1e6:.2f} MB "
          "(quality 92, EXIF orientation 6, DateTimeOriginal, GPS)")
    print(f"Runs: {len(runs)}, each a fresh process {pinned}, timed after a warm-up call; "
          f"font {last['font'] or 'Pillow default (no CJK font found)'}")
    print(f"Time: median {median:.3f} s, min {min(seconds):.3f} s, max {max(seconds):.3f} s"
          f" -- aim < {AIM_SECONDS} s: {met(median < AIM_SECONDS)}")
    print(f"Memory: peak RSS {growth:.1f} MB above {after_imports:.1f} MB after imports, "
          f"{peak:.1f} MB absolute -- aim < {AIM_PEAK_MB} MB: {met(peak < AIM_PEAK_MB)}")
    print(f"Stored: image {width}x{height} {stored_kb:.0f} KB, thumbnail "
          f"{last['thumb_size'][0]}x{last['thumb_size'][1]} {last['thumb_bytes'] / 1024:.0f} KB"
          f" -- aim < {AIM_STORED_KB} KB: {met(stored_kb < AIM_STORED_KB)}")
    print(f"Capture time read from EXIF: {last['taken_at']}")


if __name__ == "__main__":
    main()
