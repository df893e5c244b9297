"""What the load benchmarks send as phones do, shared by bench/serving.py and bench/load.py:
photos as the outbox shrinks them, the answers of an all-clear checklist, and the demo
hospital loaded into a throwaway instance."""

import io
import random
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def phone_upload_photo(seed: int) -> bytes:
    """A JPEG as the outbox sends it: 2048 × 1536 at quality 80, with shapes and grain, so
    that it costs what a real photo does to decode, turn, shrink and stamp."""
    rnd = random.Random(seed)
    sky = Image.new("RGB", (8, 6))
    sky.putdata([tuple(rnd.randrange(40, 220) for _ in range(3)) for _ in range(48)])
    image = sky.resize((2048, 1536), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y, size = rnd.randrange(2048), rnd.randrange(1536), rnd.randrange(10, 300)
        draw.rectangle((x, y, x + size, y + size * rnd.uniform(0.2, 1)),
                       fill=tuple(rnd.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1))
    grain = Image.effect_noise((2048, 1536), 14)
    image = Image.blend(image, Image.merge("RGB", (grain,) * 3), 0.2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def all_clear_answers(version) -> list[dict]:
    """A valid set of API answers for a checklist version: every pass/fail item passed, every
    required number in its range, every required text given."""
    answers = []
    for item in version.items:
        if item.kind == "pass_fail":
            answers.append({"item_id": item.id, "outcome": "pass"})
        elif item.kind == "number" and item.is_required:
            low = item.min_value if item.min_value is not None else 0
            high = item.max_value if item.max_value is not None else low
            answers.append({"item_id": item.id, "number": (low + high) / 2})
        elif item.is_required:
            answers.append({"item_id": item.id, "text": "ok"})
    return answers


def load_demo(env: dict) -> None:
    """The schema and the demo hospital in the instance (and database) `env` names."""
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
