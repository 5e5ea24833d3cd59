import * as z from 'zod';
import { documentSchemas, type DocumentKind } from '../../schemas';
import { FREE_FORM_JSON_SCHEMA_DEFINITIONS } from '../../schemas/json-value';

/**
 * Where the published schema files can be fetched: the package ships `schemas/json/`, so unpkg serves them at this
 * address once a version is on npm. It is the `$id` of each document, and what an editor may use as `$schema`.
 */
export const JSON_SCHEMA_BASE_URL = 'https://unpkg.com/hcsshim-ts/schemas/json/';

/** The JSON Schema dialect of the generated documents. */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** One generated schema file. */
export interface GeneratedSchemaFile {
  /** The document kind (`container`, `process`, ...). */
  kind: DocumentKind;
  /** The schema name, e.g. `ContainerConfig`. */
  name: string;
  /** The file name inside `schemas/json/`, e.g. `ContainerConfig.schema.json`. */
  fileName: string;
  /** The file's exact contents (2-space indented, trailing newline). */
  text: string;
}

/**
 * The JSON Schema for one input document kind, generated from its zod schema (the input side: fields with defaults
 * are optional). Draft-07 rather than zod's default 2020-12: it is the dialect every consumer handles (ajv's default
 * export, VS Code, JetBrains IDEs), and nothing in these documents needs a newer keyword.
 *
 * Besides the zod-derived content it carries `$id`, `title` and `description`, and it allows a top-level `$schema`
 * string: editors offer it for pointing at the schema, and VS Code flags it under `additionalProperties: false`
 * otherwise (`hcs validate` ignores it; the encoders do not accept it).
 */
export function jsonSchemaFor(kind: DocumentKind): Record<string, unknown> {
  const { name, schema } = documentSchemas[kind];
  const generated = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema: _dialect, description, ...rest } = generated;
  const out: Record<string, unknown> = {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${JSON_SCHEMA_BASE_URL}${name}.schema.json`,
    title: name,
    description: typeof description === 'string' ? description : `${name} (hcsshim-ts input document).`,
    ...allowSchemaKey(rest),
  };
  // The free-form fields (OCISpecification, Settings) refer to recursive definitions that zod cannot derive from
  // their validation code; only documents that have such a field carry them.
  if (JSON.stringify(out).includes('"#/definitions/Json')) {
    out.definitions = { ...(out.definitions as Record<string, unknown> | undefined), ...FREE_FORM_JSON_SCHEMA_DEFINITIONS };
  }
  // Keep keys in a stable, readable order: identity first, then the generated body as zod produced it.
  return reorder(out, ['$schema', '$id', 'title', 'description', 'type', 'properties']);
}

const SCHEMA_PROPERTY = {
  type: 'string',
  description: 'The JSON Schema this document follows (ignored by hcs validate).',
};

/** Adds a `$schema` string property to the top-level object, or to each top-level branch of a union. */
function allowSchemaKey(node: Record<string, unknown>): Record<string, unknown> {
  const out = { ...node };
  const properties = out.properties;
  if (typeof properties === 'object' && properties !== null) {
    out.properties = { $schema: SCHEMA_PROPERTY, ...(properties as Record<string, unknown>) };
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = out[keyword];
    if (Array.isArray(branches)) {
      out[keyword] = branches.map((branch: unknown) =>
        typeof branch === 'object' && branch !== null ? allowSchemaKey(branch as Record<string, unknown>) : branch,
      );
    }
  }
  return out;
}

/** Every input document's schema file, in `documentSchemas` order. */
export function generateJsonSchemaFiles(): GeneratedSchemaFile[] {
  return (Object.keys(documentSchemas) as DocumentKind[]).map((kind) => {
    const name = documentSchemas[kind].name;
    return {
      kind,
      name,
      fileName: `${name}.schema.json`,
      text: `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`,
    };
  });
}

function reorder(object: Record<string, unknown>, first: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of first) if (key in object) out[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!(key in out)) out[key] = value;
  return out;
}
