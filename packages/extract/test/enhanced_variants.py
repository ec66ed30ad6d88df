"""Test data for the enhanced multi-frame test, made from a real enhanced file with pydicom:
the same header re-encoded (implicit VR little endian, explicit VR big endian) and a diffusion
variant whose values live only in the functional groups (per-frame b-values, directionality,
TE and temporal positions; undefined-length sequences). Pixel data is left out (the header reader
never reads it). Usage: enhanced_variants.py SOURCE OUT_DIR; prints the paths written."""
import os
import sys
import warnings

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRBigEndian, ImplicitVRLittleEndian

warnings.simplefilter("ignore")
source, out_dir = sys.argv[1], sys.argv[2]
base = os.path.splitext(os.path.basename(source))[0]


def load():
    ds = pydicom.dcmread(source, stop_before_pixels=True)
    return ds


def save(ds, name, syntax=None):
    path = os.path.join(out_dir, f"{base}_{name}.dcm")
    if syntax is not None:
        ds.file_meta.TransferSyntaxUID = syntax
        ds.is_little_endian = syntax != ExplicitVRBigEndian
        ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    ds.save_as(path, write_like_original=False)
    print(path)


save(load(), "implicit", ImplicitVRLittleEndian)
save(load(), "big", ExplicitVRBigEndian)

# Diffusion: values only in the groups, per frame where they change.
ds = load()
for keyword in ("PixelBandwidth", "EchoPulseSequence", "ImageType"):
    if keyword in ds:
        delattr(ds, keyword)
ds.EchoPulseSequence = "SPIN"
ds.EchoPlanarPulseSequence = "YES"
shared = ds.SharedFunctionalGroupsSequence[0]
shared.MREchoSequence = Sequence()  # empty: the frames have TE
b_values = [0.0, 500.0, 1000.0, 1400.0]
echo_times = [88.0, 92.5]
for index, frame in enumerate(ds.PerFrameFunctionalGroupsSequence):
    b = b_values[index % len(b_values)]
    diffusion = Dataset()
    diffusion.DiffusionBValue = b
    diffusion.DiffusionDirectionality = "NONE" if b == 0 else "DIRECTIONAL"
    frame.MRDiffusionSequence = Sequence([diffusion])
    echo = Dataset()
    echo.EffectiveEchoTime = echo_times[(index // 8) % len(echo_times)]
    frame.MREchoSequence = Sequence([echo])
    frame.FrameContentSequence[0].TemporalPositionIndex = 1 + index % 3
    if index % 2 == 0:
        frame.MRDiffusionSequence.is_undefined_length = True
ds.PerFrameFunctionalGroupsSequence.is_undefined_length = True
ds.SeriesDescription = "enhanced dwi variant"
save(ds, "dwi")
save(ds, "dwi_implicit", ImplicitVRLittleEndian)
