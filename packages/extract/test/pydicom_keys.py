"""Oracle for the fuzz test: which files pydicom reads with intact, valid keys. For each path
(arguments, or `@list.txt` of paths), dcmread, retried with force=True as the parity oracle does;
prints one JSON object path -> [SOPClassUID, StudyInstanceUID, SeriesInstanceUID]
when the three are whole (not cut short by the end of the file) and valid UIDs (PS3.5 9.1: 1-64
characters, digits and dots, no empty component, no leading zero but "0"), else null."""
import json
import re
import sys
import warnings

import pydicom

warnings.simplefilter("ignore")
sys.setrecursionlimit(2000)
VALID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
KEYS = ("SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID")


def paths_from(args):
    for arg in args:
        if arg.startswith("@"):
            with open(arg[1:], encoding="utf-8") as listing:
                yield from (line.rstrip("\n") for line in listing if line.strip())
        else:
            yield arg


def whole(ds, keyword):
    """False when the element's value is shorter than its length says (a truncated file)."""
    raw = ds.get_item(keyword)
    value, length = getattr(raw, "value", None), getattr(raw, "length", None)
    return not (isinstance(value, bytes) and isinstance(length, int) and len(value) < length)


def keys(path):
    for force in (False, True):
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True, force=force)
            if not all(key in ds and whole(ds, key) for key in KEYS):
                return None
            values = [str(ds.get(key, "") or "").strip("\0 ") for key in KEYS]
        except Exception:  # noqa: BLE001 - any failure means pydicom did not read it
            continue
        return values if all(len(v) <= 64 and VALID.match(v) for v in values) else None
    return None


print(json.dumps({path: keys(path) for path in paths_from(sys.argv[1:])}))
