"""Oracle for the extract parity test: the same per-file rules as behaviour.md §1, applied to
what pydicom reads (dcmread(stop_before_pixels=True)), with enhanced multi-frame values from the
functional groups (pydicom_enhanced.py). Prints one JSON object per file path."""
import json
import os
import re
import struct
import sys
import warnings

import pydicom
from pydicom.multival import MultiValue

from pydicom_enhanced import enhanced_values, has_groups

warnings.simplefilter("ignore")
FLOATS = {"FL": ("f", 4), "FD": ("d", 8)}
NUMBER_TEXT = re.compile(rb"[0-9 +\-.eE\\]*[0-9][0-9 +\-.eE\\]*")
columns = json.loads(sys.argv[1])  # [{name, group, element, creator}]
DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\b")


def text(value):
    if isinstance(value, bytes):
        value = value.decode("latin1")
    if type(value) is float:  # binary FL/FD; DS values (DSfloat) keep their file text via str()
        return repr(value)
    return str(value).strip()


def element_values(elem, vr=None):
    value = elem.value
    if value is None or value == "" or value == b"":
        return []
    if isinstance(value, bytes):
        # Opaque bytes (UN, or OB as anonymizers rewrite private elements): number text is read as
        # text whatever the dictionary says; else binary floats by the dictionary VR, exactly filled.
        stripped = value.rstrip(b"\0 ")
        if vr in FLOATS and not NUMBER_TEXT.fullmatch(stripped):
            code, size = FLOATS[vr]
            if len(value) % size:
                return []
            return [repr(float(v)) for v in struct.unpack(f"<{len(value) // size}{code}", value)]
        if vr in ("IS", "DS") and not NUMBER_TEXT.fullmatch(stripped):
            return []
        value = value.decode("latin1").rstrip("\0 ").split("\\")
    if isinstance(value, (list, MultiValue)):
        out = [text(v) for v in value]
    else:
        out = [text(value)]
    return [v for v in out if v != ""]


def csa_items(data, wanted):
    """Siemens CSA header entries (nibabel's csareader rules: SV10 or CSA1, little endian)."""
    found = {}
    try:
        csa2 = data[:4] == b"SV10"
        ptr = 8 if csa2 else 0
        (n_tags,) = struct.unpack_from("<I", data, ptr)
        if not 0 < n_tags <= 1024:
            return found
        ptr += 8
        first_n_items = None
        for _ in range(n_tags):
            name, vm, _vr, _syngodt, n_items, _last = struct.unpack_from("<64si4s3i", data, ptr)
            ptr += 84
            if not 0 <= n_items <= 4096:
                return found
            if first_n_items is None:
                first_n_items = n_items
            items = []
            for _ in range(n_items):
                x0, x1, _x2, _x3 = struct.unpack_from("<4i", data, ptr)
                ptr += 16
                length = x1 if csa2 else x0 - first_n_items
                if length < 0 or ptr + length > len(data):
                    return found
                if len(items) < (vm if vm > 0 else n_items):
                    item = data[ptr : ptr + length].split(b"\0")[0].decode("latin1").strip()
                    if item:
                        items.append(item)
                ptr += length + (-length % 4)
            key = name.split(b"\0")[0].decode("latin1")
            if key in wanted and items:
                found[key] = items
    except struct.error:  # truncated: what was read so far
        pass
    return found


def csa_b_value(ds, column):
    try:
        elem = ds.private_block(column["group"], column["creator"])[column["element"] & 0xFF]
    except KeyError:
        return []
    items = csa_items(bytes(elem.value or b""), {"B_value"}).get("B_value", [])
    try:
        number = float(items[0])
    except (IndexError, ValueError):
        return []
    return [str(int(number)) if number.is_integer() else repr(number)]


def values_of(ds, column):
    if column["name"] == "diffusion_bvalue_csa":
        return csa_b_value(ds, column)
    group, element, creator = column["group"], column["element"], column.get("creator")
    if creator:
        try:
            block = ds.private_block(group, creator)
            elem = block[element & 0xFF]
        except KeyError:
            return []
    else:
        elem = ds.get((group, element))
        if elem is None:
            return []
    return element_values(elem, column["vr"])


def paths_from(args):
    # `@list.txt` names a file of paths, one per line (bench/extract passes tens of thousands).
    for arg in args:
        if arg.startswith("@"):
            with open(arg[1:], encoding="utf-8") as listing:
                yield from (line.rstrip("\n") for line in listing if line.strip())
        else:
            yield arg


result = {}
for path in paths_from(sys.argv[2:]):
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:  # noqa: BLE001
        # Datasets without preamble or meta need force=True in pydicom; MSC reads them by content.
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        except Exception:  # noqa: BLE001 - the test compares skip/no-skip only
            result[path] = None
            continue
    row = {}
    # MSC_ORACLE_CLASSIC=1: top-level tags only (the reader before functional groups), for comparison.
    enhanced = has_groups(ds) and not os.environ.get("MSC_ORACLE_CLASSIC")
    for column in columns:
        values = values_of(ds, column)
        name = column["name"]
        every_frame = False
        if not values and enhanced and not column.get("creator"):
            every_frame = bool(column.get("perFrame"))
            values = enhanced_values(ds, name, every_frame, element_values)
        if not values:
            row[name] = "-"
        elif name == "diffusion_bvalue":
            kept = [v for v in (values if every_frame else values[:1]) if float(v) <= 5000]
            row[name] = " ".join(kept) if kept else "-"
        elif name == "diffusion_bvalue_ge":
            first = values[0].lstrip("+-")
            row[name] = str(int(first[-4:])) if first.isdigit() and len(first) > 5 else values[0]
        elif name == "diffusion_bvalue_philips":
            row[name] = values[0]
        elif name == "series_description":
            row[name] = re.sub(r"\s+", " ", DATE.sub(" ", " ".join(values))).strip() or "-"
        else:
            row[name] = " ".join(values)
    result[path] = row
print(json.dumps(result))
