/**
 * Unknown body fields are named before anything else is checked: ajv reports a missing required
 * field first, so a typo such as `dicom_pth` would read "missing 'dicom_path'" and hide the cause.
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { HttpError } from '../errors.js';

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known name a misspelling most likely meant, if one is close enough (at most a third of it changed). */
function closestName(given: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(given.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(2, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

interface ClosedObjectSchema {
  additionalProperties: false;
  properties: Record<string, unknown>;
}

function isClosedObject(schema: unknown): schema is ClosedObjectSchema {
  const candidate = schema as Partial<ClosedObjectSchema> | undefined;
  return candidate?.additionalProperties === false && typeof candidate.properties === 'object';
}

const unknownFields: FastifyPluginAsync = async (app) => {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body;
    const body = request.body;
    if (!isClosedObject(schema) || typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const known = Object.keys(schema.properties);
    const unknown = Object.keys(body).find((field) => !Object.hasOwn(schema.properties, field));
    if (unknown === undefined) return;
    const meant = closestName(unknown, known);
    throw new HttpError(400, 'E_USAGE', `body: unknown field '${unknown}'${meant ? ` (did you mean '${meant}'?)` : ''}`, `known fields: ${known.join(', ')}`);
  });
};

/** Applies to every route of the server whose body schema refuses unknown fields. */
export const unknownFieldsPlugin = fastifyPlugin(unknownFields, { name: 'msc-unknown-fields' });
