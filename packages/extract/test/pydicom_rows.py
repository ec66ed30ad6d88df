"""Oracle for the extract parity test: the same per-file rules as behaviour.md §1, applied to
what pydicom reads (dcmread(stop_before_pixels=True)), with enhanced multi-frame values from the
functional groups (pydicom_enhanced.py). Prints one JSON object per file path."""
import json
import os
import re
import sys
import warnings

import pydicom
from pydicom.multival import MultiValue

from pydicom_enhanced import enhanced_values, has_groups

warnings.simplefilter("ignore")
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
        if vr == "FL" and len(value) == 4:
            import struct
            return [repr(float(struct.unpack("<f", value)[0]))]
        value = value.decode("latin1").rstrip("\0 ").split("\\")
    if isinstance(value, (list, MultiValue)):
        out = [text(v) for v in value]
    else:
        out = [text(value)]
    return [v for v in out if v != ""]


def values_of(ds, column):
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
