"""The original tool's extraction loop, restated for timing (behaviour.md §1): every file read whole
with pydicom's dcmread (pixel data included, as the original does), each column's tag looked up,
a missing tag '-', multi-values joined by one space, dates and times removed from the description,
SEG objects and files without SOPClassUID skipped; a multiprocessing pool of N workers; one CSV.
Not the parity oracle (packages/extract/test/pydicom_rows.py is): no enhanced multi-frame, no CSA.
Usage: python3 original_extract.py COLUMNS_JSON FILE_LIST WORKERS OUT_CSV"""
import csv
import json
import re
import sys
import warnings
from multiprocessing import Pool

import pydicom
from pydicom.multival import MultiValue

warnings.simplefilter("ignore")
SEG = "1.2.840.10008.5.1.4.1.1.66.4"
DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\b")
COLUMNS = json.loads(sys.argv[1])


def value_text(ds, column):
    elem = ds.get((column["group"], column["element"]))
    if elem is None or elem.value is None or elem.value == "":
        return "-"
    value = elem.value
    if isinstance(value, bytes):
        value = value.decode("latin1").rstrip("\0 ")
    if isinstance(value, (list, MultiValue)):
        return " ".join(str(v) for v in value)
    return str(value).strip()


def read_row(path):
    try:
        ds = pydicom.dcmread(path)  # the whole file, as the original reads it
    except Exception:
        return None
    if "SOPClassUID" not in ds or ds.SOPClassUID == SEG:
        return None
    row = {c["name"]: value_text(ds, c) for c in COLUMNS}
    if "series_description" in row:
        row["series_description"] = DATE.sub("", row["series_description"]).strip()
    row["patient_id"] = str(ds.get("PatientID", "-"))
    row["file_path"] = path
    return row


def main():
    paths = [line for line in open(sys.argv[2]).read().split("\n") if line]
    workers = int(sys.argv[3])
    if workers > 1:
        with Pool(workers) as pool:
            rows = pool.map(read_row, paths, chunksize=64)
    else:
        rows = [read_row(p) for p in paths]
    names = [c["name"] for c in COLUMNS] + ["patient_id", "file_path"]
    with open(sys.argv[4], "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(r for r in rows if r is not None)


if __name__ == "__main__":
    main()
