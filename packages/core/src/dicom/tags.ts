/**
 * The column table: every column a feature table can hold, the DICOM tag it comes from and the
 * role it plays. This is the single source of truth (docs/behaviour.md §1 and §3); extract, train,
 * predict and heuristics all read it rather than repeating column lists.
 */

/** How a column is used once a table reaches the featurizer. */
export type ColumnRole =
  /** Keys rows (study/series/patient/file); never a feature. */
  | 'identifier'
  /** Free or coded text → bag of word n-grams (docs/behaviour.md §3 "text columns"). */
  | 'text'
  /** Space-separated numbers → count, sum, min, max, mean (docs/behaviour.md §3 "numeric multi-value columns"). */
  | 'numeric-multi'
  /** One number per row (number_of_images, image statistics). */
  | 'numeric'
  /** Only used to filter series (API `filters`), never a model feature. */
  | 'filter-only'
  /** Extracted and kept in tables, never a feature. */
  | 'not-feature';

/** Where the value comes from. */
/** `study`: computed over the other series of the row's study (features' study-context.ts), never read from one file. */
export type ColumnSource = 'dicom' | 'derived' | 'file' | 'image' | 'study';

/** `original`: a column of the Python tool (its names are the contract); `msc`: added here. */
export type ColumnOrigin = 'original' | 'msc';

export interface DicomTag {
  readonly group: number;
  readonly element: number;
}

export interface ColumnSpec {
  readonly name: string;
  readonly role: ColumnRole;
  readonly source: ColumnSource;
  readonly origin: ColumnOrigin;
  /** DICOM tag for `source: 'dicom'` columns. */
  readonly tag?: DicomTag;
  /** DICOM keyword (standard dictionary) or the private element's common name. */
  readonly keyword?: string;
  /** Value representation as the standard defines it (private tags often arrive as UN instead). */
  readonly vr?: string;
  /** Private creator string the element is reserved under (its block is found at read time). */
  readonly privateCreator?: string;
  /**
   * One scalar per frame, which may change from frame to frame (b-value, TE, temporal position):
   * a multi-frame file's cell lists the distinct values of its frames, and reduction takes each
   * value of such a cell on its own, so one multi-frame file reduces as the same frames written
   * as single-frame files.
   */
  readonly perFrameValues?: boolean;
  /** Value given to empty cells when cleaning (docs/behaviour.md §3); `-` unless stated. */
  readonly emptyDefault: string;
  readonly description: string;
}

const tag = (group: number, element: number): DicomTag => ({ group, element });

type Spec = Omit<ColumnSpec, 'origin' | 'emptyDefault' | 'source'> & Partial<Pick<ColumnSpec, 'origin' | 'emptyDefault' | 'source'>>;

function column(spec: Spec): ColumnSpec {
  return {
    origin: 'original',
    emptyDefault: '-',
    source: spec.tag ? 'dicom' : 'derived',
    ...spec,
  };
}

/** Columns in the order the original tool writes them (extensions last). */
export const COLUMNS: readonly ColumnSpec[] = [
  // identifiers
  column({ name: 'patient_id', role: 'identifier', tag: tag(0x0010, 0x0020), keyword: 'PatientID', vr: 'LO', description: 'Patient ID' }),
  column({ name: 'study_uid', role: 'identifier', tag: tag(0x0020, 0x000d), keyword: 'StudyInstanceUID', vr: 'UI', description: 'Study Instance UID' }),
  column({ name: 'series_uid', role: 'identifier', tag: tag(0x0020, 0x000e), keyword: 'SeriesInstanceUID', vr: 'UI', description: 'Series Instance UID' }),
  column({ name: 'file_path', role: 'identifier', source: 'file', description: 'Path of the DICOM file (instance tables only)' }),
  // diffusion
  column({
    name: 'diffusion_bvalue',
    role: 'text',
    tag: tag(0x0018, 0x9087),
    keyword: 'DiffusionBValue',
    vr: 'FD',
    perFrameValues: true,
    description: 'Standard b-value (s/mm²); values above 5000 are discarded',
  }),
  column({
    name: 'diffusion_bvalue_ge',
    role: 'text',
    tag: tag(0x0043, 0x1039),
    keyword: 'SlopInteger6-9',
    vr: 'IS',
    privateCreator: 'GEMS_PARM_01',
    description: 'GE b-value: first value; offset encoding (more than 5 digits) keeps the last 4 digits',
  }),
  column({
    name: 'diffusion_bvalue_siemens',
    role: 'text',
    tag: tag(0x0019, 0x100c),
    keyword: 'B_value',
    vr: 'IS',
    privateCreator: 'SIEMENS MR HEADER',
    description: 'Siemens b-value',
  }),
  column({
    name: 'diffusion_bvalue_final',
    role: 'text',
    perFrameValues: true,
    description: 'First present of diffusion_bvalue, diffusion_bvalue_ge, diffusion_bvalue_siemens, diffusion_bvalue_philips',
  }),
  column({
    name: 'diffusion_directionality',
    role: 'not-feature',
    tag: tag(0x0018, 0x9075),
    keyword: 'DiffusionDirectionality',
    vr: 'CS',
    perFrameValues: true,
    description: 'Diffusion directionality',
  }),
  // timing and contrast
  column({ name: 'echo_time', role: 'numeric-multi', tag: tag(0x0018, 0x0081), keyword: 'EchoTime', vr: 'DS', perFrameValues: true, description: 'TE (ms)' }),
  column({
    name: 'echo_train_length',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0091),
    keyword: 'EchoTrainLength',
    vr: 'IS',
    description: 'Echo train length',
  }),
  column({
    name: 'repetition_time',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0080),
    keyword: 'RepetitionTime',
    vr: 'DS',
    perFrameValues: true,
    description: 'TR (ms)',
  }),
  column({
    name: 'flip_angle',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x1314),
    keyword: 'FlipAngle',
    vr: 'DS',
    perFrameValues: true,
    description: 'Flip angle (degrees)',
  }),
  column({
    name: 'inversion_time',
    role: 'not-feature',
    tag: tag(0x0018, 0x0082),
    keyword: 'InversionTime',
    vr: 'DS',
    perFrameValues: true,
    description: 'TI (ms); listed as numeric by the original but never used as a feature',
  }),
  column({
    name: 'in_plane_phase_encoding_direction',
    role: 'text',
    tag: tag(0x0018, 0x1312),
    keyword: 'InPlanePhaseEncodingDirection',
    vr: 'CS',
    description: 'ROW or COL',
  }),
  column({ name: 'mr_acquisition_type', role: 'text', tag: tag(0x0018, 0x0023), keyword: 'MRAcquisitionType', vr: 'CS', description: '2D or 3D' }),
  column({
    name: 'acquisition_matrix',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x1310),
    keyword: 'AcquisitionMatrix',
    vr: 'US',
    description: 'Acquisition matrix (4 values)',
  }),
  column({ name: 'patient_position', role: 'text', tag: tag(0x0018, 0x5100), keyword: 'PatientPosition', vr: 'CS', description: 'HFS, FFS, ...' }),
  column({
    name: 'reconstruction_matrix',
    role: 'not-feature',
    tag: tag(0x0018, 0x1100),
    keyword: 'ReconstructionDiameter',
    vr: 'DS',
    description: 'Really ReconstructionDiameter (name kept from the original); never a feature',
  }),
  column({
    name: 'magnetic_field_strength',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0087),
    keyword: 'MagneticFieldStrength',
    vr: 'DS',
    description: 'Field strength (T)',
  }),
  column({ name: 'manufacturer', role: 'text', tag: tag(0x0008, 0x0070), keyword: 'Manufacturer', vr: 'LO', description: 'Manufacturer' }),
  column({ name: 'manufacturer_model_name', role: 'text', tag: tag(0x0008, 0x1090), keyword: 'ManufacturerModelName', vr: 'LO', description: 'Scanner model' }),
  column({
    name: 'body_part_examined',
    role: 'filter-only',
    tag: tag(0x0018, 0x0015),
    keyword: 'BodyPartExamined',
    vr: 'CS',
    description: 'Body part; used by API filters only',
  }),
  column({
    name: 'number_of_phase_encoding_steps',
    role: 'not-feature',
    tag: tag(0x0018, 0x0089),
    keyword: 'NumberOfPhaseEncodingSteps',
    vr: 'IS',
    description: 'Listed as numeric by the original but never used as a feature',
  }),
  column({
    name: 'number_of_temporal_positions',
    role: 'numeric-multi',
    tag: tag(0x0020, 0x0105),
    keyword: 'NumberOfTemporalPositions',
    vr: 'IS',
    emptyDefault: '1',
    description: 'Temporal positions (DCE phases)',
  }),
  column({
    name: 'series_description',
    role: 'text',
    tag: tag(0x0008, 0x103e),
    keyword: 'SeriesDescription',
    vr: 'LO',
    description: 'Series description; dates and times inside it are removed',
  }),
  column({
    name: 'percent_phase_field_of_view',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0094),
    keyword: 'PercentPhaseFieldOfView',
    vr: 'DS',
    description: 'Percent phase FOV',
  }),
  column({
    name: 'pixel_bandwidth',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0095),
    keyword: 'PixelBandwidth',
    vr: 'DS',
    description: 'Pixel bandwidth (Hz)',
  }),
  column({ name: 'receive_coil_name', role: 'text', tag: tag(0x0018, 0x1250), keyword: 'ReceiveCoilName', vr: 'SH', description: 'Receive coil' }),
  column({ name: 'transmit_coil_name', role: 'text', tag: tag(0x0018, 0x1251), keyword: 'TransmitCoilName', vr: 'SH', description: 'Transmit coil' }),
  column({ name: 'sar', role: 'numeric-multi', tag: tag(0x0018, 0x1316), keyword: 'SAR', vr: 'DS', description: 'Specific absorption rate' }),
  column({ name: 'scanning_sequence', role: 'text', tag: tag(0x0018, 0x0020), keyword: 'ScanningSequence', vr: 'CS', description: 'SE, GR, IR, EP, ...' }),
  column({ name: 'sequence_variant', role: 'text', tag: tag(0x0018, 0x0021), keyword: 'SequenceVariant', vr: 'CS', description: 'SK, SP, MP, OSP, ...' }),
  column({
    name: 'slice_thickness',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0050),
    keyword: 'SliceThickness',
    vr: 'DS',
    description: 'Slice thickness (mm)',
  }),
  column({ name: 'software_versions', role: 'text', tag: tag(0x0018, 0x1020), keyword: 'SoftwareVersions', vr: 'LO', description: 'Scanner software' }),
  column({
    name: 'temporal_resolution',
    role: 'numeric-multi',
    tag: tag(0x0020, 0x0110),
    keyword: 'TemporalResolution',
    vr: 'DS',
    emptyDefault: '0',
    description: 'Temporal resolution (ms)',
  }),
  column({
    name: 'image_orientation_patient',
    role: 'numeric-multi',
    tag: tag(0x0020, 0x0037),
    keyword: 'ImageOrientationPatient',
    vr: 'DS',
    description: 'Row and column direction cosines (6 values)',
  }),
  column({
    name: 'image_type',
    role: 'text',
    tag: tag(0x0008, 0x0008),
    keyword: 'ImageType',
    vr: 'CS',
    description: 'ORIGINAL/DERIVED, PRIMARY, M, ADC, TRACE, ...',
  }),
  column({ name: 'scan_options', role: 'text', tag: tag(0x0018, 0x0022), keyword: 'ScanOptions', vr: 'CS', description: 'FS, PFP, SAT, ...' }),
  column({
    name: 'photometric_interpretation',
    role: 'text',
    tag: tag(0x0028, 0x0004),
    keyword: 'PhotometricInterpretation',
    vr: 'CS',
    description: 'MONOCHROME2, ...',
  }),
  column({
    name: 'spectrally_selected_suppression',
    role: 'not-feature',
    tag: tag(0x0018, 0x9025),
    keyword: 'SpectrallySelectedSuppression',
    vr: 'CS',
    description: 'Fat/water suppression',
  }),
  column({
    name: 'pixel_spacing',
    role: 'numeric-multi',
    tag: tag(0x0028, 0x0030),
    keyword: 'PixelSpacing',
    vr: 'DS',
    description: 'Pixel spacing (mm, 2 values)',
  }),
  column({
    name: 'number_of_echos',
    role: 'numeric-multi',
    tag: tag(0x0018, 0x0086),
    keyword: 'EchoNumbers',
    vr: 'IS',
    emptyDefault: '1',
    description: 'Really EchoNumbers (name kept from the original)',
  }),
  column({ name: 'modality', role: 'text', tag: tag(0x0008, 0x0060), keyword: 'Modality', vr: 'CS', description: 'MR, ...' }),
  // per-file bookkeeping
  column({
    name: 'number_of_images',
    role: 'numeric',
    source: 'derived',
    emptyDefault: '0',
    description: 'Images in the series (series tables: median of per-file counts, else the frames of its rows, a row without number_of_frames counting one)',
  }),
  column({ name: 'valid', role: 'not-feature', source: 'derived', description: 'Whether the file could be parsed and has a SOPClassUID' }),
  column({ name: 'seg', role: 'not-feature', source: 'derived', description: 'Whether the file is a DICOM SEG object' }),
  // extensions kept by MSC (not in the original tables; absent columns read as missing)
  column({
    name: 'sop_class_uid',
    role: 'identifier',
    origin: 'msc',
    tag: tag(0x0008, 0x0016),
    keyword: 'SOPClassUID',
    vr: 'UI',
    description: 'SOP class (SEG/SR objects are skipped)',
  }),
  column({
    name: 'diffusion_bvalue_philips',
    role: 'text',
    origin: 'msc',
    tag: tag(0x2001, 0x1003),
    keyword: 'DiffusionBFactor',
    vr: 'FL',
    privateCreator: 'Philips Imaging DD 001',
    description: 'Philips private b-value',
  }),
  column({
    name: 'diffusion_directionality_siemens',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0019, 0x100d),
    keyword: 'DiffusionDirectionality',
    vr: 'CS',
    privateCreator: 'SIEMENS MR HEADER',
    description: 'Siemens private diffusion directionality (NONE, ISOTROPIC, DIRECTIONAL)',
  }),
  column({
    name: 'diffusion_gradient_direction_siemens',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0019, 0x100e),
    keyword: 'DiffusionGradientDirection',
    vr: 'FD',
    privateCreator: 'SIEMENS MR HEADER',
    description: 'Siemens private diffusion gradient direction (3 values)',
  }),
  column({
    name: 'diffusion_direction_philips',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x2001, 0x1004),
    keyword: 'DiffusionDirection',
    vr: 'CS',
    privateCreator: 'Philips Imaging DD 001',
    description: 'Philips private diffusion direction (I isotropic, O, ...)',
  }),
  column({
    name: 'diffusion_bvalue_csa',
    role: 'text',
    origin: 'msc',
    tag: tag(0x0029, 0x1010),
    keyword: 'CSAImageHeaderInfo',
    vr: 'OB',
    privateCreator: 'SIEMENS CSA HEADER',
    perFrameValues: true,
    description: 'B_value of the Siemens CSA image header (SV10 or CSA1); damaged headers give none',
  }),
  column({
    name: 'diffusion_gradient_direction_csa',
    role: 'not-feature',
    origin: 'msc',
    description: 'DiffusionGradientDirection of the Siemens CSA image header (3 values)',
  }),
  column({
    name: 'diffusion_bvalue_sequence',
    role: 'text',
    origin: 'msc',
    perFrameValues: true,
    description: 'b-values the Siemens sequence name states (*ep_b800t → 800, *ep_b50_800 → 50 800); only the ep_b/re_b families',
  }),
  column({ name: 'protocol_name', role: 'text', origin: 'msc', tag: tag(0x0018, 0x1030), keyword: 'ProtocolName', vr: 'LO', description: 'Protocol name' }),
  column({
    name: 'sequence_name',
    role: 'text',
    origin: 'msc',
    tag: tag(0x0018, 0x0024),
    keyword: 'SequenceName',
    vr: 'SH',
    description: 'Pulse sequence name (e.g. *ep_b800t, *tse2d1_25)',
  }),
  column({
    name: 'contrast_bolus_agent',
    role: 'text',
    origin: 'msc',
    tag: tag(0x0018, 0x0010),
    keyword: 'ContrastBolusAgent',
    vr: 'LO',
    description: 'Contrast agent (present on post-contrast series)',
  }),
  column({
    name: 'temporal_position_identifier',
    role: 'numeric-multi',
    origin: 'msc',
    tag: tag(0x0020, 0x0100),
    keyword: 'TemporalPositionIdentifier',
    vr: 'IS',
    perFrameValues: true,
    description: 'Temporal position of the instance (DCE phase)',
  }),
  column({
    name: 'number_of_frames',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0028, 0x0008),
    keyword: 'NumberOfFrames',
    vr: 'IS',
    description: 'Frames in a multi-frame file (each counts as an image in number_of_images)',
  }),
  // Series order and clock times: what shows a person which series is which, and what tells the
  // phases of a dynamic scan written as separate series apart (study-context). Absolute clock
  // times do not travel between sites, so none is a feature.
  column({
    name: 'series_number',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0020, 0x0011),
    keyword: 'SeriesNumber',
    vr: 'IS',
    description: 'Series number',
  }),
  column({
    name: 'series_time',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0008, 0x0031),
    keyword: 'SeriesTime',
    vr: 'TM',
    description: 'Series time (HHMMSS.FFFFFF)',
  }),
  column({
    name: 'acquisition_time',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0008, 0x0032),
    keyword: 'AcquisitionTime',
    vr: 'TM',
    perFrameValues: true,
    description: "Acquisition time (HHMMSS.FFFFFF); enhanced files: the time of day of each frame's FrameAcquisitionDateTime",
  }),
  column({
    name: 'trigger_time',
    role: 'not-feature',
    origin: 'msc',
    tag: tag(0x0018, 0x1060),
    keyword: 'TriggerTime',
    vr: 'DS',
    perFrameValues: true,
    description: 'Trigger time (ms); enhanced files: NominalCardiacTriggerDelayTime of the Cardiac Synchronization macro',
  }),
];

/**
 * Columns computed over a series' study (packages/features/src/study-context.ts), after reduction:
 * how the series relates to the study's other series. Missing (`-`) when the rows carry no
 * study_uid, or a row was classified without its study.
 */
export const STUDY_CONTEXT_COLUMNS: readonly ColumnSpec[] = [
  column({
    name: 'study_series_count',
    role: 'numeric',
    source: 'study',
    origin: 'msc',
    description: "Series in the row's study (the rows given together)",
  }),
  column({
    name: 'study_dynamic_phases',
    role: 'numeric',
    source: 'study',
    origin: 'msc',
    description:
      'Series (this one included) that are phases of one dynamic scan with it: same sequence, TR/TE/flip and geometry, ≥3 distinct, regularly spaced acquisition times; 1 when alone',
  }),
  column({
    name: 'study_dynamic_span',
    role: 'numeric',
    source: 'study',
    origin: 'msc',
    description: "Seconds from the first to the last phase of the series' dynamic group; -1 when it has none",
  }),
  column({
    name: 'study_diffusion_siblings',
    role: 'numeric',
    source: 'study',
    origin: 'msc',
    description: "Other series of the study with this one's geometry that are diffusion-weighted (b>0, DIFFUSION, ADC, TRACE, …)",
  }),
  column({
    name: 'series_group',
    role: 'not-feature',
    source: 'study',
    origin: 'msc',
    description:
      "One acquisition's series (split dynamic phases; a diffusion scan's trace, ADC and calculated b): the series_uid of its lowest-numbered series; a series alone is its own group",
  }),
];

/** Image statistics of docs/behaviour.md §9, one number per instance, averaged per series. */
export const IMAGE_FEATURE_COLUMNS: readonly ColumnSpec[] = [
  ...[
    ['image_mean', 'Mean pixel value'],
    ['image_std', 'Standard deviation of pixel values'],
    ['image_min', 'Minimum pixel value'],
    ['image_max', 'Maximum pixel value'],
    ['image_median', 'Median pixel value'],
    ['image_skewness', 'Skewness of pixel values'],
    ['image_kurtosis', 'Excess kurtosis of pixel values'],
    ['image_entropy', 'Shannon entropy of the pixel histogram (bits)'],
    ['image_rms', 'Root mean square of pixel values'],
    ['image_blur_effect', 'Blur effect (Crété-Roffet), 0 sharp to 1 blurred'],
    ...Array.from({ length: 7 }, (_, i) => [`image_hu_moment_${i + 1}`, `Hu moment ${i + 1}`] as const),
    ['image_inertia_eigenvalue_1', 'Larger eigenvalue of the inertia tensor'],
    ['image_inertia_eigenvalue_2', 'Smaller eigenvalue of the inertia tensor'],
  ].map(([name, description]) => column({ name: name!, role: 'numeric', source: 'image', emptyDefault: '-', description: description! })),
  column({ name: 'image_x', role: 'not-feature', source: 'image', description: 'Columns of the pixel array' }),
  column({ name: 'image_y', role: 'not-feature', source: 'image', description: 'Rows of the pixel array' }),
];

export const ALL_COLUMNS: readonly ColumnSpec[] = [...COLUMNS, ...IMAGE_FEATURE_COLUMNS, ...STUDY_CONTEXT_COLUMNS];

const byName = new Map(ALL_COLUMNS.map((spec) => [spec.name, spec]));

export function columnSpec(name: string): ColumnSpec | undefined {
  return byName.get(name);
}

const names = (predicate: (spec: ColumnSpec) => boolean): readonly string[] => ALL_COLUMNS.filter(predicate).map((spec) => spec.name);

/** Columns read from DICOM headers, in table order. */
export const DICOM_COLUMNS: readonly ColumnSpec[] = COLUMNS.filter((spec) => spec.source === 'dicom');
/** The original tool's columns only (what its tables hold). */
export const ORIGINAL_COLUMN_NAMES = names((spec) => spec.origin === 'original' && spec.source !== 'image');
export const TEXT_COLUMNS = names((spec) => spec.role === 'text');
export const NUMERIC_MULTI_COLUMNS = names((spec) => spec.role === 'numeric-multi');
export const NUMERIC_COLUMNS = names((spec) => spec.role === 'numeric');
export const IDENTIFIER_COLUMNS = names((spec) => spec.role === 'identifier');
export const IMAGE_COLUMN_NAMES = IMAGE_FEATURE_COLUMNS.map((spec) => spec.name);
export const STUDY_CONTEXT_COLUMN_NAMES = STUDY_CONTEXT_COLUMNS.map((spec) => spec.name);
/** Columns whose instance cells list one value per distinct frame (see `ColumnSpec.perFrameValues`). */
export const PER_FRAME_VALUE_COLUMNS = names((spec) => spec.perFrameValues === true);
/** The b-value columns, in the precedence `diffusion_bvalue_final` uses. */
export const BVALUE_SOURCE_COLUMNS = ['diffusion_bvalue', 'diffusion_bvalue_ge', 'diffusion_bvalue_siemens', 'diffusion_bvalue_philips'] as const;

/** Formats a tag as the table writes it: `GGGG,EEEE`, upper-case hex. */
export function formatTag(t: DicomTag): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `${hex(t.group)},${hex(t.element)}`;
}
