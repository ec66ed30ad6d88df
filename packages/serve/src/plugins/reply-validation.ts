/** Checks each reply against its route's response schema before it is sent (a mismatch is a 500). */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { Ajv, type ValidateFunction } from 'ajv';

const replyValidation: FastifyPluginAsync = async (app) => {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const compiled = new WeakMap<object, ValidateFunction>();
  app.addHook('preSerialization', async (request, reply, payload) => {
    const responses = (request.routeOptions.schema?.response ?? {}) as Record<string, object>;
    const status = reply.statusCode;
    const schema = responses[String(status)] ?? responses[`${String(status)[0]}xx`];
    if (!schema) return payload;
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    if (!validate(payload)) {
      (request.log as FastifyBaseLogger).error({ errors: validate.errors }, 'reply does not match its schema');
      throw new Error(`reply does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    return payload;
  });
};

/** Applies to every route of the server (not only to those registered inside it). */
export const replyValidationPlugin = fastifyPlugin(replyValidation, { name: 'msc-reply-validation' });
