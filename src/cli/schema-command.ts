import type { DocumentKind } from '../../schemas';
import { jsonSchemaFor } from './json-schema';

/** The text `hcs schema <type>` prints: the document's JSON Schema, 2-space indented, with a trailing newline. */
export function schemaText(kind: DocumentKind): string {
  return `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`;
}
