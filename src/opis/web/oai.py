"""OAI-PMH 2.0 for harvesters: the public records as Dublin Core and as TEI.

Mount with ``app.include_router(oai_router(lambda: store))``; the endpoint answers GET
and POST at ``/oai`` (``path=`` changes it). Only public records are ever listed or
served: every query here filters on visibility itself, and records are read with
``include_restricted=False``.

Items are records (one source file each); sets are collections; datestamps are the
records' ``updated_at`` in UTC, to the second. Lists are paged by keyset on
(updated_at, id), and the resumption token is that cursor with the request's arguments,
base64url-encoded JSON with an HMAC, so the server keeps no state and a harvest survives
a restart (set ``OPIS_OAI_SECRET`` so that tokens cannot be forged; they never reveal
anything either way). ``OPIS_OAI_PAGE_SIZE`` sets the page size (default 50).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from lxml import etree
from sqlalchemy import and_, func, or_, select
from starlette.concurrency import run_in_threadpool

from opis.access.policy import reader_may_see
from opis.export.record_json import record_title
from opis.export.tei import record_to_tei
from opis.model import Record
from opis.review.service import lift_ended_embargoes
from opis.store.schema import records

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
TEI_NS = "http://www.tei-c.org/ns/1.0"
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
    "tei": ("https://tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd", TEI_NS),
}
VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
}
DEFAULT_PAGE_SIZE = 50
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SAFE = re.compile(r"[^A-Za-z0-9\-_.!~*'()]")
_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def o(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def datestamp(dt: datetime) -> str:
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(dt: datetime) -> datetime:
    """Stored datetimes are UTC; SQLite gives them back without a zone."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def set_spec(collection: str) -> str:
    """A setSpec for a collection name: the name itself when it is allowed, else a safe
    form with a short hash so that two names never share a spec."""
    safe = _SET_SAFE.sub("_", collection) or "_"
    if safe == collection:
        return safe
    return f"{safe}-{hashlib.sha256(collection.encode()).hexdigest()[:8]}"


def parse_date(value: str, name: str, upper: bool) -> tuple[datetime, str]:
    """A from/until argument as a UTC datetime bound (until is made exclusive)."""
    try:
        if _DAY.match(value):
            dt = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            return (dt + timedelta(days=1) if upper else dt), "day"
        if _SECOND.match(value):
            dt = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            return (dt + timedelta(seconds=1) if upper else dt), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not {value!r}")


# --- resumption tokens ------------------------------------------------------------------

class Tokens:
    def __init__(self, secret: bytes):
        self.secret = secret

    def _mac(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, body, hashlib.sha256).digest()[:16]).decode().rstrip("=")

    def make(self, state: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(state, sort_keys=True, separators=(",", ":")).encode())
        return body.decode().rstrip("=") + "." + self._mac(body.rstrip(b"="))

    def read(self, token: str) -> dict[str, Any]:
        try:
            body, mac = token.split(".")
            if not hmac.compare_digest(mac, self._mac(body.encode())):
                raise ValueError("signature")
            state = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if not isinstance(state, dict) or state.get("verb") not in ("ListIdentifiers", "ListRecords"):
                raise ValueError("state")
            return state
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise OAIError("badResumptionToken", "the resumption token is not valid") from exc


# --- metadata formats ----------------------------------------------------------------------

def oai_dc(record: Record, identifier_url: str | None) -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {FORMATS['oai_dc'][0]}")
    seen: set[tuple[str, str]] = set()

    def add(name: str, value: Any) -> None:
        if value in (None, "") or (name, str(value)) in seen:
            return
        seen.add((name, str(value)))
        etree.SubElement(dc, f"{{{DC_NS}}}{name}").text = str(value)

    add("title", record_title(record))
    for doc in record.documents:
        for field in ("author", "signatory"):
            for v in doc.all(field):
                if isinstance(v.value, dict):
                    add("creator", v.value.get("name_en") or v.value.get("name"))
    meta = record.metadata
    if isinstance(meta.get("date"), dict):
        add("date", meta["date"].get("iso"))
    for doc in record.documents:
        v = doc.first("date")
        if v is not None and isinstance(v.value, dict):
            add("date", v.value.get("iso"))
    add("type", "Text")
    for doc in record.documents:
        for field in ("doc_type", "classification"):
            v = doc.first(field)
            if v is not None and isinstance(v.value, str):
                add("type" if field == "doc_type" else "subject", v.value)
        for lang in ("en", "ru"):
            v = doc.first(f"title_{lang}")
            if v is not None and isinstance(v.value, str) and v.value != record_title(record):
                add("description", v.value)
    add("description", meta.get("summary"))
    for lang in sorted({d.language for d in record.documents if d.language}):
        add("language", lang)
    add("identifier", identifier_url)
    add("identifier", meta.get("url"))
    add("source", meta.get("citation"))
    add("format", "text/plain")
    return dc


# --- the router ----------------------------------------------------------------------------------

@dataclass(slots=True)
class OAIConfig:
    repository_name: str = "opis archive"
    repository_identifier: str = "opis"
    admin_email: str = "archive@localhost.localdomain"
    page_size: int | None = None
    # record id -> absolute URL of its page; by default the site's /documents/{id} page
    # beside the OAI endpoint
    record_url: Callable[[str], str] | None = None


def _page_size(config: OAIConfig) -> int:
    if config.page_size:
        return config.page_size
    try:
        return max(1, int(os.environ.get("OPIS_OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)))
    except ValueError:
        return DEFAULT_PAGE_SIZE


def oai_router(get_store: Callable[[], Any], *, path: str = "/oai", secret: bytes | str | None = None,
               config: OAIConfig | None = None) -> APIRouter:
    """An APIRouter serving OAI-PMH 2.0 at `path` over the store `get_store()` returns.
    Include it as it is (endpoint `/oai`), or with `path=""` under `prefix="/oai"`."""
    config = config or OAIConfig(
        repository_name=os.environ.get("OPIS_OAI_REPOSITORY_NAME", "opis archive"),
        repository_identifier=os.environ.get("OPIS_OAI_REPOSITORY_ID", "opis"),
        admin_email=os.environ.get("OPIS_OAI_ADMIN_EMAIL", "archive@localhost.localdomain"),
    )
    secret = secret if secret is not None else os.environ.get("OPIS_OAI_SECRET") or \
        ("opis-oai:" + config.repository_identifier)
    tokens = Tokens(secret.encode() if isinstance(secret, str) else secret)
    prefix = f"oai:{config.repository_identifier}:"
    router = APIRouter()

    async def endpoint(request: Request) -> Response:
        pairs = list(request.query_params.multi_items())
        if request.method == "POST":
            body = (await request.body()).decode("utf-8", "replace")
            pairs += parse_qsl(body, keep_blank_values=True)
        base_url = str(request.url.replace(query=""))
        site = str(request.base_url).rstrip("/")  # the app's root, wherever the router is mounted
        cfg = config if config.record_url else _with_site(config, site)
        # records whose embargo ended get today's datestamp, so incremental harvests see them
        await run_in_threadpool(lift_ended_embargoes, get_store())
        xml = handle(pairs, base_url, get_store(), cfg, tokens, prefix)
        return Response(xml, media_type="text/xml; charset=utf-8")

    router.add_api_route(path, endpoint, methods=["GET", "POST"], include_in_schema=True,
                         summary="OAI-PMH 2.0 (oai_dc, tei)", tags=["oai-pmh"])
    return router


def _with_site(config: OAIConfig, site: str) -> OAIConfig:
    from dataclasses import replace
    from urllib.parse import quote

    return replace(config, record_url=lambda rid: f"{site}/documents/{quote(rid)}")


def _envelope(base_url: str, args: dict[str, str] | None) -> etree._Element:
    root = etree.Element(o("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    etree.SubElement(root, o("responseDate")).text = datestamp(datetime.now(timezone.utc))
    req = etree.SubElement(root, o("request"))
    req.text = base_url
    for k, v in sorted((args or {}).items()):
        req.set(k, v)
    return root


def handle(pairs: list[tuple[str, str]], base_url: str, store: Any, config: OAIConfig,
           tokens: Tokens, prefix: str) -> bytes:
    """One OAI-PMH request (its argument pairs) → the response document."""
    args: dict[str, str] = {}
    repeated = set()
    for k, v in pairs:
        if k in args:
            repeated.add(k)
        args[k] = v
    verb = args.get("verb")
    try:
        if "verb" in repeated or verb not in VERBS:
            raise OAIError("badVerb", "missing, repeated or unknown verb")
        required, optional, exclusive = VERBS[verb]
        given = set(args) - {"verb"}
        if repeated:
            raise OAIError("badArgument", f"repeated argument(s): {', '.join(sorted(repeated))}")
        if exclusive and exclusive in given:
            if given != {exclusive}:
                raise OAIError("badArgument", f"{exclusive} is an exclusive argument")
        else:
            illegal = given - required - optional
            if illegal:
                raise OAIError("badArgument", f"illegal argument(s): {', '.join(sorted(illegal))}")
            missing = required - given
            if missing:
                raise OAIError("badArgument", f"missing argument(s): {', '.join(sorted(missing))}")
        # values the protocol gives a syntax for are checked before they are echoed
        if "set" in args and not _SPEC.match(args["set"]):
            raise OAIError("badArgument", "set is not a setSpec")
        if "metadataPrefix" in args and not _PREFIX.match(args["metadataPrefix"]):
            raise OAIError("badArgument", "metadataPrefix has characters a prefix cannot have")
        root = _envelope(base_url, args)
        body = etree.SubElement(root, o(verb))
        Handler(store, config, tokens, prefix, base_url).run(verb, args, body)
    except OAIError as err:
        keep = args if err.code not in ("badVerb", "badArgument") else None
        root = _envelope(base_url, keep)
        e = etree.SubElement(root, o("error"), code=err.code)
        e.text = err.message
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class Handler:
    def __init__(self, store: Any, config: OAIConfig, tokens: Tokens, prefix: str, base_url: str):
        self.store, self.config, self.tokens, self.prefix, self.base_url = store, config, tokens, prefix, base_url

    def run(self, verb: str, args: dict[str, str], body: etree._Element) -> None:
        getattr(self, verb)(args, body)

    # --- helpers -----------------------------------------------------------------------

    def record_id(self, identifier: str) -> str:
        if not identifier.startswith(self.prefix):
            raise OAIError("idDoesNotExist", f"no item {identifier!r} in this repository")
        return identifier[len(self.prefix):]

    def public_row(self, identifier: str) -> Any:
        rid = self.record_id(identifier)
        with self.store.engine.connect() as conn:
            row = conn.execute(select(records.c.id, records.c.collection, records.c.updated_at)
                               .where(records.c.id == rid, reader_may_see())).first()
        if row is None:
            raise OAIError("idDoesNotExist", f"no item {identifier!r} in this repository")
        return row

    def collections(self) -> dict[str, str]:
        with self.store.engine.connect() as conn:
            names = conn.execute(select(records.c.collection).where(reader_may_see())
                                 .group_by(records.c.collection).order_by(records.c.collection)).scalars()
            return {set_spec(n): n for n in names}

    def header(self, parent: etree._Element, row: Any) -> None:
        h = etree.SubElement(parent, o("header"))
        etree.SubElement(h, o("identifier")).text = self.prefix + row.id
        etree.SubElement(h, o("datestamp")).text = datestamp(row.updated_at)
        etree.SubElement(h, o("setSpec")).text = set_spec(row.collection)

    def metadata(self, parent: etree._Element, record: Record, fmt: str) -> None:
        md = etree.SubElement(parent, o("metadata"))
        if fmt == "tei":
            md.append(record_to_tei(record))
        else:
            url = self.config.record_url(record.id) if self.config.record_url else None
            md.append(oai_dc(record, url))

    def check_format(self, fmt: str) -> None:
        if fmt not in FORMATS:
            raise OAIError("cannotDisseminateFormat", f"metadataPrefix {fmt!r} is not supported here "
                                                      f"(try {', '.join(FORMATS)})")

    # --- verbs -----------------------------------------------------------------------------

    def Identify(self, args: dict[str, str], body: etree._Element) -> None:
        with self.store.engine.connect() as conn:
            earliest = conn.execute(select(func.min(records.c.updated_at))
                                    .where(reader_may_see())).scalar()
        for name, value in (
            ("repositoryName", self.config.repository_name),
            ("baseURL", self.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", self.config.admin_email),
            ("earliestDatestamp", datestamp(earliest) if earliest else "1970-01-01T00:00:00Z"),
            ("deletedRecord", "no"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            etree.SubElement(body, o(name)).text = value

    def ListMetadataFormats(self, args: dict[str, str], body: etree._Element) -> None:
        if "identifier" in args:
            self.public_row(args["identifier"])
        for fmt, (schema, ns) in FORMATS.items():
            f = etree.SubElement(body, o("metadataFormat"))
            etree.SubElement(f, o("metadataPrefix")).text = fmt
            etree.SubElement(f, o("schema")).text = schema
            etree.SubElement(f, o("metadataNamespace")).text = ns

    def ListSets(self, args: dict[str, str], body: etree._Element) -> None:
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is never split into pages here")
        sets = self.collections()
        if not sets:
            raise OAIError("noSetHierarchy", "the repository has no public collections, so no sets")
        for spec, name in sets.items():
            s = etree.SubElement(body, o("set"))
            etree.SubElement(s, o("setSpec")).text = spec
            etree.SubElement(s, o("setName")).text = name

    def GetRecord(self, args: dict[str, str], body: etree._Element) -> None:
        self.check_format(args["metadataPrefix"])
        row = self.public_row(args["identifier"])
        try:
            record = self.store.get_record(row.id, include_restricted=False)
        except KeyError as exc:
            raise OAIError("idDoesNotExist", f"no item {args['identifier']!r}") from exc
        rec = etree.SubElement(body, o("record"))
        self.header(rec, row)
        self.metadata(rec, record, args["metadataPrefix"])

    def ListIdentifiers(self, args: dict[str, str], body: etree._Element) -> None:
        self._list("ListIdentifiers", args, body)

    def ListRecords(self, args: dict[str, str], body: etree._Element) -> None:
        self._list("ListRecords", args, body)

    def _state(self, verb: str, args: dict[str, str]) -> dict[str, Any]:
        if "resumptionToken" in args:
            state = self.tokens.read(args["resumptionToken"])
            if state["verb"] != verb:
                raise OAIError("badResumptionToken", "the resumption token belongs to another verb")
            return state
        self.check_format(args["metadataPrefix"])
        state: dict[str, Any] = {"verb": verb, "prefix": args["metadataPrefix"], "cursor": 0,
                                 "after": None}
        grains = []
        for key, upper in (("from", False), ("until", True)):
            if key in args:
                dt, grain = parse_date(args[key], key, upper)
                state[key] = dt.isoformat()
                grains.append(grain)
        if len(set(grains)) > 1:
            raise OAIError("badArgument", "from and until must have the same granularity")
        if "from" in state and "until" in state and state["from"] >= state["until"]:
            raise OAIError("badArgument", "from is later than until")
        if "set" in args:
            sets = self.collections()
            if args["set"] not in sets:
                raise OAIError("noRecordsMatch", f"there is no set {args['set']!r}")
            state["set"] = sets[args["set"]]
        return state

    def _list(self, verb: str, args: dict[str, str], body: etree._Element) -> None:
        state = self._state(verb, args)
        cond = [reader_may_see()]
        if state.get("set") is not None:
            cond.append(records.c.collection == state["set"])
        if state.get("from"):
            cond.append(records.c.updated_at >= datetime.fromisoformat(state["from"]))
        if state.get("until"):
            cond.append(records.c.updated_at < datetime.fromisoformat(state["until"]))
        size = _page_size(self.config)
        with self.store.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(records).where(*cond)).scalar_one()
            page_cond = list(cond)
            if state.get("after"):
                ts, rid = datetime.fromisoformat(state["after"][0]), state["after"][1]
                page_cond.append(or_(records.c.updated_at > ts,
                                     and_(records.c.updated_at == ts, records.c.id > rid)))
            rows = conn.execute(
                select(records.c.id, records.c.collection, records.c.updated_at)
                .where(*page_cond).order_by(records.c.updated_at, records.c.id).limit(size + 1)
            ).all()
        if not rows and state["cursor"] == 0:
            raise OAIError("noRecordsMatch", "no records match these arguments")
        more = len(rows) > size
        rows = rows[:size]
        for row in rows:
            if verb == "ListIdentifiers":
                self.header(body, row)
                continue
            try:
                record = self.store.get_record(row.id, include_restricted=False)
            except KeyError:  # made restricted or removed since the page was read
                continue
            rec = etree.SubElement(body, o("record"))
            self.header(rec, row)
            self.metadata(rec, record, state["prefix"])
        if more or state["cursor"]:
            token = etree.SubElement(body, o("resumptionToken"), completeListSize=str(total),
                                     cursor=str(state["cursor"]))
            if more:
                last = rows[-1]
                nxt = dict(state, cursor=state["cursor"] + len(rows),
                           after=[utc(last.updated_at).isoformat(), last.id])
                token.text = self.tokens.make(nxt)
