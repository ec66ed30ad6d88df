"""Oracle for the thumbnail decoders: pydicom's pixel_array of one frame, before any windowing.

stdin: JSON list of {"path": ..., "frame": n, "out": ...}. For each, frame n (0-based) of the
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
