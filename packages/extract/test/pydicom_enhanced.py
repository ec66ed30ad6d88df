"""Oracle for enhanced multi-frame values (imported by pydicom_rows.py): the same rules as
packages/extract/src/functional-groups.ts, written independently with pydicom keywords. For a
column whose own tag is missing in a file with functional groups: the enhanced attribute at the top
level wins, else the Shared Functional Groups item's macro, else the frames (the first frame that
has it, or for per-frame-value columns the distinct values of every frame)."""
import re

# column -> (macro sequence keyword or None, [inner sequence keyword,] attribute keyword)
SOURCES = {
    "image_type": ("MRImageFrameTypeSequence", "FrameType"),
    "sequence_name": (None, "PulseSequenceName"),
    "repetition_time": ("MRTimingAndRelatedParametersSequence", "RepetitionTime"),
    "flip_angle": ("MRTimingAndRelatedParametersSequence", "FlipAngle"),
    "echo_train_length": ("MRTimingAndRelatedParametersSequence", "EchoTrainLength"),
    "sar": ("MRTimingAndRelatedParametersSequence", "SpecificAbsorptionRateSequence", "SpecificAbsorptionRateValue"),
    "echo_time": ("MREchoSequence", "EffectiveEchoTime"),
    "inversion_time": ("MRModifierSequence", "InversionTimes"),
    "diffusion_bvalue": ("MRDiffusionSequence", "DiffusionBValue"),
    "diffusion_directionality": ("MRDiffusionSequence", "DiffusionDirectionality"),
    "pixel_bandwidth": ("MRImagingModifierSequence", "PixelBandwidth"),
    "receive_coil_name": ("MRReceiveCoilSequence", "ReceiveCoilName"),
    "transmit_coil_name": ("MRTransmitCoilSequence", "TransmitCoilName"),
    "percent_phase_field_of_view": ("MRFOVGeometrySequence", "PercentPhaseFieldOfView"),
    "in_plane_phase_encoding_direction": ("MRFOVGeometrySequence", "InPlanePhaseEncodingDirection"),
    "number_of_phase_encoding_steps": ("MRFOVGeometrySequence", "MRAcquisitionPhaseEncodingStepsInPlane"),
    "pixel_spacing": ("PixelMeasuresSequence", "PixelSpacing"),
    "slice_thickness": ("PixelMeasuresSequence", "SliceThickness"),
    "image_orientation_patient": ("PlaneOrientationSequence", "ImageOrientationPatient"),
    "temporal_position_identifier": ("FrameContentSequence", "TemporalPositionIndex"),
    "trigger_time": ("CardiacSynchronizationSequence", "NominalCardiacTriggerDelayTime"),
}
FRAME_ACQUISITION_DATETIME = ("FrameContentSequence", "FrameAcquisitionDateTime")
# A DT's time of day (YYYYMMDD then HH[MM[SS[.F]]]; any UTC offset dropped), as a TM.
TIME_OF_DAY = re.compile(r"^\d{8}(\d{2,6}(?:\.\d{1,6})?)")
TECHNIQUE = {
    "EchoPulseSequence": None,
    "InversionRecovery": "MRModifierSequence",
    "EchoPlanarPulseSequence": None,
    "SegmentedKSpaceTraversal": None,
    "MagnetizationTransfer": "MRImagingModifierSequence",
    "SteadyStatePulseSequence": None,
    "Spoiling": None,
    "T2Preparation": "MRModifierSequence",
    "OversamplingPhase": None,
}
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def reduced_order(value):
    """core's compareReducedValues: numbers first in numeric order, then text in code-unit order."""
    return (0, float(value), value) if NUMBER.match(value) else (1, 0.0, value)


def has_groups(ds):
    return "SharedFunctionalGroupsSequence" in ds or "PerFrameFunctionalGroupsSequence" in ds


def _in_item(item, path, text_values):
    *sequences, keyword = path
    node = item
    for sequence in sequences:
        if sequence not in node or not node[sequence].value:
            return []
        node = node[sequence].value[0]
    if keyword not in node:
        return []
    return text_values(node[keyword])


def _resolve(ds, path, text_values, every_frame=False):
    macro_path = [p for p in path if p is not None]
    keyword = macro_path[-1]
    if keyword in ds:
        top = text_values(ds[keyword])
        if top:
            return top
    if path[0] is None:
        return []
    shared = ds.get("SharedFunctionalGroupsSequence")
    if shared:
        values = _in_item(shared[0], macro_path, text_values)
        if values:
            return values
    frames = ds.get("PerFrameFunctionalGroupsSequence") or []
    if not every_frame:
        for frame in frames:
            values = _in_item(frame, macro_path, text_values)
            if values:
                return values
        return []
    distinct = {v for frame in frames for v in _in_item(frame, macro_path, text_values)}
    return sorted(distinct, key=reduced_order)


def enhanced_values(ds, name, per_frame, text_values):
    """The column's values from the functional groups ([] when none); `text_values(elem)` gives an
    element's values as text under the row rules."""
    if name == "acquisition_time":
        stamps = _resolve(ds, FRAME_ACQUISITION_DATETIME, text_values, True)
        times = {m.group(1) for m in (TIME_OF_DAY.match(v.strip()) for v in stamps) if m}
        return sorted(times, key=reduced_order)
    if name == "number_of_temporal_positions":
        positions = _resolve(ds, SOURCES["temporal_position_identifier"], text_values, True)
        return [str(len(positions))] if positions else []
    if name in ("scanning_sequence", "sequence_variant"):
        value = {k: (_resolve(ds, (macro, k), text_values) or [None])[0] for k, macro in TECHNIQUE.items()}
        return _scanning_sequence(value) if name == "scanning_sequence" else _sequence_variant(value)
    path = SOURCES.get(name)
    return _resolve(ds, path, text_values, per_frame) if path else []


def _scanning_sequence(v):
    echo = v["EchoPulseSequence"]
    terms = []
    if echo in ("SPIN", "BOTH"):
        terms.append("SE")
    if v["InversionRecovery"] == "YES":
        terms.append("IR")
    if echo in ("GRADIENT", "BOTH"):
        terms.append("GR")
    if v["EchoPlanarPulseSequence"] == "YES":
        terms.append("EP")
    return terms


def _sequence_variant(v):
    keys = ["SegmentedKSpaceTraversal", "MagnetizationTransfer", "SteadyStatePulseSequence", "Spoiling", "InversionRecovery", "T2Preparation", "OversamplingPhase"]
    if all(v[k] is None for k in keys):
        return []
    terms = []
    if v["SegmentedKSpaceTraversal"] in ("PARTIAL", "FULL"):
        terms.append("SK")
    if v["MagnetizationTransfer"] in ("ON_RESONANCE", "OFF_RESONANCE"):
        terms.append("MTC")
    if v["SteadyStatePulseSequence"] in ("FREE_PRECESSION", "TRANSVERSE"):
        terms.append("SS")
    if v["SteadyStatePulseSequence"] == "TIME_REVERSED":
        terms.append("TRSS")
    if v["Spoiling"] in ("RF", "GRADIENT", "RF_AND_GRADIENT"):
        terms.append("SP")
    if "YES" in (v["InversionRecovery"], v["T2Preparation"]):
        terms.append("MP")
    if v["OversamplingPhase"] not in (None, "NONE"):
        terms.append("OSP")
    return terms or ["NONE"]
