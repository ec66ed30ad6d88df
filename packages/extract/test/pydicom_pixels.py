"""Oracle for the thumbnail decoders: pydicom's pixel_array of one frame, before any windowing.

`pydicom_pixels.py encapsulate SOURCE TRANSFER_SYNTAX CODESTREAM OUT` instead writes SOURCE with
its pixel data replaced by one encapsulated frame (a codestream made by the test) under another
transfer syntax: how the tests get files of syntaxes no shipped test file has (HTJ2K).

Otherwise, stdin: JSON list of {"path": ..., "frame": n, "out": ...}. For each, frame n (0-based) of the
file's pixel_array is written to "out" as float64 little endian (samples interleaved), and a JSON
list on stdout says per file its shape, the handler pydicom used and the photometric
interpretation, or the error pydicom raised. pydicom uses whichever of its handlers can decode the
transfer syntax (numpy, RLE, GDCM, Pillow: Debian's python3-gdcm and python3-pil).
"""
import json
import sys
import warnings

import numpy as np
import pydicom

warnings.simplefilter("ignore")

if len(sys.argv) == 6 and sys.argv[1] == "encapsulate":
    from pydicom.encaps import encapsulate
    from pydicom.uid import UID_dictionary

    _, _, source, syntax, codestream, out = sys.argv
    # pydicom 2.3 predates HTJ2K: its writer needs to know the UID is a compressed transfer syntax.
    UID_dictionary.setdefault(syntax, (syntax, "Transfer Syntax", "", "", ""))
    ds = pydicom.dcmread(source)
    ds.file_meta.TransferSyntaxUID = syntax
    with open(codestream, "rb") as f:
        ds.PixelData = encapsulate([f.read()])
    ds["PixelData"].is_undefined_length = True
    ds["PixelData"].VR = "OB"
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(out, write_like_original=False)
    sys.exit(0)

results = []
for job in json.load(sys.stdin):
    try:
        ds = pydicom.dcmread(job["path"])
        arr = ds.pixel_array
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        samples = int(getattr(ds, "SamplesPerPixel", 1))
        if frames > 1:
            arr = arr[job["frame"]]
        arr.astype("<f8").tofile(job["out"])
        results.append({
            "shape": list(arr.shape),
            "photometric": str(ds.PhotometricInterpretation),
            "samples": samples,
            "frames": frames,
            "transfer_syntax": str(ds.file_meta.TransferSyntaxUID),
        })
    except Exception as error:  # what pydicom cannot decode is reported, not fatal
        results.append({"error": f"{type(error).__name__}: {error}"})
json.dump(results, sys.stdout)
