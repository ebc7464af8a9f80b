"""IIIF for scanned records: a Presentation 3 manifest per record, Image API 3 level 0
(whole images only, as stored), and a facsimile view with the page beside its text.

Mount with ``app.include_router(iiif_router(lambda: store))``:

- ``/iiif/{record_id}/manifest.json``: one Canvas per page, its image painted on it, and
  the page's lines as supplementing text annotations (Mirador, Universal Viewer);
- ``/iiif/{record_id}/{page}/info.json``: the level 0 image service description;
- ``/iiif/{record_id}/{page}/full/max/0/default.jpg`` (``.png`` for pages kept as PNG);
- ``/iiif/{record_id}/facsimile``: the page image beside the text, words and lines
  highlighted on the image as the pointer passes over them, zoom buttons.

Every canvas has a size, as the Presentation 3 schema requires (width and height above
0): the page's own, else (ALTO's Page WIDTH/HEIGHT are optional) its image's, else the
extent of its boxes; a page with none of these has no canvas.

Anonymous readers only: every lookup passes ``include_restricted=False``, so a restricted
record, its pages and its images answer 404, never 403 (which would confirm it exists).
Links are made from the app's root (``request.base_url``), so the router works at any host.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from opis.export.record_json import record_title
from opis.model import Page, Record, content_hash

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
_EXT = {"image/jpeg": "jpg", "image/png": "png"}
_TEMPLATES = Path(__file__).resolve().parent / "templates"
IIIF_JSON = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


def image_url(base: str, record_id: str, page: Page) -> str:
    return f"{base}/iiif/{record_id}/{page.seq}/full/max/0/default.{_EXT.get(page.media_type, 'jpg')}"


def has_size(page: Page) -> bool:
    return bool(page.width and page.height and page.width > 0 and page.height > 0)


def sized(page: Page, image_size: tuple[int, int] | None = None) -> Page:
    """The page with a size above 0: its own, else its image's (`image_size`), else the
    right and bottom edges of its boxes; unchanged when none of these is known."""
    if has_size(page):
        return page
    if image_size and image_size[0] > 0 and image_size[1] > 0:
        return replace(page, width=image_size[0], height=image_size[1])
    if page.zones:
        return replace(page, width=max(z.x + z.w for z in page.zones),
                       height=max(z.y + z.h for z in page.zones))
    return page


def manifest(record: Record, pages: list[Page], base: str) -> dict[str, Any]:
    """The Presentation 3 manifest of a record with pages (`base`: the app's root URL)."""
    rid = record.id
    root = f"{base}/iiif/{rid}"
    label: dict[str, list[str]] = {}
    for doc in record.documents[:1]:
        for field, lang in (("title_ru", "ru"), ("title_en", "en")):
            v = doc.first(field)
            if v and isinstance(v.value, str):
                label[lang] = [v.value]
    if not label:
        label = {"none": [record_title(record)]}
    canvases = []
    for page in pages:
        if not has_size(page):
            continue  # nothing to size a canvas by (see `sized`)
        canvas_id = f"{root}/canvas/{page.seq}"
        canvas: dict[str, Any] = {
            "id": canvas_id,
            "type": "Canvas",
            "label": {"none": [page.label or str(page.seq + 1)]},
            "width": page.width,
            "height": page.height,
            "items": [],
        }
        if page.media_type:
            canvas["items"].append({
                "id": f"{root}/page/{page.seq}/image",
                "type": "AnnotationPage",
                "items": [{
                    "id": f"{root}/annotation/{page.seq}/image",
                    "type": "Annotation",
                    "motivation": "painting",
                    "target": canvas_id,
                    "body": {
                        "id": image_url(base, rid, page),
                        "type": "Image",
                        "format": page.media_type,
                        "width": page.width,
                        "height": page.height,
                        "service": [{"id": f"{root}/{page.seq}", "type": "ImageService3",
                                     "profile": "level0"}],
                    },
                }],
            })
        lines = [z for z in page.zones if z.kind == "line"]
        if lines:
            canvas["annotations"] = [{
                "id": f"{root}/page/{page.seq}/lines",
                "type": "AnnotationPage",
                "items": [{
                    "id": f"{root}/annotation/{page.seq}/line/{i}",
                    "type": "Annotation",
                    "motivation": "supplementing",
                    "body": {"type": "TextualBody", "value": record.text[z.start:z.end],
                             "format": "text/plain", **({"language": page.language} if page.language else {})},
                    "target": f"{canvas_id}#xywh={z.x},{z.y},{z.w},{z.h}",
                } for i, z in enumerate(lines)],
            }]
        canvases.append(canvas)
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": f"{root}/manifest.json",
        "type": "Manifest",
        "label": label,
        "metadata": [
            {"label": {"en": ["Source file"]}, "value": {"none": [record.source_name]}},
            {"label": {"en": ["Collection"]}, "value": {"none": [record.collection]}},
        ],
        "homepage": [{"id": f"{base}/iiif/{rid}/facsimile", "type": "Text",
                      "label": {"en": ["Facsimile and text"]}, "format": "text/html"}],
        "items": canvases,
    }


def image_info(record_id: str, page: Page, base: str) -> dict[str, Any]:
    return {
        "@context": IMAGE_CONTEXT,
        "id": f"{base}/iiif/{record_id}/{page.seq}",
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": page.width,
        "height": page.height,
        "extraFormats": [_EXT.get(page.media_type, "jpg")],
    }


def facsimile_context(record: Record, pages: list[Page], base: str) -> dict[str, Any]:
    """What the facsimile template shows: per page its image and its lines of words, each
    with its box as a share of the image (so the overlay scales with the zoom)."""
    out = []
    for page in pages:
        words = sorted((z for z in page.zones if z.kind == "word"), key=lambda z: z.start)
        lines = []
        for li, line in enumerate(sorted((z for z in page.zones if z.kind == "line"), key=lambda z: z.start)):
            ws = [w for w in words if line.start <= w.start and w.end <= line.end]
            lines.append({"id": f"p{page.seq}l{li}", "box": _share(line, page),
                          "words": [{"text": record.text[w.start:w.end], "box": _share(w, page),
                                     "low": w.conf is not None and w.conf < 0.6,
                                     "id": f"p{page.seq}l{li}w{wi}"} for wi, w in enumerate(ws)]
                          or [{"text": record.text[line.start:line.end], "box": None, "low": False,
                               "id": f"p{page.seq}l{li}w0"}]})
        out.append({"seq": page.seq, "label": page.label or str(page.seq + 1),
                    "image": image_url(base, record.id, page) if page.media_type else None,
                    "width": page.width, "height": page.height, "lines": lines,
                    "text": record.text[page.start:page.end] if not lines else None})
    return {"title": record_title(record), "record_id": record.id, "pages": out,
            "manifest": f"{base}/iiif/{record.id}/manifest.json"}


def _share(z, page: Page) -> list[float] | None:
    if not page.width or not page.height:
        return None
    return [round(100 * z.x / page.width, 3), round(100 * z.y / page.height, 3),
            round(100 * z.w / page.width, 3), round(100 * z.h / page.height, 3)]


def iiif_router(get_store: Callable[[], Any]) -> APIRouter:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from opis.scan.store import load_pages, page_image

    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]))
    router = APIRouter()

    def base_of(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def record_and_pages(record_id: str) -> tuple[Record, list[Page]]:
        store = get_store()
        try:
            record = store.get_record(record_id, include_restricted=False)
        except KeyError:
            raise HTTPException(404, "no such record") from None
        pages = load_pages(store, record_id, include_restricted=False)
        if not pages:
            raise HTTPException(404, "this record has no page images")
        return record, [sized(p, image_size(store, record_id, p)) for p in pages]

    def image_size(store, record_id: str, page: Page) -> tuple[int, int] | None:
        """The stored image's own size, read only for a page that came without one."""
        if has_size(page) or not page.media_type:
            return None
        from PIL import Image

        try:
            data, _ = page_image(store, record_id, page.seq, include_restricted=False)
            with Image.open(io.BytesIO(data)) as im:
                return im.size
        except (KeyError, OSError):
            return None

    @router.get("/iiif/{record_id}/manifest.json")
    def get_manifest(record_id: str, request: Request) -> Response:
        record, pages = record_and_pages(record_id)
        return JSONResponse(manifest(record, pages, base_of(request)), media_type=IIIF_JSON,
                            headers={"Access-Control-Allow-Origin": "*"})

    @router.get("/iiif/{record_id}/{seq}/info.json")
    def get_info(record_id: str, seq: int, request: Request) -> Response:
        _, pages = record_and_pages(record_id)
        page = next((p for p in pages if p.seq == seq and p.media_type), None)
        if page is None:
            raise HTTPException(404, "no such page")
        return JSONResponse(image_info(record_id, page, base_of(request)),
                            media_type='application/ld+json;profile="http://iiif.io/api/image/3/context.json"',
                            headers={"Access-Control-Allow-Origin": "*"})

    @router.get("/iiif/{record_id}/{seq}/{region}/{size}/{rotation}/{name}")
    def get_image(record_id: str, seq: int, region: str, size: str, rotation: str, name: str,
                  request: Request) -> Response:
        try:
            data, media = page_image(get_store(), record_id, seq, include_restricted=False)
        except KeyError:
            raise HTTPException(404, "no such page image") from None
        quality, _, ext = name.partition(".")
        if region != "full" or size != "max" or rotation != "0" or quality != "default" \
                or ext != _EXT.get(media):
            raise HTTPException(400, "level 0: only full/max/0/default." + _EXT.get(media, "jpg"))
        # the address stays when a new scan replaces the image or the record is closed, so
        # caches must ask again every time (a 304 when nothing changed, a 404 once closed)
        tag = f'"{content_hash(data)}"'
        headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-cache", "ETag": tag}
        if tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=media, headers=headers)

    @router.get("/iiif/{record_id}/facsimile", response_class=HTMLResponse)
    def facsimile(record_id: str, request: Request) -> HTMLResponse:
        record, pages = record_and_pages(record_id)
        html = env.get_template("facsimile.html").render(**facsimile_context(record, pages, base_of(request)))
        return HTMLResponse(html)

    @router.get("/iiif/static/facsimile.{ext}")
    def static(ext: str) -> Response:
        media = {"css": "text/css", "js": "text/javascript"}.get(ext)
        if media is None:
            raise HTTPException(404)
        path = Path(__file__).resolve().parent / "static" / f"facsimile.{ext}"
        return Response(path.read_text(encoding="utf-8"), media_type=media)

    return router
