"""The pictures and videos of a post, for the `media` rule type.

Split from the rule type so that each part can be read and tested alone, and so that a run
whose posts have no media never imports Pillow, PyAV or a model:

- `data`: `kind: media` and `kind: media-limits` files, validated, as dataclasses;
- `probe`: what one file is (format, bytes, pixels, length, metadata), read within bounds;
- `limits`: pure checks of probes against one platform's limits;
- `explicit`: the optional nudity classifier (extra `postlint[media]`).
"""
