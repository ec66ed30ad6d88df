/**
 * JSON schemas of every body and reply: fastify validates bodies with them, serializes replies by
 * them, publishes them in /openapi.json, and (by default) checks each reply against them.
 */
import type { FromSchema } from 'json-schema-to-ts';

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const texts = { type: 'array', items: { type: 'string' } } as const;
const numbers = { type: 'array', items: { type: ['number', 'null'] } } as const;

/** A StudyInstanceUID (digits and dots) or, for Orthanc, its own study id. */
const STUDY = { type: 'string', minLength: 1, maxLength: 64, pattern: '^([0-9]+(\\.[0-9]+)*|[0-9a-f]{8}(-[0-9a-f]{8}){4})$' } as const;

const modelFields = {
  prediction_model_id: { ...text(64), description: 'Model id from config-api.yaml' },
  model_id: { ...text(64), description: 'Same as prediction_model_id (the spelling of the original README)' },
} as const;

const studyField = (maxItems: number) =>
  ({
    description: 'One StudyInstanceUID or a list of them',
    anyOf: [STUDY, { type: 'array', items: STUDY, minItems: 1, maxItems }],
  }) as const;

export function bodySchemas(maxStudies: number) {
  return {
    predict: {
      type: 'object',
      additionalProperties: false,
      required: ['dicom_path'],
      properties: {
        ...modelFields,
        dicom_path: { ...text(4096), description: 'A DICOM file or folder below one of the allowed roots (relative paths start at the first root)' },
      },
    },
    orthanc: {
      type: 'object',
      additionalProperties: false,
      required: ['study_uid'],
      properties: {
        ...modelFields,
        study_uid: studyField(maxStudies),
        update_labels: { type: 'boolean', default: false, description: 'Write each series label back to Orthanc' },
      },
    },
    dicomweb: {
      type: 'object',
      additionalProperties: false,
      required: ['study_uid'],
      properties: {
        ...modelFields,
        study_uid: studyField(maxStudies),
        dicom_web_url: {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          pattern: '^https?://',
          description: 'DICOMweb base URL: DICOMWEB_URL or one of server.allowed_dicomweb_urls',
        },
      },
    },
  } as const;
}

type BodySchemas = ReturnType<typeof bodySchemas>;
/** The bodies as the routes see them, derived from the schemas above (one source of truth). */
export type PredictBody = FromSchema<BodySchemas['predict']>;
export type OrthancBody = FromSchema<BodySchemas['orthanc']>;
export type DicomWebBody = FromSchema<BodySchemas['dicomweb']>;
/** The model fields every prediction body has. */
export type ModelFields = Pick<PredictBody, keyof typeof modelFields>;

export const ERROR_REPLY = {
  type: 'object',
  required: ['statusCode', 'error', 'code', 'message'],
  additionalProperties: false,
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    code: { type: 'string', description: 'E_USAGE, E_INPUT_NOT_FOUND, E_UPSTREAM, E_BUSY, E_AUTH, …' },
    message: { type: 'string' },
    hint: { type: 'string' },
  },
} as const;

export const PREDICT_REPLY = {
  type: 'object',
  description: 'One entry per series in every list (the original reply), plus what MSC adds',
  required: [
    'model_id',
    'patient_id',
    'study_uid',
    'series_uid',
    'series_number',
    'series_description',
    'series_group',
    'prediction',
    'prediction_heuristics',
    'confidence',
    'rule',
    'filtered',
    'not_found',
    'skipped_instances',
    'time',
  ],
  additionalProperties: false,
  properties: {
    model_id: { type: 'string' },
    patient_id: texts,
    study_uid: texts,
    series_uid: texts,
    series_number: { ...texts, description: 'SeriesNumber (0020,0011), or -' },
    series_description: { ...texts, description: 'SeriesDescription as extracted (dates and times removed), or -' },
    series_group: {
      ...texts,
      description:
        "The series forming one acquisition with this one (a split dynamic scan's phases; a diffusion scan's trace, ADC, calculated b): the series_uid of its lowest-numbered series",
    },
    prediction: { ...texts, description: "The model's label" },
    prediction_heuristics: { ...texts, description: 'The final label: a fired rule replaces the model label' },
    confidence: { ...numbers, description: 'Top class probability' },
    rule: { ...texts, description: "Id of the heuristic rule that fired, or ''" },
    manufacturer: { ...texts, description: 'Manufacturer (0008,0070), or -' },
    filtered: {
      type: 'object',
      description: "Series left out by the model's filters, and why",
      required: ['study_uid', 'series_uid', 'series_description', 'reason'],
      additionalProperties: false,
      properties: { study_uid: texts, series_uid: texts, series_description: texts, reason: texts },
    },
    not_found: { ...texts, description: 'Requested studies the PACS does not have' },
    skipped_instances: { type: 'integer', description: 'Instances that are not image series (SEG, SR, …) or not DICOM' },
    labels: {
      type: 'object',
      description: 'With update_labels: how labels went back to Orthanc',
      required: ['method', 'written'],
      additionalProperties: false,
      properties: { method: { type: 'string', enum: ['labels', 'metadata'] }, key: { type: 'string' }, written: { type: 'integer' } },
    },
    pacs_calls: { type: 'integer', description: 'HTTP calls made to the PACS for this request' },
    thumbnails: {
      type: 'object',
      description: 'With server.thumbnails_dir: series drawn into it, and series given the placeholder (thumbnails.csv says why)',
      required: ['decoded', 'placeholders'],
      additionalProperties: false,
      properties: { decoded: { type: 'integer' }, placeholders: { type: 'integer' } },
    },
    time: { type: 'number', description: 'Seconds spent' },
  },
  patternProperties: { '^probability_.+$': { ...numbers, description: 'Probability of one class' } },
} as const;

const PACS_HEALTH = {
  type: 'object',
  required: ['configured'],
  additionalProperties: false,
  properties: {
    configured: { type: 'boolean' },
    reachable: { type: 'boolean' },
    version: { type: 'string' },
    labels: { type: 'boolean', description: 'Orthanc has labels (1.12+); else labels go to series metadata' },
    error: { type: 'string' },
  },
} as const;

export const HEALTH_REPLY = {
  type: 'object',
  required: ['status', 'models', 'orthanc', 'dicomweb'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'] },
    models: { type: 'object', additionalProperties: { type: 'string', enum: ['ready'] } },
    orthanc: PACS_HEALTH,
    dicomweb: PACS_HEALTH,
  },
} as const;

export const MODELS_REPLY = {
  type: 'object',
  required: ['models'],
  additionalProperties: false,
  properties: {
    models: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'files', 'classes', 'heuristics', 'filters'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          files: texts,
          classes: texts,
          heuristics: { type: ['string', 'null'] },
          filters: { type: 'object', additionalProperties: texts },
        },
      },
    },
  },
} as const;
