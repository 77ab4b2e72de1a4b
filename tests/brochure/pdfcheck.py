"""Preflight checks of a brochure PDF with pypdf: colour operators, colour spaces, images, boxes, OutputIntent."""

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, StreamObject

RGB_OPERATORS = {b"rg", b"RG"}
MM = 72 / 25.4


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def all_objects(reader):
    """Every indirect object of the file (free or broken entries skipped)."""
    objects = []
    for generation, numbers in reader.xref.items():
        for number in numbers:
            try:
                obj = reader.get_object(IndirectObject(number, generation, reader))
            except Exception:  # free or unreadable entry
                continue
            if obj is not None:
                objects.append(obj)
    for number, _offset in getattr(reader, "xref_objStm", {}).items():
        try:
            objects.append(reader.get_object(IndirectObject(number, 0, reader)))
        except Exception:
            continue
    return objects


def _names(value, seen, found):
    value = _resolve(value)
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, NameObject):
        found.append(str(value))
    elif isinstance(value, DictionaryObject):  # streams are dictionaries too
        for key, item in value.items():
            found.append(str(key))
            if key == "/Parent":
                continue
            _names(item, seen, found)
    elif isinstance(value, ArrayObject):
        for item in value:
            _names(item, seen, found)


def rgb_colour_spaces(reader):
    """Where DeviceRGB or a 3-component ICC space appears in any object of the file."""
    problems = []
    for obj in all_objects(reader):
        names = []
        _names(obj, set(), names)
        if "/DeviceRGB" in names or "/CalRGB" in names:
            problems.append(("DeviceRGB", {k: str(v)[:80] for k, v in obj.items()} if isinstance(obj, DictionaryObject) else str(obj)[:120]))
        if isinstance(obj, ArrayObject) and len(obj) == 2 and obj[0] == "/ICCBased":
            if int(_resolve(obj[1]).get("/N", 0)) == 3:
                problems.append(("ICCBased N=3", str(obj)))
    return problems


def _content_streams(reader):
    """Page content and every form XObject / pattern / annotation appearance stream."""
    streams = []
    for page in reader.pages:
        streams.append(("page", page.get_contents(), page))
    for obj in all_objects(reader):
        if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Form" or (
                isinstance(obj, StreamObject) and obj.get("/PatternType") == 1):
            streams.append(("form", ContentStream(obj, reader), obj))
    return streams


def rgb_operators(reader):
    """(kind, operator) of every rg/RG operator and RGB inline image in any content stream."""
    found = []
    for kind, content, _owner in _content_streams(reader):
        if content is None:
            continue
        for operands, operator in content.operations:
            if operator in RGB_OPERATORS:
                found.append((kind, operator.decode()))
            if operator == b"INLINE IMAGE":
                settings = operands.get("settings", {})
                space = settings.get("/CS", settings.get("/ColorSpace"))
                if space in ("/RGB", "/DeviceRGB"):
                    found.append((kind, "inline RGB image"))
    return found


def operator_counts(reader, names):
    counts = {name: 0 for name in names}
    for _kind, content, _owner in _content_streams(reader):
        if content is None:
            continue
        for _operands, operator in content.operations:
            if operator in counts:
                counts[operator] += 1
    return counts


def images(reader):
    """[(colour space description, width, height)] of every image XObject."""
    found = []
    for obj in all_objects(reader):
        if isinstance(obj, StreamObject) and obj.get("/Subtype") == "/Image" and not obj.get("/ImageMask"):
            space = _resolve(obj.get("/ColorSpace"))
            if isinstance(space, ArrayObject) and space[0] == "/ICCBased":
                description = f"ICCBased N={int(_resolve(space[1])['/N'])}"
            else:
                description = str(space)
            found.append((description, int(obj["/Width"]), int(obj["/Height"])))
    return found


def boxes(reader):
    """[(MediaBox, BleedBox, TrimBox)] per page as tuples of floats (TrimBox None when absent)."""
    result = []
    for page in reader.pages:
        media = tuple(float(v) for v in page.mediabox)
        bleed = tuple(float(v) for v in page["/BleedBox"]) if "/BleedBox" in page else None
        trim = tuple(float(v) for v in page["/TrimBox"]) if "/TrimBox" in page else None
        result.append((media, bleed, trim))
    return result


def output_intents(reader):
    intents = _resolve(reader.trailer["/Root"].get("/OutputIntents"))
    return [_resolve(intent) for intent in intents or []]


def header_version(path):
    """(major, minor) of the ``%PDF-x.y`` header line of a file."""
    with open(path, "rb") as handle:
        first = handle.read(16)
    if not first.startswith(b"%PDF-"):
        raise ValueError(f"not a PDF header: {first!r}")
    major, minor = first[5:8].decode("ascii").split(".")
    return int(major), int(minor)
